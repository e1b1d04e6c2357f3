-- A trace run's taint between its hop steps (services/tracing/step-taint.ts): every tainted
-- transfer with the taint and hop the last step gave it, so the next step recomputes only
-- the wallets that are new, widened, or reached by what those send, and reads the rest here.
-- `propagated_from` is the window a ledger had when its transfers here were computed (null:
-- not yet, so the next step computes it).
create table run_taint (
  run_id       uuid          not null references trace_runs (id) on delete cascade,
  tx_hash      text          not null,
  ref          text          not null,
  from_address text          not null,
  to_address   text,
  asset        text          not null,
  block_number bigint        not null,
  tainted      numeric(78,0) not null check (tainted > 0),
  hop          int,
  primary key (run_id, tx_hash, ref)
);
create index run_taint_to_idx on run_taint (run_id, to_address);
create index run_taint_from_idx on run_taint (run_id, from_address);

alter table run_addresses add column propagated_from bigint;
