// JSON-RPC replies parsed a piece at a time. JSON.parse is one synchronous stretch: at the
// bench's 100k, with replies of up to 7.9 MB (the default bound of a log or trace answer is
// 8 MB), the longest JSON.parse of one took 124-157 ms, with a GC on top the longest block of
// the worker's event loop. The elements of a big
// reply's array — the `result` of one call, or the answers of a batch — are found by a small
// scanner that keeps track of nesting and strings, and parsed ~64 kB at a time, with turns
// for the event loop between. The value is the one JSON.parse gives; text that
// does not parse throws as JSON.parse does.
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Characters of a reply's elements parsed in one JSON.parse. Measured here on an 18 MB answer
 * of logs (three runs each): pieces of 64 kB took 70-101 ms in all, pieces of 1 MB 126-214 ms,
 * one JSON.parse 41-115 ms; parseReply with its scan and turns 100-113 ms.
 */
export const PIECE_CHARS = 1 << 16;

/**
 * Replies up to this size are parsed in one go (a few milliseconds). With 4 MB, the longest
 * single JSON.parse of a 100k bench run was still 137 ms (with a GC). The scan that finds the
 * elements costs ~0.5 ms a megabyte (strings, most of a reply, are skipped with indexOf).
 */
export const WHOLE_PARSE_CHARS = 1 << 20;

/** A reply parsed whole but larger than this waits for its turn (replyTurn) first: a few milliseconds of parsing. */
const TURN_BEFORE_PARSE_CHARS = 1 << 18;

/** Told the characters and milliseconds of each JSON.parse made. */
export type OnParsed = (chars: number, ms: number) => void;

// A single call's answer as nodes write it (geth, Erigon, Reth, Nethermind, anvil): other
// shapes are parsed in one go, as before.
const SINGLE_ARRAY_RESULT = /^\s*\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*(?:-?\d+|"[^"\\]*"|null)\s*,\s*"result"\s*:\s*\[/;
const BATCH = /^\s*\[/;

/**
 * A JSON-RPC reply body, parsed in pieces when it is large (see above). `onParsed` is told
 * the reply's size once, with the longest single JSON.parse it took.
 */
export async function parseReply(text: string, onParsed?: OnParsed, sizes: PieceSizes = {}): Promise<unknown> {
  let longest = 0;
  const value = await parseInPieces(text, (_, ms) => (longest = Math.max(longest, ms)), sizes);
  onParsed?.(text.length, longest);
  return value;
}

/** Sizes of parseReply (defaults WHOLE_PARSE_CHARS, PIECE_CHARS, 10 ms between turns); smaller in tests. */
export interface PieceSizes {
  wholeParseChars?: number;
  pieceChars?: number;
  sliceMs?: number;
}

async function parseInPieces(text: string, onPiece: OnParsed, sizes: PieceSizes): Promise<unknown> {
  if (text.length <= (sizes.wholeParseChars ?? WHOLE_PARSE_CHARS)) {
    // Parsed whole, but in a turn of its own: replies that arrived together were each parsed
    // as it was read, one after the other in the same turn of the loop.
    if (text.length > TURN_BEFORE_PARSE_CHARS) await replyTurn();
    return timedParse(text, onPiece);
  }
  // A turn first: the text was just joined (tens of milliseconds for a reply of megabytes).
  await replyTurn();
  const breathe = breather(sizes.sliceMs ?? 10);
  const single = SINGLE_ARRAY_RESULT.exec(text.slice(0, 256));
  const first = single ? single[0].length : BATCH.test(text) ? text.indexOf('[') + 1 : -1;
  if (first < 0) return timedParse(text, onPiece);
  const { ends, closed } = await arrayElementEnds(text, first, breathe);
  if (!closed) return timedParse(text, onPiece); // cut short: throws as JSON.parse does
  const close = ends[ends.length - 1]!;
  if (!single && !/^\s*$/.test(text.slice(close + 1))) return timedParse(text, onPiece); // text after the batch: throws
  const elements = await parseElements(text, first, ends, breathe, onPiece, sizes);
  if (!single) return elements;
  // The envelope around the result: `{"jsonrpc":"2.0","id":1,"result":` + null + the rest.
  const envelope = timedParse(`${text.slice(0, first - 1)}null${text.slice(close + 1)}`, onPiece) as { result: unknown };
  envelope.result = elements;
  return envelope;
}

/**
 * The elements of a JSON-RPC answer's `result` array that are whole in the first part of its
 * text: those followed by a comma at the array's own level, or by its end. Read in time
 * slices — the text is up to the reply bound, megabytes — and parsed ~64 kB at a time.
 * Undefined when no element is whole or a piece does not parse.
 */
export async function completeResultElements(
  prefix: string,
  options: { sliceMs?: number; onParsed?: OnParsed } = {},
): Promise<unknown[] | undefined> {
  const key = /"result"\s*:\s*\[/.exec(prefix);
  if (!key) return undefined;
  const first = key.index + key[0].length;
  await replyTurn(); // the prefix was just joined (see parseInPieces)
  const breathe = breather(options.sliceMs ?? 25);
  const { ends } = await arrayElementEnds(prefix, first, breathe);
  if (ends.length === 0) return undefined;
  try {
    return await parseElements(prefix, first, ends, breathe, options.onParsed);
  } catch {
    return undefined;
  }
}

/**
 * Where the elements of the array whose first element starts at `first` end: the index of
 * each comma between elements at the array's own level, and of its closing bracket when the
 * array closes within `text` (`closed`; the last element is whole then too).
 */
async function arrayElementEnds(text: string, first: number, breathe: () => Promise<void>): Promise<{ ends: number[]; closed: boolean }> {
  const ends: number[] = [];
  let depth = 0;
  let steps = 0;
  for (let i = first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Strings are most of a reply (hex): skipped whole, to the next quote not escaped.
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return { ends, closed: false };
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) {
        ends.push(i);
        return { ends, closed: true };
      }
      depth--;
    } else if (c === COMMA && depth === 0) ends.push(i);
    if ((++steps & 0x3fff) === 0) await breathe();
  }
  return { ends, closed: false };
}

/** Whether the quote at `at` is escaped: preceded by an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/**
 * The elements between `first` and each end, parsed ~PIECE_CHARS at a time; throws where a
 * piece does not parse. An element too large to parse whole — in a batch, one call's answer
 * of megabytes — is parsed in pieces of its own (parseInPieces): parsed whole, the answers of
 * a batch of eth_getLogs were single JSON.parse calls of up to 6 MB, 80-140 ms each in a
 * profiled run of the bench's 100k (its longest JSON.parse, token asked for: 97 ms profiled before; 20-27 ms after).
 */
async function parseElements(
  text: string, first: number, ends: number[], breathe: () => Promise<void>, onParsed?: OnParsed, sizes: PieceSizes = {},
): Promise<unknown[]> {
  const pieceChars = sizes.pieceChars ?? PIECE_CHARS;
  const wholeChars = sizes.wholeParseChars ?? WHOLE_PARSE_CHARS;
  const out: unknown[] = [];
  /** Start of the elements not parsed yet, and of element k. */
  let from = first;
  let start = first;
  const parsePiece = (to: number) => {
    const piece = timedParse(`[${text.slice(from, to)}]`, onParsed);
    if (!Array.isArray(piece)) throw new SyntaxError('a piece of a JSON array did not parse as an array');
    for (const element of piece) out.push(element);
  };
  for (let k = 0; k < ends.length; k++) {
    const to = ends[k]!;
    if (to - start > wholeChars) {
      if (start > from) parsePiece(start - 1); // the elements before it, up to its comma
      out.push(await parseInPieces(text.slice(start, to), onParsed ?? (() => undefined), sizes));
      from = start = to + 1;
      await breathe();
      continue;
    }
    start = to + 1;
    if (to - from < pieceChars && k < ends.length - 1) continue;
    parsePiece(to);
    from = to + 1;
    await breathe();
  }
  return out;
}

function timedParse(text: string, onParsed?: OnParsed): unknown {
  const started = performance.now();
  const value: unknown = JSON.parse(text);
  onParsed?.(text.length, performance.now() - started);
  return value;
}

function breather(sliceMs: number): () => Promise<void> {
  let deadline = performance.now() + sliceMs;
  return async () => {
    if (performance.now() < deadline) return;
    await replyTurn();
    deadline = performance.now() + sliceMs;
  };
}

let lastTurn: Promise<void> = Promise.resolve();

/**
 * A turn for the event loop, taken by every reply being read or parsed one after the other:
 * each goes on in a later turn of the loop than the one before it. With a plain
 * setImmediate, the replies read at once (a few eth_getLogs and trace_filter in flight) all
 * went on in the same turn, each for its slice: at the bench's 100k, 100-200 ms without a
 * timer running, where each one's slice is 10 ms.
 */
export function replyTurn(): Promise<void> {
  const turn = lastTurn.then(() => nextTurn());
  lastTurn = turn;
  return turn;
}

const [QUOTE, BACKSLASH, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA] = ['"', '\\', '{', '}', '[', ']', ','].map((c) => c.charCodeAt(0));
