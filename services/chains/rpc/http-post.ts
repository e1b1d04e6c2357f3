// One HTTP round trip carrying a JSON-RPC payload. Every transport-level failure that may
// pass (timeout, 429, 5xx, reset socket, a truncated body) becomes a RetryableError.
import { StringDecoder } from 'node:string_decoder';
import { RetryableError, TraceholdError } from '../../errors';
import { parseRetryAfter } from './backoff';
import { parseReply, replyTurn } from './json-pieces';

export interface PostOptions {
  url: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  /**
   * A reply body larger than this is not read (nor parsed): ReplyTooLargeError. Parsing is
   * synchronous, so one huge JSON answer would block the event loop; the caller asks for
   * less instead (fewer calls per request, a shorter block range).
   */
  maxBytes?: number;
  /**
   * A reply over maxBytes is still refused, but its first maxBytes bytes are read and handed
   * over (`ReplyTooLargeError.prefix`): a caller that can use the start of an answer (the
   * first logs of a range, in block order) asks only for the rest.
   */
  keepPrefix?: boolean;
  /** Told the size of each reply body parsed (characters: bytes for ASCII JSON) and its longest JSON.parse (ms; a large reply is parsed in pieces). */
  onParsed?: (bytes: number, ms: number) => void;
}

/** The reply was larger than PostOptions.maxBytes: not retryable as it is, ask for less. */
export class ReplyTooLargeError extends TraceholdError {
  override readonly code: string = 'reply_too_large';
  readonly bytes: number;
  /** The reply's first maxBytes bytes, when asked for (PostOptions.keepPrefix). */
  readonly prefix: string | undefined;
  constructor(bytes: number, maxBytes: number, prefix?: string) {
    super(`RPC reply of ${bytes >= 0 ? `${bytes} bytes` : 'unknown size'} is larger than ${maxBytes} bytes`);
    this.bytes = bytes;
    this.prefix = prefix;
  }
}

export async function postJson(body: string, options: PostOptions): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body,
        signal: controller.signal,
      });
    } catch (error) {
      throw transportError(error, controller.signal.aborted, options);
    }

    let text: string;
    try {
      // Unbounded replies too are read in slices (Response.text() decodes a body of megabytes,
      // say a batch of Multicall3 answers, in one stretch of the event loop).
      text = await boundedText(response, options.maxBytes ?? Infinity, controller, options.keepPrefix === true);
    } catch (error) {
      if (error instanceof ReplyTooLargeError) throw error;
      throw transportError(error, controller.signal.aborted, options);
    }

    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new RetryableError(`RPC ${redact(options.url)} rate limited (HTTP 429)`, {
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        details: { status: 429 },
      });
    }
    if (response.status >= 500) {
      throw new RetryableError(`RPC ${redact(options.url)} failed with HTTP ${response.status}`, {
        details: { status: response.status, body: text.slice(0, 200) },
      });
    }

    let parsed: unknown;
    try {
      parsed = await parseReply(text, options.onParsed);
    } catch (error) {
      // A 2xx with a cut-off body is a dropped connection in disguise; a 4xx with HTML is not.
      if (response.ok) {
        throw new RetryableError(`RPC ${redact(options.url)} returned malformed JSON`, {
          cause: error,
          details: { status: response.status, body: text.slice(0, 200) },
        });
      }
      throw new TraceholdError(`RPC ${redact(options.url)} failed with HTTP ${response.status}`, {
        details: { status: response.status, body: text.slice(0, 200) },
      });
    }
    // Some nodes answer JSON-RPC errors with 4xx statuses; the JSON body is what matters.
    return parsed;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The body as text, refused (and the request aborted) as soon as it is known to exceed
 * maxBytes: from Content-Length before reading anything, else while reading. With
 * `keepPrefix`, the refusal carries the first maxBytes bytes (read even when Content-Length
 * already told the reply is too large).
 */
/** Longest stretch of reading a reply before the event loop gets a turn (ms). */
const READ_SLICE_MS = 10;

async function boundedText(response: Response, maxBytes: number, controller: AbortController, keepPrefix: boolean): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const size = Number.isFinite(declared) ? declared : -1;
  if (size > maxBytes && !keepPrefix) {
    controller.abort();
    throw new ReplyTooLargeError(size, maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  // Decoded as the bytes come, a megabyte at a time (utf8Decoder): decoded once at the end,
  // a 12 MB reply was one ~100-170 ms stretch of the event loop (Buffer.concat and toString)
  // at the bench's 100k.
  const text = utf8Decoder();
  let bytes = 0;
  // Pieces already buffered are read through promise callbacks alone: an 8 MB reply (and the
  // others arriving with it) would be read in one stretch of the event loop. A turn for
  // the loop every few milliseconds of reading.
  let turnAt = performance.now() + READ_SLICE_MS;
  for (;;) {
    if (performance.now() >= turnAt) {
      await replyTurn();
      turnAt = performance.now() + READ_SLICE_MS;
    }
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes + value.byteLength > maxBytes) {
      if (keepPrefix) text.add(value.subarray(0, maxBytes - bytes));
      controller.abort();
      await reader.cancel().catch(() => undefined);
      // The prefix's text is joined in a turn of its own (megabytes: tens of milliseconds), not
      // on top of the abort's.
      if (keepPrefix) await replyTurn();
      throw new ReplyTooLargeError(size, maxBytes, keepPrefix ? text.end() : undefined);
    }
    bytes += value.byteLength;
    text.add(value);
  }
  // Joining a large reply's text is milliseconds of its own: in its turn, not stacked on
  // those of the replies read with it.
  if (bytes > DECODE_BYTES) await replyTurn();
  return text.end();
}

/** Bytes of a reply decoded in one go while it is read. */
const DECODE_BYTES = 1 << 20;

/**
 * UTF-8 bytes added piece by piece, decoded `groupBytes` at a time as they are added (a
 * character cut between pieces or groups is decoded whole): the text at the end is what
 * `Response.text()` gives, a leading byte order mark dropped and bad sequences replaced. Per
 * 64 kB piece (TextDecoder in stream mode) decoding took half the CPU of reading a reply.
 */
export function utf8Decoder(groupBytes = DECODE_BYTES): { add(piece: Uint8Array): void; end(): string } {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  let group: Uint8Array[] = [];
  let grouped = 0;
  const decodeGroup = () => {
    if (grouped > 0) parts.push(decoder.write(Buffer.concat(group, grouped)));
    group = [];
    grouped = 0;
  };
  return {
    add(piece) {
      group.push(piece);
      grouped += piece.byteLength;
      if (grouped >= groupBytes) decodeGroup();
    },
    end() {
      decodeGroup();
      parts.push(decoder.end());
      const text = parts.join('');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    },
  };
}

/** No answer within the request timeout: a node may take minutes to build a large answer whole. */
export class RpcTimeoutError extends RetryableError {
  override readonly code: string = 'timeout';
}

function transportError(error: unknown, timedOut: boolean, options: PostOptions): RetryableError {
  if (timedOut) {
    return new RpcTimeoutError(`RPC ${redact(options.url)} timed out after ${options.timeoutMs} ms`, { cause: error });
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new RetryableError(`RPC ${redact(options.url)} connection failed: ${reason}`, { cause: error });
}

/** API keys often live in the URL path or query; keep them out of messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '<rpc>';
  }
}
