-- A case may name a callback URL: when one of its trace runs (a re-trace included) finishes
-- or fails, tracehold POSTs a signed notice there. The signing secret is sealed at rest with
-- the secret box (AES-256-GCM, TRACEHOLD_SECRET_KEY) like partners' webhook secrets. One row
-- per run and event records the delivery, so a step that runs twice notifies once.

create table case_callbacks (
  case_id     uuid        primary key references cases (id) on delete cascade,
  url         text        not null,
  secret      text        not null,
  created_at  timestamptz not null default now()
);

create table case_callback_deliveries (
  run_id        uuid        not null references trace_runs (id) on delete cascade,
  event         text        not null check (event in ('trace.finished', 'trace.failed')),
  case_id       uuid        not null references cases (id) on delete cascade,
  status        text        not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts      integer     not null default 0,
  last_error    text,
  created_at    timestamptz not null default now(),
  delivered_at  timestamptz,
  primary key (run_id, event)
);
create index case_callback_deliveries_case_idx on case_callback_deliveries (case_id, created_at desc);
