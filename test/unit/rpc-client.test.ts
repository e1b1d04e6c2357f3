// The JSON-RPC transport against a real loopback server that injects faults: 429 with
// Retry-After, 500, a hang past the timeout, truncated JSON, rate-limit and deterministic
// JSON-RPC errors. No mocks of fetch.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRpcClient, OversizedReplyError } from '../../services/chains/rpc/client';
import { completeResultElements, parseReply, PIECE_CHARS, WHOLE_PARSE_CHARS } from '../../services/chains/rpc/json-pieces';
import { RpcResponseError, isRangeRefusal, isRateLimited } from '../../services/chains/rpc/errors';
import { RetryableError } from '../../services/errors';
import { utf8Decoder } from '../../services/chains/rpc/http-post';
import fc from 'fast-check';

/** Pieces of bytes as the reader decodes them while a reply comes in (`groupBytes` at a time). */
function utf8Text(pieces: readonly Uint8Array[], groupBytes?: number): string {
  const text = utf8Decoder(groupBytes);
  for (const piece of pieces) text.add(piece);
  return text.end();
}

type Fault = (res: http.ServerResponse) => boolean;

interface FaultServer {
  url: string;
  /** Faults to apply to the next HTTP requests, one per request. */
  faults: Fault[];
  httpRequests: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** Echo server: `echo` returns its params; `fail_<code>` returns that JSON-RPC error. */
async function startFaultServer(): Promise<FaultServer> {
  let inFlight = 0;
  const state: FaultServer = { url: '', faults: [], httpRequests: 0, maxInFlight: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    state.httpRequests += 1;
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fault = state.faults.shift();
      if (fault && fault(res)) return;
      const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
      const reply = (call: { id: unknown; method: string; params: unknown[] }): object => {
        const failure = /^fail_(-?\d+)_?(.*)$/.exec(call.method);
        if (failure) return { jsonrpc: '2.0', id: call.id, error: { code: Number(failure[1]), message: failure[2] || 'failure' } };
        return { jsonrpc: '2.0', id: call.id, result: call.params };
      };
      // Answer slowly enough that concurrent requests overlap.
      setTimeout(() => res.writeHead(200).end(JSON.stringify(Array.isArray(body) ? body.map(reply) : reply(body as never))), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

const status = (code: number, headers: Record<string, string> = {}): Fault => (res) => {
  res.writeHead(code, headers).end('busy');
  return true;
};
const hang: Fault = () => true; // never answers
const truncated: Fault = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('[{"jsonrpc":"2.0","id":1,"res');
  return true;
};

describe('rpc client', function () {
  let server: FaultServer;
  beforeEach(async () => {
    server = await startFaultServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const client = (extra: Parameters<typeof createRpcClient>[0] extends infer O ? Partial<O> : never = {}) =>
    createRpcClient({ url: server.url, backoffBaseMs: 5, backoffMaxMs: 2000, requestTimeoutMs: 2000, ...extra });

  it('sends many calls in few HTTP requests, in order, within the concurrency cap', async function () {
    const rpc = client({ batchSize: 100, maxConcurrency: 2 });
    const calls = Array.from({ length: 450 }, (_, i) => ({ method: 'echo', params: [i] }));
    const results = await rpc.batchResults<number[]>(calls);
    expect(results.map((r) => r[0])).to.deep.equal(calls.map((_, i) => i));
    expect(rpc.stats()).to.include({ rpcCalls: 450, httpRequests: 5, retries: 0 });
    expect(server.maxInFlight).to.equal(2);
  });

  it('honours Retry-After on HTTP 429', async function () {
    const rpc = client();
    server.faults.push(status(429, { 'retry-after': '1' }));
    const started = Date.now();
    expect(await rpc.request('echo', ['ok'])).to.deep.equal(['ok']);
    expect(Date.now() - started).to.be.at.least(950);
    expect(rpc.stats()).to.include({ httpRequests: 2, retries: 1 });
  });

  it('retries 5xx and truncated JSON with backoff', async function () {
    const rpc = client();
    server.faults.push(status(500), status(503), truncated);
    expect(await rpc.request('echo', [1])).to.deep.equal([1]);
    expect(rpc.stats().retries).to.equal(3);
  });

  it('times out a hanging request and retries it', async function () {
    const rpc = client({ requestTimeoutMs: 150 });
    server.faults.push(hang);
    expect(await rpc.request('echo', [2])).to.deep.equal([2]);
    expect(rpc.stats()).to.include({ httpRequests: 2, retries: 1 });
  });

  it('gives up with a RetryableError after the configured retries', async function () {
    const rpc = client({ retries: 2 });
    server.faults.push(status(502), status(502), status(502), status(502));
    let error: unknown;
    try {
      await rpc.request('echo', []);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RetryableError);
    expect((error as Error).message).to.match(/HTTP 502.*3 attempts/);
    expect(server.httpRequests).to.equal(3);
  });

  it('retries only the members of a batch that were rate limited', async function () {
    const rpc = client();
    // The first reply rate-limits the second call; the retry asks for that one alone.
    let first = true;
    server.faults.push((res) => {
      if (!first) return false;
      first = false;
      res.writeHead(200).end(JSON.stringify([
        { jsonrpc: '2.0', id: 1, result: ['a'] },
        { jsonrpc: '2.0', id: 2, error: { code: -32005, message: 'daily request count exceeded, request rate limited' } },
      ]));
      return true;
    });
    const results = await rpc.batchResults<string[]>([{ method: 'echo', params: ['a'] }, { method: 'echo', params: ['b'] }]);
    expect(results).to.deep.equal([['a'], ['b']]);
    expect(rpc.stats()).to.include({ rpcCalls: 3, httpRequests: 2, retries: 1 });
  });

  it('never retries deterministic errors and returns them per call', async function () {
    const rpc = client();
    const outcomes = await rpc.batch([
      { method: 'echo', params: [1] },
      { method: 'fail_-32602_invalid params', params: [] },
      { method: 'fail_3_execution reverted', params: [] },
    ]);
    expect(outcomes[0]).to.deep.equal({ ok: true, result: [1] });
    expect(outcomes[1]!.ok).to.equal(false);
    expect(rpc.stats()).to.include({ httpRequests: 1, retries: 0 });
    let error: unknown;
    try {
      await rpc.request('fail_3_execution reverted');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RpcResponseError);
    expect((error as RpcResponseError).rpcCode).to.equal(3);
    expect(rpc.stats().retries).to.equal(0);
  });

  it('never reads a reply larger than maxReplyBytes: the batch is asked again one call per request, a call too large alone comes back as OversizedReplyError', async function () {
    const rpc = client({ batchSize: 100 });
    const big = (i: number) => ({ method: 'echo', params: [String(i).padEnd(1_000, 'x')] });
    // Eight answers of ~1 kB: not in one reply of 2.5 kB at most, so one per reply.
    const outcomes = await rpc.batch([...Array.from({ length: 8 }, (_, i) => big(i)), { method: 'echo', params: ['y'.repeat(5_000)] }], { maxReplyBytes: 2_500 });
    expect(outcomes.slice(0, 8).map((o) => (o.ok ? (o.result as string[])[0]!.slice(0, 1) : 'error'))).to.deep.equal(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(outcomes[8]!.ok).to.equal(false);
    expect(!outcomes[8]!.ok && outcomes[8]!.error).to.be.instanceOf(OversizedReplyError);
    // Unbounded, the same calls are one request and every answer is read.
    const before = server.httpRequests;
    const whole = await rpc.batch([big(0), { method: 'echo', params: ['y'.repeat(5_000)] }]);
    expect(whole.every((o) => o.ok)).to.equal(true);
    expect(server.httpRequests - before).to.equal(1);
  });

  it('asked with a bound, a request not answered in time is not sent again as it was: its calls go one per request, one that times out alone comes back as OversizedReplyError', async function () {
    const rpc = client({ batchSize: 100, requestTimeoutMs: 150 });
    // The batch of two hangs, then one of the calls alone (the first to arrive) hangs too.
    server.faults.push(hang, hang);
    const outcomes = await rpc.batch([{ method: 'echo', params: [1] }, { method: 'echo', params: [2] }], { maxReplyBytes: 10_000 });
    const timedOut = outcomes.filter((o) => !o.ok);
    expect(timedOut).to.have.length(1);
    expect(!timedOut[0]!.ok && timedOut[0]!.error).to.be.instanceOf(OversizedReplyError);
    expect(!timedOut[0]!.ok && (timedOut[0]!.error as OversizedReplyError).partial).to.equal(undefined);
    outcomes.forEach((o, i) => o.ok && expect(o.result).to.deep.equal([i + 1]));
    expect(server.httpRequests).to.equal(3);
    expect(rpc.stats().retries).to.equal(0);
    // Unbounded, a hanging request is retried as it was.
    server.faults.push(hang);
    expect(await rpc.batch([{ method: 'echo', params: [3] }])).to.deep.equal([{ ok: true, result: [3] }]);
    expect(rpc.stats().retries).to.equal(1);
  });

  it('refuses a streamed reply (no Content-Length) once it passes maxReplyBytes', async function () {
    const rpc = client();
    server.faults.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('[{"jsonrpc":"2.0","id":1,"result":["');
      for (let i = 0; i < 10; i += 1) res.write('z'.repeat(1_000));
      res.end('"]}]');
      return true;
    });
    const [outcome] = await rpc.batch([{ method: 'echo', params: ['z'] }], { maxReplyBytes: 4_000 });
    expect(!outcome!.ok && outcome!.error).to.be.instanceOf(OversizedReplyError);
  });

  it('reads a bounded reply whose characters are split across pieces of the stream (each character decoded whole)', async function () {
    const rpc = client();
    const text = 'Überweisung 5 € — 送金 🐷';
    const reply = Buffer.from(JSON.stringify([{ jsonrpc: '2.0', id: 1, result: [text] }]));
    server.faults.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      // One byte per piece, a few milliseconds apart: every multi-byte character is cut.
      let i = 0;
      const next = () => (i < reply.length ? (res.write(reply.subarray(i, ++i)), setTimeout(next, i % 16 === 0 ? 1 : 0)) : res.end());
      next();
      return true;
    });
    const [outcome] = await rpc.batch([{ method: 'echo', params: ['x'] }], { maxReplyBytes: 4_000 });
    expect(outcome).to.deep.equal({ ok: true, result: [text] });
  });

  it('decodes pieces of bytes as Response.text() does (byte order mark, bad sequences, characters cut between pieces)', function () {
    fc.assert(
      // Decoded in groups of a few bytes too, as a reply is a megabyte at a time while read.
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(64), { maxLength: 6 }), fc.boolean(), fc.integer({ min: 1, max: 16 }), (raw, cuts, bom, group) => {
        const bytes = bom ? Uint8Array.from([0xef, 0xbb, 0xbf, ...raw]) : raw;
        const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((start, k) => bytes.subarray(start, [...at, bytes.length][k]));
        expect(utf8Text(pieces)).to.equal(new TextDecoder().decode(bytes));
        expect(utf8Text(pieces, group)).to.equal(new TextDecoder().decode(bytes));
      }),
    );
    expect(utf8Text([Buffer.from('\uFEFF{"a":"é"}')])).to.equal('{"a":"é"}');
    expect(utf8Text([])).to.equal('');
  });

  it('with partialArrays, a call too large alone comes back with the whole elements of its result read within the bound', async function () {
    const rpc = client({ batchSize: 100 });
    const items = Array.from({ length: 10 }, (_, i) => ({ n: i, pad: 'p'.repeat(400), nested: { topics: ['a}', 'b]'] } }));
    const call = { method: 'echo', params: items };
    const [bounded] = await rpc.batch([call], { maxReplyBytes: 2_000, partialArrays: true });
    const error = !bounded!.ok && bounded!.error;
    expect(error).to.be.instanceOf(OversizedReplyError);
    // ~460 bytes per element: 4 are whole within 2,000 bytes (the envelope takes some), in order.
    expect((error as OversizedReplyError).partial).to.deep.equal(items.slice(0, (error as OversizedReplyError).partial!.length));
    expect((error as OversizedReplyError).partial!.length).to.be.within(3, 4);
    // Without the option nothing of a refused answer is kept.
    const [plain] = await rpc.batch([call], { maxReplyBytes: 2_000 });
    expect(!plain!.ok && (plain!.error as OversizedReplyError).partial).to.equal(undefined);
    // A call sharing its request is asked again alone before anything of it is kept.
    const two = await rpc.batch([call, { method: 'echo', params: ['x'] }], { maxReplyBytes: 2_000, partialArrays: true });
    expect(!two[0]!.ok && (two[0]!.error as OversizedReplyError).partial!.length).to.be.within(3, 4);
    expect(two[1]).to.deep.equal({ ok: true, result: ['x'] });
  });

  it('keeps the whole elements of a streamed reply (no Content-Length) cut at the bound', async function () {
    const rpc = client();
    server.faults.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('[{"jsonrpc":"2.0","id":1,"result":[');
      for (let i = 0; i < 20; i += 1) res.write(`${i ? ',' : ''}{"i":${i},"z":"${'z'.repeat(500)}"}`);
      res.end(']}]');
      return true;
    });
    const [outcome] = await rpc.batch([{ method: 'echo', params: ['z'] }], { maxReplyBytes: 4_000, partialArrays: true });
    const partial = (!outcome!.ok && (outcome!.error as OversizedReplyError).partial) as Array<{ i: number }>;
    expect(partial.map((p) => p.i)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reads the whole elements of a result array from the start of an answer, a piece at a time', async function () {
    const answer = JSON.stringify({ jsonrpc: '2.0', id: 3, result: [{ a: { b: '},"x' } }, { a: { b: 2 } }, { a: { b: 3 } }] });
    expect(await completeResultElements(answer.slice(0, answer.indexOf('{"a":{"b":3')))).to.deep.equal([{ a: { b: '},"x' } }, { a: { b: 2 } }]);
    // Cut inside the second element's nested object: only the first is whole.
    expect(await completeResultElements(answer.slice(0, answer.indexOf('2}') + 2))).to.deep.equal([{ a: { b: '},"x' } }]);
    // Cut after the array closed: every element is whole.
    expect(await completeResultElements(answer.slice(0, -1))).to.deep.equal([{ a: { b: '},"x' } }, { a: { b: 2 } }, { a: { b: 3 } }]);
    expect(await completeResultElements(answer.slice(0, 30))).to.equal(undefined);
    expect(await completeResultElements('{"jsonrpc":"2.0","id":3,"error":{"code":1}')).to.equal(undefined);
    // Megabytes of elements: parsed in pieces of about PIECE_CHARS (64 kB), in order.
    const many = Array.from({ length: 12_000 }, (_, i) => ({ i, pad: 'q'.repeat(300) }));
    const big = JSON.stringify({ jsonrpc: '2.0', id: 4, result: many });
    const pieces: number[] = [];
    const read = await completeResultElements(big.slice(0, big.length - 200), { onParsed: (chars) => pieces.push(chars) });
    expect(read).to.deep.equal(many.slice(0, read!.length));
    expect(read!.length).to.equal(many.length - 1);
    expect(pieces.length).to.be.at.least(3);
    expect(Math.max(...pieces)).to.be.below(1.1 * PIECE_CHARS);
  });

  it('parses a large reply in pieces, to the value JSON.parse gives (single answers with an array result, batches, other shapes)', async function () {
    const small = { wholeParseChars: 0, pieceChars: 40, sliceMs: 0 };
    const element = fc.jsonValue({ maxDepth: 3 });
    const envelope = fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), result: fc.array(element, { maxLength: 8 }) });
    const shapes = fc.oneof(
      envelope,
      fc.array(fc.oneof(envelope, fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), error: fc.record({ code: fc.integer(), message: fc.string() }) })), { maxLength: 5 }),
      fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), result: element }),
    );
    await fc.assert(
      fc.asyncProperty(shapes, fc.boolean(), async (reply, spaced) => {
        const text = JSON.stringify(reply, null, spaced ? 1 : undefined);
        expect(await parseReply(text, undefined, small)).to.deep.equal(JSON.parse(text));
      }),
    );
    // Strings holding brackets, quotes and escapes do not end an element.
    const tricky = { jsonrpc: '2.0', id: 7, result: [{ data: '],}{["\\"' }, ['[', ']'], 'x\\', { n: -1.5e3 }] };
    expect(await parseReply(JSON.stringify(tricky), undefined, small)).to.deep.equal(tricky);
    // Text that does not parse throws as JSON.parse does: cut short, trailing text, a bad element.
    for (const bad of ['{"jsonrpc":"2.0","id":1,"result":[1,2', '[{"jsonrpc":"2.0","id":1,"result":1}] x', '{"jsonrpc":"2.0","id":1,"result":[1,{"a":}]}']) {
      let thrown: unknown;
      try {
        await parseReply(bad, undefined, small);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, bad).to.be.instanceOf(SyntaxError);
    }
  });

  it('gives the event loop turns while it parses a reply of megabytes, and says how long its longest JSON.parse took', async function () {
    const logs = Array.from({ length: 30_000 }, (_, i) => ({ blockNumber: `0x${i.toString(16)}`, data: `0x${'0'.repeat(64)}`, topics: [`0x${'ab'.repeat(32)}`, `0x${'cd'.repeat(32)}`] }));
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, result: logs });
    expect(text.length).to.be.above(WHOLE_PARSE_CHARS);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const told: Array<[number, number]> = [];
    const parsed = await parseReply(text, (chars, ms) => told.push([chars, ms]));
    clearInterval(timer);
    expect(parsed).to.deep.equal({ jsonrpc: '2.0', id: 1, result: logs });
    // JSON.parse alone would not let one timer fire.
    expect(ticks).to.be.at.least(1);
    expect(told).to.have.length(1);
    expect(told[0]![0]).to.equal(text.length);
  });

  it('parses a batch whose answers are each megabytes in pieces too, not one JSON.parse per answer', async function () {
    const logs = (n: number, salt: number) => Array.from({ length: n }, (_, i) => ({ blockNumber: `0x${(i + salt).toString(16)}`, data: `0x${'0'.repeat(64)}`, topics: [`0x${'ab'.repeat(32)}`] }));
    const batch = [
      { jsonrpc: '2.0', id: 1, result: logs(20_000, 0) },
      { jsonrpc: '2.0', id: 2, result: [] },
      { jsonrpc: '2.0', id: 3, error: { code: -32005, message: 'query returned more than 10000 results' } },
      { jsonrpc: '2.0', id: 4, result: logs(20_000, 7) },
    ];
    const text = JSON.stringify(batch);
    expect(text.length).to.be.above(2 * WHOLE_PARSE_CHARS);
    const parsedLengths: number[] = [];
    const parse = JSON.parse;
    JSON.parse = (source: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      parsedLengths.push(source.length);
      return parse(source, reviver);
    };
    let value: unknown;
    try {
      value = await parseReply(text);
    } finally {
      JSON.parse = parse;
    }
    expect(value).to.deep.equal(batch);
    // Each answer of ~3.6 MB was one JSON.parse before; now no parse is much over a piece.
    expect(Math.max(...parsedLengths)).to.be.below(PIECE_CHARS + 1_000);
  });

  it('classifies provider messages', function () {
    expect(isRateLimited({ code: -32005, message: 'rate limit exceeded' })).to.equal(true);
    expect(isRateLimited({ code: -32016, message: 'over capacity' })).to.equal(true);
    expect(isRateLimited({ code: -32000, message: 'Too Many Requests' })).to.equal(true);
    expect(isRateLimited({ code: -32005, message: 'query returned more than 10000 results' })).to.equal(false);
    expect(isRangeRefusal({ code: -32005, message: 'query returned more than 10000 results' })).to.equal(true);
    expect(isRangeRefusal({ code: -32600, message: 'eth_getLogs block range is too wide' })).to.equal(true);
    expect(isRangeRefusal({ code: -32602, message: 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range' })).to.equal(true);
    expect(isRangeRefusal({ code: -32005, message: 'rate limit exceeded' })).to.equal(false);
    expect(isRateLimited({ code: -32602, message: 'invalid params' })).to.equal(false);
  });
});
