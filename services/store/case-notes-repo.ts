// Notes on the wallets of a case: one per address, replaced when edited, gone when emptied.
import type { Db } from './db';
import { isUuid, toDate } from './values';

export interface CaseNoteRow {
  caseId: string;
  address: string;
  text: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function createCaseNotesRepo(db: Db) {
  return {
    async list(caseId: string): Promise<CaseNoteRow[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<NoteDbRow>('select * from case_notes where case_id = $1 order by updated_at desc, address', [caseId]);
      return rows.map(fromRow);
    },

    async save(note: { caseId: string; address: string; text: string; authorId: string; authorName: string }): Promise<CaseNoteRow> {
      const { rows } = await db.query<NoteDbRow>(
        `insert into case_notes (case_id, address, text, author_id, author_name) values ($1, $2, $3, $4, $5)
         on conflict (case_id, address) do update set text = excluded.text, author_id = excluded.author_id,
           author_name = excluded.author_name, updated_at = now()
         returning *`,
        [note.caseId, note.address, note.text, note.authorId, note.authorName],
      );
      return fromRow(rows[0]!);
    },

    async remove(caseId: string, address: string): Promise<boolean> {
      const { rows } = await db.query<{ address: string }>('delete from case_notes where case_id = $1 and address = $2 returning address', [caseId, address]);
      return rows.length > 0;
    },
  };
}

interface NoteDbRow { case_id: string; address: string; text: string; author_id: string | null; author_name: string | null; created_at: unknown; updated_at: unknown }
function fromRow(row: NoteDbRow): CaseNoteRow {
  return {
    caseId: row.case_id, address: row.address, text: row.text, authorId: row.author_id, authorName: row.author_name,
    createdAt: toDate(row.created_at), updatedAt: toDate(row.updated_at),
  };
}
