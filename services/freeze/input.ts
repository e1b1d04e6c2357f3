// Validation of freeze-request inputs (partners, drafting, partner answers). Wrong types or
// missing fields are a BadRequestError (400); well-formed but invalid values an
// InvalidInputError (422). Nothing is written before these pass.
import { BadRequestError, InvalidInputError } from '../errors';
import { PARTNER_KINDS, RESPONSE_STATUSES, type NewPartner, type ResponseStatus } from '../store';

export function objectBody(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequestError('expected a JSON object');
  return raw as Record<string, unknown>;
}

export function str(value: unknown, name: string, min = 1, max = 500): string {
  if (typeof value !== 'string') throw new BadRequestError(`${name} must be a string`);
  const s = value.trim();
  if (s.length < min || s.length > max) throw new InvalidInputError(`${name} must be ${min}–${max} characters`);
  return s;
}

export function optStr(value: unknown, name: string, max = 500): string | null {
  return value === undefined || value === null ? null : str(value, name, 1, max);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== 'string') throw new BadRequestError(`${name} must be a string`);
  if (!(allowed as readonly string[]).includes(value)) throw new InvalidInputError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function amount(value: unknown, name: string): bigint {
  if (typeof value !== 'string') throw new BadRequestError(`${name} must be a string of integer base units`);
  if (!/^\d{1,78}$/.test(value)) throw new InvalidInputError(`${name} must be a non-negative integer of base units, as a string`);
  return BigInt(value);
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
export function email(value: unknown, name: string): string {
  const s = str(value, name, 3, 320);
  if (!EMAIL.test(s)) throw new InvalidInputError(`${name} is not an email address`);
  return s;
}

/** ISO 13616 check: letters/digits, country code, mod-97 = 1. Returns it without spaces, upper-case. */
export function iban(value: unknown, name: string): string {
  const s = str(value, name, 5, 64).replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) throw new InvalidInputError(`${name} is not an IBAN`);
  const digits = (s.slice(4) + s.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  if (rest !== 1) throw new InvalidInputError(`${name} fails the IBAN checksum`);
  return s;
}

export function validatePartnerInput(raw: unknown): NewPartner {
  const body = objectBody(raw);
  const name = str(body.name, 'name', 1, 200);
  const kind = oneOf(body.kind, PARTNER_KINDS, 'kind');
  if (!Array.isArray(body.entities)) throw new BadRequestError('entities must be an array of entity names');
  if (body.entities.length === 0 || body.entities.length > 100) throw new InvalidInputError('entities must list 1–100 entity names');
  const entities = [...new Set(body.entities.map((e, i) => str(e, `entities[${i}]`, 1, 200).toLowerCase()))];
  const webhookUrl = optStr(body.webhookUrl, 'webhookUrl', 2000);
  const webhookSecret = body.webhookSecret === undefined || body.webhookSecret === null ? null : str(body.webhookSecret, 'webhookSecret', 1, 500);
  if (webhookUrl) {
    let url: URL;
    try {
      url = new URL(webhookUrl);
    } catch {
      throw new InvalidInputError('webhookUrl is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidInputError('webhookUrl must be http(s)');
    if (url.username || url.password) throw new InvalidInputError('webhookUrl must not carry credentials');
    if (!webhookSecret) throw new InvalidInputError('a webhook partner needs a webhookSecret');
    if (webhookSecret.length < 16) throw new InvalidInputError('webhookSecret must be at least 16 characters');
  } else if (webhookSecret) {
    throw new InvalidInputError('webhookSecret without webhookUrl');
  }
  const contactEmail = body.contactEmail === undefined || body.contactEmail === null ? null : email(body.contactEmail, 'contactEmail');
  const jurisdiction = optStr(body.jurisdiction, 'jurisdiction', 100);
  return { name, kind, entities, webhookUrl, webhookSecret, contactEmail, jurisdiction };
}

export interface DraftInput {
  requestingAuthority: string;
  legalBasis: string;
  action: 'freeze' | 'preserve';
  durationDays: number;
  urgency: 'routine' | 'urgent' | 'immediate';
  deadline: Date;
  contact: { name: string; email: string; phone?: string };
  note?: string;
}

const DEFAULT_DEADLINE_HOURS = { immediate: 24, urgent: 72, routine: 14 * 24 } as const;

export function validateDraftInput(raw: unknown, now: Date): DraftInput {
  const body = objectBody(raw);
  const requestingAuthority = str(body.requestingAuthority, 'requestingAuthority', 2, 300);
  const legalBasis = str(body.legalBasis, 'legalBasis', 2, 1000);
  const action = body.action === undefined ? 'freeze' : oneOf(body.action, ['freeze', 'preserve'] as const, 'action');
  const urgency = body.urgency === undefined ? 'urgent' : oneOf(body.urgency, ['routine', 'urgent', 'immediate'] as const, 'urgency');
  let durationDays = 90;
  if (body.durationDays !== undefined) {
    if (typeof body.durationDays !== 'number') throw new BadRequestError('durationDays must be a number');
    if (!Number.isInteger(body.durationDays) || body.durationDays < 1 || body.durationDays > 365) throw new InvalidInputError('durationDays must be an integer 1–365');
    durationDays = body.durationDays;
  }
  let deadline = new Date(now.getTime() + DEFAULT_DEADLINE_HOURS[urgency] * 3600_000);
  if (body.deadline !== undefined) {
    const d = new Date(str(body.deadline, 'deadline', 10, 40));
    if (Number.isNaN(d.getTime())) throw new InvalidInputError('deadline is not an ISO 8601 date');
    if (d.getTime() <= now.getTime()) throw new InvalidInputError('deadline is in the past');
    deadline = d;
  }
  const c = body.contact === undefined ? undefined : objectBody(body.contact);
  if (!c) throw new BadRequestError('contact {name, email, phone?} is required');
  const contact = { name: str(c.name, 'contact.name', 1, 200), email: email(c.email, 'contact.email'),
    ...(c.phone !== undefined ? { phone: str(c.phone, 'contact.phone', 3, 50) } : {}) };
  const note = optStr(body.note, 'note', 4000);
  return { requestingAuthority, legalBasis, action, durationDays, urgency, deadline, contact, ...(note ? { note } : {}) };
}

export interface ResponseInput {
  status: ResponseStatus;
  targets: { address: string; asset: string; frozenAmount: bigint }[];
  fiatWithdrawals: { iban: string; bank: string; amount: bigint; currency: string }[];
  note: string | null;
}

export function validateResponseInput(raw: unknown): ResponseInput {
  const body = objectBody(raw);
  const status = oneOf(body.status, RESPONSE_STATUSES, 'status');
  const list = (v: unknown, name: string): unknown[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new BadRequestError(`${name} must be an array`);
    if (v.length > 1000) throw new InvalidInputError(`${name}: at most 1000 entries`);
    return v;
  };
  const targets = list(body.targets, 'targets').map((t, i) => {
    const o = objectBody(t);
    return { address: str(o.address, `targets[${i}].address`, 1, 128), asset: str(o.asset, `targets[${i}].asset`, 1, 128), frozenAmount: amount(o.frozenAmount, `targets[${i}].frozenAmount`) };
  });
  const fiatWithdrawals = list(body.fiatWithdrawals, 'fiatWithdrawals').map((f, i) => {
    const o = objectBody(f);
    const currency = str(o.currency, `fiatWithdrawals[${i}].currency`, 3, 3).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidInputError(`fiatWithdrawals[${i}].currency must be an ISO 4217 code`);
    return { iban: iban(o.iban, `fiatWithdrawals[${i}].iban`), bank: str(o.bank, `fiatWithdrawals[${i}].bank`, 1, 200),
      amount: amount(o.amount, `fiatWithdrawals[${i}].amount`), currency };
  });
  const note = optStr(body.note, 'note', 4000);
  if (status === 'declined' && !note) throw new InvalidInputError('a declined answer needs a note giving the reason');
  if (status === 'partially_frozen' && targets.length === 0) throw new InvalidInputError('partially_frozen needs targets with the frozen amounts');
  // A partial freeze may come with the withdrawals that took the rest, in one answer.
  if (status !== 'funds_moved' && status !== 'partially_frozen' && fiatWithdrawals.length > 0) {
    throw new InvalidInputError('fiatWithdrawals go with status funds_moved or partially_frozen');
  }
  return { status, targets, fiatWithdrawals, note };
}
