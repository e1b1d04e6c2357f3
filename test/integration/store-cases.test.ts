import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { ConflictError, InvalidInputError, NotFoundError } from '../../services/errors';
import { type CaseEndpointRow, type CaseFlowRow, type CaseNodeRow, type NewCase, type Store } from '../../services/store';
import { DRIVERS, useTestStore } from '../support/db';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const BIG = 2n ** 200n + 1n;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

const newCase: NewCase = {
  title: 'Bridge hack',
  reference: 'INC-42',
  chain: 'ethereum',
  model: 'fifo',
  maxHops: 6,
  fromBlock: 100,
  minAmount: BIG,
  assets: ['ETH'],
  seeds: [{ address: A }, { txHash: '0xseed', index: 2 }, { txHash: '0xother' }],
  createdBy: 'analyst-1',
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error);
}

const node = (address: string, over: Partial<CaseNodeRow> = {}): CaseNodeRow => ({
  address, asset: 'ETH', hop: 1, role: 'crawled', entity: null, category: null, attribution: null,
  taintedIn: BIG, taintedOut: BIG - 1n, taintedHeld: 1n, toExposure: 0n, ...over,
});
const flow = (txHash: string, over: Partial<CaseFlowRow> = {}): CaseFlowRow => ({
  txHash, ref: 'tx', from: A, to: B, asset: 'ETH', amount: BIG, tainted: BIG, hop: 1, blockNumber: 123, ...over,
});
const endpoint = (address: string, amount: bigint): CaseEndpointRow => ({
  address, asset: 'ETH', entity: 'Binance', category: 'exchange', attribution: 'label', amount, hops: 2, paths: [['0xt1', '0xt2']],
});

DRIVERS.forEach((driver) => {
  describe(`store: cases, runs, results, API keys (${driver})`, () => {
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    describe('cases', () => {
      it('creates a case with its seeds and reads it back typed', async () => {
        const created = await store.cases.create(newCase);
        expect(created.id).to.match(/^[0-9a-f-]{36}$/);
        expect(created).to.deep.include({
          title: 'Bridge hack', reference: 'INC-42', chain: 'ethereum', model: 'fifo', maxHops: 6, fromBlock: 100,
          toBlock: null, minAmount: BIG, assets: ['ETH'], status: 'new', progress: {}, createdBy: 'analyst-1', closedAt: null,
        });
        expect(created.seeds).to.deep.equal([{ address: A }, { txHash: '0xseed', index: 2 }, { txHash: '0xother' }]);
        expect(created.createdAt).to.be.instanceOf(Date);
        expect(await store.cases.get(created.id)).to.deep.equal(created);
      });

      it('returns null for an unknown or malformed id', async () => {
        expect(await store.cases.get(MISSING_ID)).to.equal(null);
        expect(await store.cases.get('not-a-uuid')).to.equal(null);
      });

      it('applies defaults for optional fields', async () => {
        const minimal = await store.cases.create({ title: 't', chain: 'bitcoin', model: 'haircut', maxHops: 0, seeds: [{ address: 'bc1q' }] });
        expect(minimal).to.deep.include({ reference: null, fromBlock: null, minAmount: 0n, assets: null, createdBy: null });
      });

      it('lists cases newest first, optionally by status', async () => {
        const list = await store.cases.list();
        expect(list.length).to.be.at.least(2);
        expect(list[0]!.createdAt.getTime()).to.be.at.least(list[list.length - 1]!.createdAt.getTime());
        expect(list.every((c) => c.seeds.length > 0)).to.equal(true);
        expect(await store.cases.list({ status: 'traced' })).to.deep.equal([]);
      });

      it('sets status and progress; a guarded change from the wrong state is a conflict', async () => {
        const kase = await store.cases.create(newCase);
        await store.cases.setStatus(kase.id, 'queued', { hop: 0 }, { onlyFrom: ['new', 'traced', 'failed'] });
        let row = await store.cases.get(kase.id);
        expect(row).to.deep.include({ status: 'queued', progress: { hop: 0 } });
        expect(row!.updatedAt.getTime()).to.be.at.least(kase.updatedAt.getTime());

        const error = await rejection(store.cases.setStatus(kase.id, 'queued', undefined, { onlyFrom: ['new', 'traced', 'failed'] }));
        expect(error).to.be.instanceOf(ConflictError);

        await store.cases.setStatus(kase.id, 'tracing');
        row = await store.cases.get(kase.id);
        expect(row).to.deep.include({ status: 'tracing', progress: { hop: 0 } });
        expect(await rejection(store.cases.setStatus(MISSING_ID, 'queued'))).to.be.instanceOf(NotFoundError);
      });
    });

    describe('runs', () => {
      it('a cancelled run stays cancelled, and the late writes of its steps leave the case alone', async () => {
        const kase = await store.cases.create(newCase);
        await store.cases.setStatus(kase.id, 'queued', { hop: 0 });
        const run = await store.runs.create(kase.id);
        await store.runs.setStatus(run.id, 'running');
        const cancelled = await store.runs.cancelActive(kase.id, 'alice');
        expect(cancelled).to.deep.include({ id: run.id, status: 'cancelled', error: 'cancelled by alice' });
        expect(await store.runs.cancelActive(kase.id, 'alice'), 'nothing left to cancel').to.equal(null);
        await store.cases.setStatus(kase.id, 'new', { cancelled: true }, { onlyFrom: ['queued', 'tracing'] });
        // what a step that was under way writes afterwards
        expect((await store.runs.setStatus(run.id, 'running')).status).to.equal('cancelled');
        expect((await store.runs.finish(run.id, 'done', { hops: 2 })).status).to.equal('cancelled');
        for (const status of ['tracing', 'traced', 'failed'] as const) await store.cases.setStatus(kase.id, status, { hop: 9 });
        expect(await store.cases.get(kase.id)).to.deep.include({ status: 'new', progress: { cancelled: true } });
        // a new trace takes the case again
        await store.cases.setStatus(kase.id, 'queued', { hop: 0 }, { onlyFrom: ['new', 'traced', 'failed'] });
        const next = await store.runs.create(kase.id);
        await store.cases.setStatus(kase.id, 'tracing', { hop: 1 });
        expect((await store.cases.get(kase.id))!.status).to.equal('tracing');
        expect((await store.runs.listForCase(kase.id, { limit: 10 })).map((r) => r.id)).to.deep.equal([next.id, run.id]);
        expect((await store.runs.listForCase(kase.id, { limit: 10, after: next.id })).map((r) => r.id)).to.deep.equal([run.id]);
      });

      it('creates runs and finds the latest, or the latest with a status', async () => {
        const kase = await store.cases.create(newCase);
        expect(await store.runs.latestForCase(kase.id)).to.equal(null);
        const first = await store.runs.create(kase.id);
        expect(first).to.deep.include({ caseId: kase.id, status: 'queued', startedAt: null, toBlock: null, stats: null });
        await store.runs.finish(first.id, 'done', { rpcCalls: 3 });
        const second = await store.runs.create(kase.id);
        expect((await store.runs.latestForCase(kase.id))?.id).to.equal(second.id);
        expect((await store.runs.latestForCase(kase.id, 'done'))?.id).to.equal(first.id);
        expect(await rejection(store.runs.create(MISSING_ID))).to.be.instanceOf(NotFoundError);
        expect(await store.runs.get('nope')).to.equal(null);
      });

      it('moves a run through its states; the pinned block and counters survive re-runs', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        const running = await store.runs.setStatus(run.id, 'running');
        expect(running.status).to.equal('running');
        expect(running.startedAt).to.be.instanceOf(Date);

        await store.runs.pinBlock(run.id, 2 ** 40, '0xtip');
        const pinned = await store.runs.pinBlock(run.id, 2 ** 41, '0xlater');
        expect(pinned).to.deep.include({ toBlock: 2 ** 40, toBlockHash: '0xtip' });

        await store.runs.addStats(run.id, { rpcCalls: 5, hops: 1 });
        await Promise.all([store.runs.addStats(run.id, { rpcCalls: 7, hops: 1 }), store.runs.addStats(run.id, { transfers: 2 })]);
        expect((await store.runs.get(run.id))?.stats).to.deep.equal({ rpcCalls: 12, hops: 2, transfers: 2 });

        const failed = await store.runs.finish(run.id, 'failed', undefined, 'rpc went away');
        expect(failed).to.deep.include({ status: 'failed', error: 'rpc went away', stats: { rpcCalls: 12, hops: 2, transfers: 2 } });
        expect(failed.finishedAt).to.be.instanceOf(Date);
        expect(await rejection(store.runs.finish(MISSING_ID, 'done', {}))).to.be.instanceOf(NotFoundError);
      });

      it('keeps the crawl state per address; the last write wins', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        await store.runs.upsertAddresses(run.id, [
          { address: A, hop: 0, fromBlock: 100, state: 'source' },
          { address: B, hop: 1, fromBlock: 2 ** 40, state: 'frontier' },
        ]);
        await store.runs.upsertAddresses(run.id, [{ address: B, hop: 1, fromBlock: 2 ** 40, state: 'crawled' }]);
        expect(await store.runs.addresses(run.id)).to.deep.equal([
          { address: A, hop: 0, fromBlock: 100, state: 'source' },
          { address: B, hop: 1, fromBlock: 2 ** 40, state: 'crawled' },
        ]);
      });

      it('reads a large crawl state whole, by hop then address (PGlite: in pages of 2,500)', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        const rows = Array.from({ length: 6_001 }, (_, i) => ({
          address: '0x' + createHash('sha256').update(String(i)).digest('hex').slice(0, 40),
          hop: (i * 7) % 5,
          fromBlock: i,
          state: 'crawled' as const,
          ...(i % 3 === 0 ? { propagatedFrom: i } : {}),
        }));
        await store.runs.upsertAddresses(run.id, rows);
        // propagated_from is written by the taint step's save
        await store.runTaint.replaceFrom(run.id, new Set(), new Map(rows.filter((r) => r.propagatedFrom !== undefined).map((r) => [r.address, r.propagatedFrom!])), []);
        const expected = [...rows].sort((x, y) => x.hop - y.hop || (x.address < y.address ? -1 : 1));
        expect(await store.runs.addresses(run.id)).to.deep.equal(expected);
      });

      it('saving a result twice leaves exactly one result', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        const result = {
          report: { chain: 'ethereum', endpoints: [{ amount: BIG }] },
          nodes: [node(A, { hop: 0, role: 'source' }), node(B, { entity: 'Binance', category: 'exchange', attribution: 'label', toExposure: BIG })],
          flows: [flow('0xt1'), flow('0xt0', { blockNumber: 99, to: null, ref: 'fee', hop: null })],
          endpoints: [endpoint(B, BIG), endpoint(A, 5n)],
        };
        await store.runs.saveResult(run.id, result);
        await store.runs.saveResult(run.id, result);
        await Promise.all([store.runs.saveResult(run.id, result), store.runs.saveResult(run.id, result)]);

        const graph = await store.runs.graph(run.id);
        expect(graph.nodes).to.deep.equal(result.nodes);
        expect(graph.edges).to.deep.equal([result.flows[1], result.flows[0]]);
        expect(await store.runs.endpoints(run.id)).to.deep.equal(result.endpoints);
        expect(await store.runs.report(run.id)).to.deep.equal({ chain: 'ethereum', endpoints: [{ amount: BIG.toString() }] });
      });

      it('a new result replaces the old one as a whole', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        await store.runs.saveResult(run.id, { report: { v: 1 }, nodes: [node(A), node(B)], flows: [flow('0x1')], endpoints: [endpoint(B, 1n)] });
        await store.runs.saveResult(run.id, { report: { v: 2 }, nodes: [node(B)], flows: [], endpoints: [] });
        const graph = await store.runs.graph(run.id);
        expect(graph.nodes.map((n) => n.address)).to.deep.equal([B]);
        expect(graph.edges).to.deep.equal([]);
        expect(await store.runs.endpoints(run.id)).to.deep.equal([]);
        expect(await store.runs.report(run.id)).to.deep.equal({ v: 2 });
      });

      it('stores the report as given: escapes, unicode and a long list written in pieces', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        const holdings = Array.from({ length: 30_000 }, (_, i) => ({ address: `0x${i.toString(16).padStart(40, '0')}`, amount: String(10n ** 30n + BigInt(i)), note: i % 1000 === 0 ? 'tab\there, line\nbreak, back\\slash, "quote", é 中 🚀' : null }));
        const report = { chain: 'ethereum', title: 'a\\b\tc\nd\re "e" \u0001 ü', holdings, endpoints: [] };
        await store.runs.saveResult(run.id, { report, nodes: [], flows: [], endpoints: [] });
        expect(await store.runs.report(run.id)).to.deep.equal(report);
      });

      // On PGlite nodes, flows and endpoints go in statements of a few thousand rows (rowsPerStatement).
      it('saves a result of more rows than one statement takes, all or nothing', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        const wallet = (i: number) => `0x${(i + 1).toString(16).padStart(40, '0')}`;
        const nodes = Array.from({ length: 12_000 }, (_, i) => node(wallet(i)));
        const flows = Array.from({ length: 12_000 }, (_, i) => flow(`0x${i.toString(16).padStart(64, '0')}`, { blockNumber: i }));
        const endpoints = Array.from({ length: 6_000 }, (_, i) => endpoint(wallet(i), BigInt(i + 1)));
        await store.runs.saveResult(run.id, { report: { v: 1 }, nodes, flows, endpoints });
        const graph = await store.runs.graph(run.id);
        expect([graph.nodes.length, graph.edges.length, (await store.runs.endpoints(run.id)).length]).to.deep.equal([12_000, 12_000, 6_000]);
        // a duplicate node in the last statement: the save fails whole and the first result stays
        await rejection(store.runs.saveResult(run.id, { report: { v: 2 }, nodes: [...nodes.slice(1), nodes[11_999]!], flows: [], endpoints: [] }));
        expect(await store.runs.report(run.id)).to.deep.equal({ v: 1 });
        expect((await store.runs.graph(run.id)).edges).to.have.length(12_000);
      });

      // The final step hands its nodes and flows over as generators (trace-step.ts): more rows
      // than a statement takes, and a generator that fails part-way fails the save whole.
      it('takes nodes and flows from async generators, all or nothing', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        const wallet = (i: number) => `0x${(i + 1).toString(16).padStart(40, '0')}`;
        async function* nodes(count: number, failAt?: number) {
          for (let i = 0; i < count; i++) {
            if (i === failAt) throw new Error('the graph could not be built');
            yield node(wallet(i));
          }
        }
        async function* flows(count: number) {
          for (let i = 0; i < count; i++) yield flow(`0x${i.toString(16).padStart(64, '0')}`, { blockNumber: i });
        }
        await store.runs.saveResult(run.id, { report: { v: 1 }, nodes: nodes(25_000), flows: flows(12_001), endpoints: [] });
        const graph = await store.runs.graph(run.id);
        expect([graph.nodes.length, graph.edges.length]).to.deep.equal([25_000, 12_001]);
        expect(new Set(graph.nodes.map((n) => n.address)).size).to.equal(25_000);
        expect(graph.edges.map((e) => e.blockNumber)).to.deep.equal(Array.from({ length: 12_001 }, (_, i) => i));

        // fails after 21,000 nodes went to the transaction (two statements on Postgres, eight on PGlite)
        const failed = await rejection(store.runs.saveResult(run.id, { report: { v: 2 }, nodes: nodes(25_000, 21_000), flows: [], endpoints: [] }));
        expect((failed as Error).message).to.equal('the graph could not be built');
        expect(await store.runs.report(run.id)).to.deep.equal({ v: 1 });
        expect((await store.runs.graph(run.id)).nodes).to.have.length(25_000);
      });

      it('a failing save keeps the previous result', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        await store.runs.saveResult(run.id, { report: { v: 1 }, nodes: [node(A)], flows: [], endpoints: [] });
        const duplicateNodes = [node(B), node(B)];
        await rejection(store.runs.saveResult(run.id, { report: { v: 2 }, nodes: duplicateNodes, flows: [], endpoints: [] }));
        expect(await store.runs.report(run.id)).to.deep.equal({ v: 1 });
        expect((await store.runs.graph(run.id)).nodes.map((n) => n.address)).to.deep.equal([A]);
        expect(await rejection(store.runs.saveResult(MISSING_ID, { report: {}, nodes: [], flows: [], endpoints: [] }))).to.be.instanceOf(NotFoundError);
      });

      it('reports nothing for a run without a result', async () => {
        const kase = await store.cases.create(newCase);
        const run = await store.runs.create(kase.id);
        expect(await store.runs.report(run.id)).to.equal(null);
        expect(await store.runs.graph(run.id)).to.deep.equal({ nodes: [], edges: [] });
      });
    });

    describe('API keys', () => {
      const hash = (key: string) => createHash('sha256').update(key).digest('hex');

      it('stores a key by hash and finds it; never the key itself', async () => {
        const key = 'th_live_0123456789abcdef';
        const created = await store.apiKeys.create({ name: 'ops', role: 'admin', keyHash: hash(key), keyPrefix: key.slice(0, 8) });
        expect(created).to.deep.include({ name: 'ops', role: 'admin', keyHash: hash(key), keyPrefix: 'th_live_', partnerId: null, revokedAt: null });
        expect((await store.apiKeys.findByHash(hash(key)))?.id).to.equal(created.id);
        expect(await store.apiKeys.findByHash(hash('other'))).to.equal(null);
        expect(await store.apiKeys.countByRole('admin')).to.equal(1);
        expect(await store.apiKeys.countByRole('supervisor')).to.equal(0);
      });

      it('refuses the same hash twice', async () => {
        const input = { name: 'a', role: 'analyst' as const, keyHash: hash('dup'), keyPrefix: 'dup' };
        await store.apiKeys.create(input);
        expect(await rejection(store.apiKeys.create(input))).to.be.instanceOf(ConflictError);
      });

      it('ties partner keys to a partner', async () => {
        const partnerId = '11111111-1111-4111-8111-111111111111';
        const partner = await store.apiKeys.create({ name: 'p', role: 'partner', keyHash: hash('p'), keyPrefix: 'p', partnerId });
        expect(partner.partnerId).to.equal(partnerId);
        expect(await rejection(store.apiKeys.create({ name: 'p', role: 'partner', keyHash: hash('q'), keyPrefix: 'q' }))).to.be.instanceOf(InvalidInputError);
        expect(await rejection(store.apiKeys.create({ name: 'p', role: 'analyst', keyHash: hash('r'), keyPrefix: 'r', partnerId }))).to.be.instanceOf(InvalidInputError);
      });

      it('a revoked key is neither found nor counted', async () => {
        const created = await store.apiKeys.create({ name: 'old', role: 'supervisor', keyHash: hash('old'), keyPrefix: 'old' });
        expect(await store.apiKeys.revoke(created.id)).to.equal(true);
        expect(await store.apiKeys.revoke(created.id)).to.equal(false);
        expect(await store.apiKeys.findByHash(hash('old'))).to.equal(null);
        expect(await store.apiKeys.countByRole('supervisor')).to.equal(0);
      });
    });
  });
});
