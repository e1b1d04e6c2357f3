// Attribution labels: bulk import and lookup by address.
import { InvalidInputError } from '../errors';
import { LABEL_CATEGORIES, type Address, type Label, type LabelCategory } from '../domain/types';
import type { Db } from './db';
import { chunks, eachChunk, groupBy, lastPerKey, toDate, toInt, toIntOrNull } from './values';

// Large chunks: each is one statement, so 300k labels are 15 round trips.
const UPSERT_CHUNK = 20_000;

export interface LabelRow extends Label {
  importedAt: Date;
}

export function createLabelsRepo(db: Db) {
  return {
    /**
     * Inserts labels, or updates confidence and source of one already stored (same chain,
     * address, entity, category). Returns the number of labels that are new or changed, so
     * re-importing an unchanged file returns 0. Validates everything first: a bad row
     * rejects the whole call before any write.
     */
    async upsert(labels: readonly Label[]): Promise<number> {
      labels.forEach(checkLabel);
      const unique = lastPerKey(labels, (l) => `${l.chain}\u0000${l.address}\u0000${l.entity}\u0000${l.category}`);
      let written = 0;
      for (const chunk of chunks(unique, UPSERT_CHUNK)) {
        const { rowCount } = await db.query(UPSERT_LABELS, [
          chunk.map((l) => l.chain),
          chunk.map((l) => l.address),
          chunk.map((l) => l.entity),
          chunk.map((l) => l.category),
          chunk.map((l) => l.confidence ?? null),
          chunk.map((l) => l.source ?? null),
        ]);
        written += rowCount;
      }
      return written;
    },

    /**
     * Labels of each address, highest confidence first (unknown confidence last). Addresses
     * are compared exactly: callers pass them in the form the labels were stored in.
     * Every address asked for is a key. LOOKUP_CHUNK addresses per statement with an
     * event-loop turn between: a hop looks up ~90,000 wallets at the bench's 100k.
     */
    async lookup(chain: string, addresses: readonly Address[]): Promise<Map<Address, LabelRow[]>> {
      const found = new Map<Address, LabelRow[]>();
      await eachChunk(addresses, LOOKUP_CHUNK, async (chunk) => {
        const { rows } = await db.query<LabelDbRow>(
          `select chain, address, entity, category, confidence, source, imported_at from labels
           where chain = $1 and address = any($2::text[])
           order by address, confidence desc nulls last, entity, category`,
          [chain, chunk],
        );
        for (const [address, labels] of groupBy(chunk, rows.map(fromRow), (l) => l.address)) found.set(address, labels);
      });
      return found;
    },

    /** Changes whenever a chain's labels do (an import, a removal): count and newest import. */
    async stamp(chain: string): Promise<string> {
      const { rows } = await db.query<{ n: unknown; latest: unknown }>(
        'select count(*) as n, max(imported_at) as latest from labels where chain = $1',
        [chain],
      );
      const latest = rows[0]?.latest;
      return `${toInt(rows[0]?.n)}@${latest instanceof Date ? latest.toISOString() : String(latest ?? '')}`;
    },

    async count(chain?: string): Promise<number> {
      const { rows } = await db.query<{ n: unknown }>(
        'select count(*) as n from labels where $1::text is null or chain = $1',
        [chain ?? null],
      );
      return toInt(rows[0]?.n);
    },
  };
}

const UPSERT_LABELS = `
insert into labels (chain, address, entity, category, confidence, source, imported_at)
select l.*, now() from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[])
  as l(chain, address, entity, category, confidence, source)
on conflict (chain, address, entity, category) do update set
  confidence = excluded.confidence, source = excluded.source, imported_at = excluded.imported_at
-- an unchanged label is left alone: re-importing a big file rewrites (and bloats) nothing
where (labels.confidence, labels.source) is distinct from (excluded.confidence, excluded.source)`;

const CATEGORIES = new Set<string>(LABEL_CATEGORIES);

function checkLabel(label: Label, index: number): void {
  const problem =
    !label.chain ? 'chain is empty'
    : !label.address ? 'address is empty'
    : !label.entity ? 'entity is empty'
    : !CATEGORIES.has(label.category) ? `unknown category "${label.category}"`
    : label.confidence != null && !(Number.isInteger(label.confidence) && label.confidence >= 0 && label.confidence <= 100)
      ? `confidence ${label.confidence} is not an integer 0..100`
    : undefined;
  if (problem) {
    throw new InvalidInputError(`label ${index + 1}: ${problem}`, { details: { index, label } });
  }
}

interface LabelDbRow {
  chain: string;
  address: string;
  entity: string;
  category: string;
  confidence: unknown;
  source: string | null;
  imported_at: unknown;
}

function fromRow(row: LabelDbRow): LabelRow {
  const confidence = toIntOrNull(row.confidence);
  return {
    chain: row.chain,
    address: row.address,
    entity: row.entity,
    category: row.category as LabelCategory,
    ...(confidence === null ? {} : { confidence }),
    ...(row.source === null ? {} : { source: row.source }),
    importedAt: toDate(row.imported_at),
  };
}

/** Addresses per statement of a label lookup. */
const LOOKUP_CHUNK = 10_000;
