-- Freeze requests: the partners (exchanges, banks, stablecoin issuers) tracehold asks to
-- freeze traced funds, the requests drafted from a case and their ranked targets, the
-- partners' answers, leads (bank accounts of non-partners), alerts, and an append-only
-- audit log of every state change (a trigger rejects UPDATE and DELETE on it).

create table partners (
  id             uuid        primary key default gen_random_uuid(),
  name           text        not null,
  kind           text        not null check (kind in ('exchange', 'bank', 'issuer')),
  -- attributed entity names (as in labels) this partner answers for, lower-cased
  entities       text[]      not null check (cardinality(entities) > 0),
  channel        text        not null check (channel in ('webhook', 'manual')),
  webhook_url    text,
  -- needed in clear to sign deliveries; never returned by the API or logged
  webhook_secret text,
  contact_email  text,
  jurisdiction   text,
  created_at     timestamptz not null default now(),
  check ((channel = 'webhook') = (webhook_url is not null and webhook_secret is not null))
);
create index partners_entities_idx on partners using gin (entities);

create table freeze_requests (
  id                uuid        primary key default gen_random_uuid(),
  case_id           uuid        not null references cases (id) on delete restrict,
  partner_id        uuid        not null references partners (id) on delete restrict,
  -- a bank follow-up drafted from an exchange's answer points at that request
  parent_id         uuid        references freeze_requests (id) on delete restrict,
  status            text        not null default 'draft' check (status in (
                      'draft', 'approved', 'sending', 'sent', 'delivery_failed',
                      'received', 'frozen', 'partially_frozen', 'declined', 'funds_moved')),
  -- bumped when the content changes; with the id it is the delivery idempotency key
  revision          int         not null default 1 check (revision >= 1),
  -- authority, legal basis, action, duration, urgency, deadline, contact…
  content           jsonb       not null,
  evidence_sha256   text        not null check (evidence_sha256 ~ '^[0-9a-f]{64}$'),
  drafted_by        text        not null,
  drafted_by_name   text        not null,
  approved_by       text,
  approved_at       timestamptz,
  sent_at           timestamptz,
  -- how many times send was asked (a fresh queue job id per send of the same revision)
  sends             int         not null default 0,
  delivery_attempts int         not null default 0,
  last_delivery_error text,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index freeze_requests_case_idx on freeze_requests (case_id);
-- one drafted request per partner and case (follow-ups aside): two drafting calls at once cannot both win
create unique index freeze_requests_case_partner_uq on freeze_requests (case_id, partner_id) where parent_id is null;
create index freeze_requests_partner_idx on freeze_requests (partner_id, created_at desc);

create table freeze_targets (
  request_id      uuid           not null references freeze_requests (id) on delete cascade,
  position        int            not null,
  -- deposit (exchange deposit address), wallet (a labelled service wallet), holding
  -- (an unattributed wallet, for the issuer), bank-account (an IBAN)
  kind            text           not null check (kind in ('deposit', 'wallet', 'holding', 'bank-account')),
  address         text           not null,
  asset           text           not null,
  symbol          text,
  decimals        int,
  amount          numeric(78, 0) not null check (amount >= 0),
  hops            int            not null check (hops >= 0),
  score           double precision not null,
  attribution     text,
  confidence      double precision,
  last_seen       bigint,
  -- transaction-hash paths from the victim's payment to the target
  paths           jsonb          not null default '[]',
  bank            text,
  frozen_amount   numeric(78, 0) check (frozen_amount >= 0),
  frozen_source   text           check (frozen_source in ('partner', 'onchain')),
  frozen_at       timestamptz,
  primary key (request_id, position)
);

create table freeze_responses (
  id                uuid        primary key default gen_random_uuid(),
  request_id        uuid        not null references freeze_requests (id) on delete cascade,
  source            text        not null check (source in ('partner', 'onchain')),
  status            text        not null check (status in ('received', 'frozen', 'partially_frozen', 'declined', 'funds_moved')),
  targets           jsonb       not null default '[]',
  fiat_withdrawals  jsonb       not null default '[]',
  note              text,
  responded_by      text        not null,
  created_at        timestamptz not null default now()
);
create index freeze_responses_request_idx on freeze_responses (request_id, created_at);

-- A bank account funds left to, at a bank that is not a partner: for an analyst to chase.
create table freeze_leads (
  id          uuid           primary key default gen_random_uuid(),
  case_id     uuid           not null references cases (id) on delete restrict,
  request_id  uuid           not null references freeze_requests (id) on delete restrict,
  iban        text           not null,
  bank        text           not null,
  amount      numeric(78, 0) not null check (amount >= 0),
  currency    text           not null,
  created_at  timestamptz    not null default now()
);
create index freeze_leads_case_idx on freeze_leads (case_id);

create table alerts (
  id          uuid        primary key default gen_random_uuid(),
  kind        text        not null,
  case_id     uuid        references cases (id) on delete cascade,
  request_id  uuid        references freeze_requests (id) on delete cascade,
  message     text        not null,
  details     jsonb,
  created_at  timestamptz not null default now()
);
create index alerts_created_idx on alerts (created_at desc);

create table freeze_audit (
  id          bigint      generated always as identity primary key,
  request_id  uuid,
  partner_id  uuid,
  actor       text        not null,
  actor_name  text        not null,
  action      text        not null,
  before      jsonb,
  after       jsonb,
  at          timestamptz not null default clock_timestamp()
);
create index freeze_audit_request_idx on freeze_audit (request_id, id);

create function freeze_audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'freeze_audit is append-only (% refused)', tg_op using errcode = '42501';
end $$;

create trigger freeze_audit_no_update_delete
  before update or delete on freeze_audit
  for each row execute function freeze_audit_append_only();

create trigger freeze_audit_no_truncate
  before truncate on freeze_audit
  for each statement execute function freeze_audit_append_only();
