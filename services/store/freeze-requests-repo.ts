// Freeze requests, their targets and the answers to them. Every state change goes through
// `transition` or `respond`, which write the audit entry in the same transaction, and only
// move a request from the states the caller names (so two racing calls cannot both win).
import { ConflictError, NotFoundError } from '../errors';
import type { RankedTarget } from '../domain/freeze-targets';
import type { Db } from './db';
import { amountParam, isUuid, jsonParam, toBigInt, toDate, toDateOrNull, toInt, toIntOrNull } from './values';

export const FREEZE_STATUSES = [
  'draft', 'approved', 'sending', 'sent', 'delivery_failed', 'received', 'frozen', 'partially_frozen', 'declined', 'funds_moved',
] as const;
export type FreezeStatus = (typeof FREEZE_STATUSES)[number];
/** What a partner may see: everything once it was sent. */
export const PARTNER_VISIBLE: readonly FreezeStatus[] = ['sending', 'sent', 'delivery_failed', 'received', 'frozen', 'partially_frozen', 'declined', 'funds_moved'];
export const RESPONSE_STATUSES = ['received', 'frozen', 'partially_frozen', 'declined', 'funds_moved'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

export type TargetKind = 'deposit' | 'wallet' | 'holding' | 'bank-account';

export interface FreezeContent {
  caseReference: string;
  requestingAuthority: string;
  legalBasis: string;
  action: 'freeze' | 'preserve';
  durationDays: number;
  urgency: 'routine' | 'urgent' | 'immediate';
  deadline: string;
  contact: { name: string; email: string; phone?: string };
  chain: string;
  note?: string;
}

/** A ranked target (domain/freeze-targets.ts), or a bank account a partner reported. */
export interface NewFreezeTarget extends Omit<RankedTarget, 'kind'> {
  kind: TargetKind;
  bank?: string;
  /** The chain the target is on, when the request gathers several (a multi-chain case). */
  chain?: string;
}

export interface FreezeTargetRow extends NewFreezeTarget {
  position: number;
  frozenAmount: bigint | null;
  frozenSource: 'partner' | 'onchain' | null;
  frozenAt: Date | null;
}

export interface NewFreezeRequest {
  caseId: string;
  partnerId: string;
  parentId?: string | null;
  content: FreezeContent;
  evidenceSha256: string;
  draftedBy: string;
  draftedByName: string;
}

export interface FreezeRequestRow {
  id: string;
  caseId: string;
  partnerId: string;
  parentId: string | null;
  status: FreezeStatus;
  revision: number;
  content: FreezeContent;
  evidenceSha256: string;
  draftedBy: string;
  draftedByName: string;
  approvedBy: string | null;
  approvedAt: Date | null;
  sentAt: Date | null;
  sends: number;
  deliveryAttempts: number;
  lastDeliveryError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Actor {
  /** API key id, or `system:<what>` for workers. */
  id: string;
  name: string;
}

export interface AuditRow {
  id: number;
  requestId: string | null;
  partnerId: string | null;
  actor: string;
  actorName: string;
  action: string;
  before: unknown;
  after: unknown;
  at: Date;
}

export interface FreezeResponseRow {
  id: string;
  requestId: string;
  source: 'partner' | 'onchain';
  status: ResponseStatus;
  targets: unknown[];
  fiatWithdrawals: unknown[];
  note: string | null;
  respondedBy: string;
  createdAt: Date;
}

export interface TransitionOptions {
  from: readonly FreezeStatus[];
  to: FreezeStatus;
  action: string;
  actor: Actor;
  /** Extra columns: approvedBy, sentAt, a send counted, a delivery error. */
  approvedBy?: string;
  markSent?: boolean;
  countSend?: boolean;
  deliveryError?: string | null;
  details?: Record<string, unknown>;
}

export interface TargetFrozen {
  position: number;
  frozenAmount: bigint;
}

export function createFreezeRequestsRepo(db: Db) {
  async function get(id: string, q: Db = db): Promise<FreezeRequestRow | null> {
    if (!isUuid(id)) return null;
    const { rows } = await q.query<RequestDbRow>(`select ${COLUMNS} from freeze_requests where id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async function audit(q: Db, entry: { requestId: string | null; partnerId: string | null; actor: Actor; action: string; before: unknown; after: unknown }) {
    await q.query(
      'insert into freeze_audit (request_id, partner_id, actor, actor_name, action, before, after) values ($1, $2, $3, $4, $5, $6, $7)',
      [entry.requestId, entry.partnerId, entry.actor.id, entry.actor.name, entry.action,
        entry.before === null ? null : jsonParam(entry.before), entry.after === null ? null : jsonParam(entry.after)],
    );
  }

  return {
    get,
    audit: (entry: Parameters<typeof audit>[1]) => audit(db, entry),

    /** A new draft with its targets, and the audit entry that says who drafted it. */
    async create(input: NewFreezeRequest, targets: NewFreezeTarget[], actor: Actor): Promise<FreezeRequestRow> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<RequestDbRow>(
          `insert into freeze_requests (case_id, partner_id, parent_id, content, evidence_sha256, drafted_by, drafted_by_name)
           values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
          [input.caseId, input.partnerId, input.parentId ?? null, jsonParam(input.content), input.evidenceSha256, input.draftedBy, input.draftedByName],
        );
        const row = fromRow(rows[0]!);
        await tx.query(
          `insert into freeze_targets (request_id, position, kind, address, asset, symbol, decimals, amount, hops, score,
             attribution, confidence, last_seen, paths, bank, chain)
           select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::numeric[], $9::int[],
             $10::float8[], $11::text[], $12::float8[], $13::bigint[], $14::jsonb[], $15::text[], $16::text[])`,
          [row.id, targets.map((_t, i) => i), targets.map((t) => t.kind), targets.map((t) => t.address), targets.map((t) => t.asset),
            targets.map((t) => t.symbol ?? null), targets.map((t) => t.decimals ?? null), targets.map((t) => amountParam(t.amount)),
            targets.map((t) => t.hops), targets.map((t) => t.score), targets.map((t) => t.attribution ?? null),
            targets.map((t) => t.confidence ?? null), targets.map((t) => t.lastSeen ?? null), targets.map((t) => jsonParam(t.paths)),
            targets.map((t) => t.bank ?? null), targets.map((t) => t.chain ?? null)],
        );
        await audit(tx, { requestId: row.id, partnerId: row.partnerId, actor, action: 'drafted', before: null,
          after: { status: row.status, revision: row.revision, targets: targets.length, evidenceSha256: row.evidenceSha256 } });
        return row;
      });
    },

    /**
     * A draft's targets in a new order (`order` lists the current positions, first to last),
     * with the evidence hash of the new order and the audit entry; refused once approved.
     */
    async reorderTargets(id: string, order: readonly number[], evidenceSha256: string, actor: Actor): Promise<FreezeRequestRow> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<RequestDbRow>(`select ${COLUMNS} from freeze_requests where id = $1 for update`, [isUuid(id) ? id : null]);
        if (!rows[0]) throw new NotFoundError(`freeze request ${id} not found`);
        const before = fromRow(rows[0]);
        if (before.status !== 'draft') throw new ConflictError(`freeze request ${id} is ${before.status}: only a draft's targets can be reordered`, { details: { status: before.status } });
        // Out of the way first, so no two targets share a position mid-update.
        await tx.query('update freeze_targets set position = position + 1000000 where request_id = $1', [id]);
        await tx.query(
          `update freeze_targets t set position = u.position from unnest($2::int[], $3::int[]) as u(old, position)
           where t.request_id = $1 and t.position = u.old + 1000000`,
          [id, order, order.map((_p, i) => i)],
        );
        const updated = await tx.query<RequestDbRow>(
          `update freeze_requests set evidence_sha256 = $2, updated_at = now() where id = $1 returning ${COLUMNS}`, [id, evidenceSha256]);
        await audit(tx, { requestId: id, partnerId: before.partnerId, actor, action: 'targets_reordered',
          before: { evidenceSha256: before.evidenceSha256 }, after: { order, evidenceSha256 } });
        return fromRow(updated.rows[0]!);
      });
    },

    async targets(requestId: string): Promise<FreezeTargetRow[]> {
      if (!isUuid(requestId)) return [];
      const { rows } = await db.query<TargetDbRow>(
        `select position, kind, address, asset, symbol, decimals, amount, hops, score, attribution, confidence, last_seen, paths, bank,
           frozen_amount, frozen_source, frozen_at, chain
         from freeze_targets where request_id = $1 order by position`,
        [requestId],
      );
      return rows.map(targetFromRow);
    },

    async listForCase(caseId: string): Promise<FreezeRequestRow[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<RequestDbRow>(`select ${COLUMNS} from freeze_requests where case_id = $1 order by created_at, id`, [caseId]);
      return rows.map(fromRow);
    },

    /** Only this partner's requests, and only once sent: a draft does not exist for a partner. */
    async listForPartner(partnerId: string): Promise<FreezeRequestRow[]> {
      if (!isUuid(partnerId)) return [];
      const { rows } = await db.query<RequestDbRow>(
        `select ${COLUMNS} from freeze_requests where partner_id = $1 and status = any($2::text[]) order by created_at desc, id`,
        [partnerId, PARTNER_VISIBLE],
      );
      return rows.map(fromRow);
    },

    async getForPartner(id: string, partnerId: string): Promise<FreezeRequestRow | null> {
      const row = await get(id);
      return row && row.partnerId === partnerId && PARTNER_VISIBLE.includes(row.status) ? row : null;
    },

    /** Moves a request from one of `from` to `to`, with its audit entry, atomically. */
    async transition(id: string, options: TransitionOptions): Promise<FreezeRequestRow> {
      return db.transaction(async (tx) => {
        const { rows: locked } = await tx.query<RequestDbRow>(`select ${COLUMNS} from freeze_requests where id = $1 for update`, [isUuid(id) ? id : null]);
        if (!locked[0]) throw new NotFoundError(`freeze request ${id} not found`);
        const before = fromRow(locked[0]);
        if (!options.from.includes(before.status)) {
          throw new ConflictError(`freeze request ${id} is ${before.status}; ${options.action} needs ${options.from.join(' or ')}`, { details: { status: before.status } });
        }
        const { rows } = await tx.query<RequestDbRow>(
          `update freeze_requests set status = $2, updated_at = now(),
             approved_by = coalesce($3, approved_by), approved_at = case when $3::text is null then approved_at else now() end,
             sent_at = case when $4 then coalesce(sent_at, now()) else sent_at end,
             sends = sends + case when $5 then 1 else 0 end,
             delivery_attempts = delivery_attempts + case when $6::boolean then 1 else 0 end,
             last_delivery_error = case when $6::boolean then $7 else last_delivery_error end
           where id = $1 returning ${COLUMNS}`,
          [id, options.to, options.approvedBy ?? null, options.markSent ?? false, options.countSend ?? false,
            options.deliveryError !== undefined, options.deliveryError ?? null],
        );
        const after = fromRow(rows[0]!);
        await audit(tx, { requestId: id, partnerId: after.partnerId, actor: options.actor, action: options.action,
          before: { status: before.status }, after: { status: after.status, ...options.details } });
        return after;
      });
    },

    /** A failed delivery try that will be retried: counted, not a state change. */
    async deliveryAttemptFailed(id: string, error: string, actor: Actor): Promise<void> {
      await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ partner_id: string }>(
          `update freeze_requests set delivery_attempts = delivery_attempts + 1, last_delivery_error = $2, updated_at = now()
           where id = $1 returning partner_id`, [id, error]);
        await audit(tx, { requestId: id, partnerId: rows[0]?.partner_id ?? null, actor, action: 'delivery_attempt_failed', before: null, after: { error } });
      });
    },

    /**
     * Records an answer (a partner's, or what the chain says), sets the request's status and
     * the frozen amounts of the targets named, with the audit entry, atomically.
     */
    async respond(id: string, input: {
      source: 'partner' | 'onchain'; status: ResponseStatus; from: readonly FreezeStatus[]; targets: TargetFrozen[];
      targetsJson: unknown[]; fiatWithdrawals: unknown[]; note: string | null; actor: Actor;
    }): Promise<{ request: FreezeRequestRow; response: FreezeResponseRow }> {
      return db.transaction(async (tx) => {
        const { rows: locked } = await tx.query<RequestDbRow>(`select ${COLUMNS} from freeze_requests where id = $1 for update`, [id]);
        if (!locked[0]) throw new NotFoundError(`freeze request ${id} not found`);
        const before = fromRow(locked[0]);
        if (!input.from.includes(before.status)) {
          throw new ConflictError(`freeze request ${id} is ${before.status}; it cannot be answered ${input.status} now`, { details: { status: before.status } });
        }
        const { rows: responseRows } = await tx.query<ResponseDbRow>(
          `insert into freeze_responses (request_id, source, status, targets, fiat_withdrawals, note, responded_by)
           values ($1, $2, $3, $4, $5, $6, $7) returning *`,
          [id, input.source, input.status, jsonParam(input.targetsJson), jsonParam(input.fiatWithdrawals), input.note, input.actor.id],
        );
        if (input.targets.length > 0) {
          await tx.query(
            `update freeze_targets t set frozen_amount = u.amount, frozen_source = $2, frozen_at = now()
             from unnest($3::int[], $4::numeric[]) as u(position, amount)
             where t.request_id = $1 and t.position = u.position`,
            [id, input.source, input.targets.map((t) => t.position), input.targets.map((t) => amountParam(t.frozenAmount))],
          );
        }
        const { rows } = await tx.query<RequestDbRow>(
          `update freeze_requests set status = $2, updated_at = now() where id = $1 returning ${COLUMNS}`, [id, input.status]);
        const after = fromRow(rows[0]!);
        await audit(tx, { requestId: id, partnerId: after.partnerId, actor: input.actor, action: `response:${input.source}`,
          before: { status: before.status },
          after: { status: after.status, targets: input.targetsJson, fiatWithdrawals: input.fiatWithdrawals, note: input.note } });
        return { request: after, response: responseFromRow(responseRows[0]!) };
      });
    },

    async responses(requestId: string): Promise<FreezeResponseRow[]> {
      if (!isUuid(requestId)) return [];
      const { rows } = await db.query<ResponseDbRow>('select * from freeze_responses where request_id = $1 order by created_at, id', [requestId]);
      return rows.map(responseFromRow);
    },

    /** The audit log of one request, oldest first. */
    async history(requestId: string): Promise<AuditRow[]> {
      if (!isUuid(requestId)) return [];
      const { rows } = await db.query<AuditDbRow>('select * from freeze_audit where request_id = $1 order by id', [requestId]);
      return rows.map(auditFromRow);
    },

    /** Requests to issuers that are out and not settled: what the on-chain check looks at. */
    async openIssuerRequests(): Promise<FreezeRequestRow[]> {
      const { rows } = await db.query<RequestDbRow>(
        `select ${COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')} from freeze_requests r join partners p on p.id = r.partner_id
         where p.kind = 'issuer' and r.status in ('sending', 'sent', 'delivery_failed', 'received', 'partially_frozen')
         order by r.created_at`,
      );
      return rows.map(fromRow);
    },
  };
}

const COLUMNS = 'id, case_id, partner_id, parent_id, status, revision, content, evidence_sha256, drafted_by, drafted_by_name, approved_by, approved_at, sent_at, sends, delivery_attempts, last_delivery_error, created_at, updated_at';

interface RequestDbRow {
  id: string; case_id: string; partner_id: string; parent_id: string | null; status: string; revision: unknown;
  content: FreezeContent; evidence_sha256: string; drafted_by: string; drafted_by_name: string; approved_by: string | null;
  approved_at: unknown; sent_at: unknown; sends: unknown; delivery_attempts: unknown; last_delivery_error: string | null;
  created_at: unknown; updated_at: unknown;
}

function fromRow(row: RequestDbRow): FreezeRequestRow {
  return {
    id: row.id, caseId: row.case_id, partnerId: row.partner_id, parentId: row.parent_id, status: row.status as FreezeStatus,
    revision: toInt(row.revision), content: row.content, evidenceSha256: row.evidence_sha256, draftedBy: row.drafted_by,
    draftedByName: row.drafted_by_name, approvedBy: row.approved_by, approvedAt: toDateOrNull(row.approved_at),
    sentAt: toDateOrNull(row.sent_at), sends: toInt(row.sends), deliveryAttempts: toInt(row.delivery_attempts),
    lastDeliveryError: row.last_delivery_error, createdAt: toDate(row.created_at), updatedAt: toDate(row.updated_at),
  };
}

interface TargetDbRow {
  position: unknown; kind: string; address: string; asset: string; symbol: string | null; decimals: unknown; amount: unknown;
  hops: unknown; score: unknown; attribution: string | null; confidence: unknown; last_seen: unknown; paths: string[][];
  bank: string | null; frozen_amount: unknown; frozen_source: string | null; frozen_at: unknown; chain: string | null;
}

function targetFromRow(row: TargetDbRow): FreezeTargetRow {
  return {
    position: toInt(row.position), kind: row.kind as TargetKind, address: row.address, asset: row.asset,
    ...(row.symbol !== null ? { symbol: row.symbol } : {}), ...(row.decimals !== null ? { decimals: toInt(row.decimals) } : {}),
    amount: toBigInt(row.amount), hops: toInt(row.hops), score: Number(row.score),
    ...(row.attribution !== null ? { attribution: row.attribution } : {}),
    ...(row.confidence !== null ? { confidence: Number(row.confidence) } : {}),
    ...(row.last_seen !== null ? { lastSeen: toIntOrNull(row.last_seen)! } : {}),
    paths: row.paths, ...(row.bank !== null ? { bank: row.bank } : {}), ...(row.chain !== null ? { chain: row.chain } : {}),
    frozenAmount: row.frozen_amount === null ? null : toBigInt(row.frozen_amount),
    frozenSource: row.frozen_source as 'partner' | 'onchain' | null, frozenAt: toDateOrNull(row.frozen_at),
  };
}

interface ResponseDbRow {
  id: string; request_id: string; source: string; status: string; targets: unknown[]; fiat_withdrawals: unknown[];
  note: string | null; responded_by: string; created_at: unknown;
}

function responseFromRow(row: ResponseDbRow): FreezeResponseRow {
  return {
    id: row.id, requestId: row.request_id, source: row.source as 'partner' | 'onchain', status: row.status as ResponseStatus,
    targets: row.targets, fiatWithdrawals: row.fiat_withdrawals, note: row.note, respondedBy: row.responded_by, createdAt: toDate(row.created_at),
  };
}

interface AuditDbRow {
  id: unknown; request_id: string | null; partner_id: string | null; actor: string; actor_name: string; action: string;
  before: unknown; after: unknown; at: unknown;
}

function auditFromRow(row: AuditDbRow): AuditRow {
  return {
    id: toInt(row.id), requestId: row.request_id, partnerId: row.partner_id, actor: row.actor, actorName: row.actor_name,
    action: row.action, before: row.before, after: row.after, at: toDate(row.at),
  };
}
