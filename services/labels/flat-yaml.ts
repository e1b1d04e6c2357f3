// A fast reader for the one YAML shape big TagPacks have: top-level `key: scalar` lines and
// a `tags:` list of flat `key: scalar` maps. The BitMEX pack (50,000 tags a file) takes the
// `yaml` package most of a second per file; this takes a few milliseconds. Anything outside
// that shape (nested values, multi-line or escaped scalars, comments after values, anchors,
// tabs, duplicate keys) returns null and the caller falls back to the full parser. Scalars
// come back as strings, exactly as `yaml`'s failsafe schema returns them, so both paths
// give the same document (a test checks this on every real pack).

export type FlatDocument = Record<string, string | Record<string, string>[]>;

/** The document, or null when the text is not in the flat shape. */
export function scanFlatTagPack(text: string, listKey = 'tags'): FlatDocument | null {
  const doc: FlatDocument = {};
  let list: Record<string, string>[] | null = null;
  let inList = false;
  let itemIndent = -1;
  let item: Record<string, string> | null = null;

  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (position <= n) {
    let end = text.indexOf('\n', position);
    if (end < 0) end = n;
    let line = text.slice(position, end);
    position = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    if (indent === line.length || line[indent] === '#') continue;
    if (line.includes('\t')) return null;

    if (inList && line.startsWith('- ', indent) && (itemIndent < 0 || indent === itemIndent)) {
      itemIndent = indent;
      item = {};
      list!.push(item);
      if (!addPair(item, line, indent + 2)) return null;
    } else if (indent === 0) {
      const pair = keyValue(line, 0);
      if (pair === null || pair.key in doc) return null;
      inList = false;
      item = null;
      if (pair.value === null) {
        if (pair.key !== listKey) return null;
        list = [];
        doc[listKey] = list;
        inList = true;
      } else {
        doc[pair.key] = pair.value;
      }
    } else if (item !== null && indent === itemIndent + 2) {
      if (!addPair(item, line, indent)) return null;
    } else {
      return null;
    }
  }
  // An empty `tags:` is null to YAML; let the full parser say so.
  if (list !== null && list.length === 0) return null;
  return doc;
}

function addPair(target: Record<string, string>, line: string, from: number): boolean {
  const pair = keyValue(line, from);
  if (pair === null || pair.value === null || pair.key in target) return false;
  target[pair.key] = pair.value;
  return true;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `key: value` from `from` on; value null for `key:` alone; null if not that shape. */
function keyValue(line: string, from: number): { key: string; value: string | null } | null {
  const colon = line.indexOf(':', from);
  if (colon < 0) return null;
  const key = line.slice(from, colon);
  if (!KEY.test(key)) return null;
  if (colon + 1 < line.length && line[colon + 1] !== ' ') return null;
  const rest = line.slice(colon + 1).trim();
  if (rest === '') return { key, value: null };
  const value = scalar(rest);
  return value === null ? null : { key, value };
}

const PLAIN_FORBIDDEN_FIRST = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', '%', '@', '`']);

/** A one-line scalar, or null when it needs the full parser. */
function scalar(text: string): string | null {
  const first = text[0]!;
  if (first === "'") {
    if (text.length < 2 || !text.endsWith("'")) return null;
    const inner = text.slice(1, -1);
    let out = '';
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i]!;
      if (c === "'") {
        if (inner[i + 1] !== "'") return null;
        i++;
      }
      out += c;
    }
    return out;
  }
  if (first === '"') {
    if (text.length < 2 || !text.endsWith('"')) return null;
    const inner = text.slice(1, -1);
    return inner.includes('"') || inner.includes('\\') ? null : inner;
  }
  if (PLAIN_FORBIDDEN_FIRST.has(first)) return null;
  if ((first === '-' || first === '?' || first === ':') && (text.length === 1 || text[1] === ' ')) return null;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return null;
  return text;
}
