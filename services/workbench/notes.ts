// Notes on the wallets of a case, saved with the case and kept across re-traces.
import { BadRequestError, InvalidInputError } from '../errors';
import type { Principal } from '../auth/api-keys';
import { getCase } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';
import { recordCaseActivity } from './activity';

/** EVM addresses compare case-insensitively (stored lower-case); base58 and bech32 are kept as given. */
export function noteAddress(raw: string): string {
  const address = raw.trim();
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(address)) throw new InvalidInputError('address must be 1–128 letters and digits');
  return /^0x[0-9a-fA-F]{40}$/.test(address) ? address.toLowerCase() : address;
}

export async function listNotes(deps: TraceDeps, caseId: string) {
  await getCase(deps, caseId);
  return (await deps.store.caseNotes.list(caseId)).map((n) => ({
    address: n.address, text: n.text, author: n.authorName, createdAt: n.createdAt, updatedAt: n.updatedAt,
  }));
}

/** Saves the note on one address; an empty text deletes it. */
export async function saveNote(deps: TraceDeps, caseId: string, rawAddress: string, body: unknown, principal: Principal) {
  await getCase(deps, caseId);
  const address = noteAddress(rawAddress);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('expected a JSON object {text}');
  const text = (body as { text?: unknown }).text;
  if (typeof text !== 'string') throw new BadRequestError('text must be a string');
  const trimmed = text.trim();
  if (trimmed.length > 4000) throw new InvalidInputError('a note is at most 4000 characters');
  if (!trimmed) {
    const removed = await deps.store.caseNotes.remove(caseId, address);
    if (removed) await recordCaseActivity(deps, caseId, 'note.deleted', principal, { address });
    return null;
  }
  const note = await deps.store.caseNotes.save({ caseId, address, text: trimmed, authorId: principal.keyId, authorName: principal.name });
  await recordCaseActivity(deps, caseId, 'note.saved', principal, { address, text: trimmed.length > 200 ? trimmed.slice(0, 200) + '…' : trimmed });
  return { address: note.address, text: note.text, author: note.authorName, createdAt: note.createdAt, updatedAt: note.updatedAt };
}
