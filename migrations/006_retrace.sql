-- Nightly re-trace and live watch: each batch run is recorded (what it scanned, what it
-- cost, what it raised); each trace run remembers the batch that queued it and whether its
-- movement alerts were raised (exactly once, even when its job runs twice).
create table retrace_runs (
  id            uuid primary key default gen_random_uuid(),
  trigger       text not null check (trigger in ('schedule', 'manual', 'watch')),
  status        text not null default 'running' check (status in ('running', 'done', 'failed')),
  started_at    timestamptz not null default now(),
  finished_at   timestamptz,
  cases         int not null default 0,
  addresses     int not null default 0,
  rpc_calls     int not null default 0,
  alerts_raised int not null default 0,
  error         text
);
create index retrace_runs_started on retrace_runs (started_at desc);

alter table trace_runs add column retrace_run_id uuid references retrace_runs (id) on delete set null;
alter table trace_runs add column alerts_raised_at timestamptz;
