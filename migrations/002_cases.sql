-- Cases and their trace runs: the crawl state a crashed job resumes from, and the result
-- of a finished run (nodes, flows, endpoints, the report), which a re-run of the same job
-- replaces as a whole. Every child row goes when its case or run is deleted.

create table cases (
  id         uuid           primary key default gen_random_uuid(),
  title      text           not null,
  reference  text,
  chain      text           not null,
  model      text           not null check (model in ('fifo', 'lifo', 'haircut', 'poison', 'tiho')),
  max_hops   int            not null check (max_hops >= 0),
  -- null: start at the seeds' first activity
  from_block bigint,
  -- null: follow to the chain tip
  to_block   bigint,
  min_amount numeric(78, 0) not null default 0 check (min_amount >= 0),
  -- null: every asset
  assets     text[],
  status     text           not null default 'new'
                            check (status in ('new', 'queued', 'tracing', 'traced', 'failed')),
  progress   jsonb          not null default '{}',
  created_by text,
  created_at timestamptz    not null default now(),
  updated_at timestamptz    not null default now(),
  closed_at  timestamptz,
  check (to_block is null or from_block is null or to_block >= from_block)
);
create index cases_created_at_idx on cases (created_at desc);

-- A seed is a wallet or a transaction (optionally one output / transfer of it).
create table case_seeds (
  case_id  uuid not null references cases (id) on delete cascade,
  position int  not null,
  address  text,
  tx_hash  text,
  tx_index int,
  primary key (case_id, position),
  check ((address is null) <> (tx_hash is null)),
  check (tx_index is null or tx_hash is not null)
);

create table trace_runs (
  id          uuid        primary key default gen_random_uuid(),
  -- creation order, so "latest run" does not depend on clock resolution
  seq         bigint      generated always as identity,
  case_id     uuid        not null references cases (id) on delete cascade,
  status      text        not null default 'queued'
                          check (status in ('queued', 'running', 'done', 'failed')),
  created_at  timestamptz not null default now(),
  started_at  timestamptz,
  finished_at timestamptz,
  -- pinned by the first step so every step of the run reads the same chain
  to_block    bigint,
  to_block_hash text,
  error       text,
  stats       jsonb
);
create index trace_runs_case_idx on trace_runs (case_id, seq desc);

-- The crawl state, written per hop so a crashed job can resume where it stopped. States:
-- source / crawled pass taint on; stop, deposit, service-like end at an attributed or
-- service-like address; frontier, max-hops, min-amount, address-limit end at a limit.
create table run_addresses (
  run_id     uuid   not null references trace_runs (id) on delete cascade,
  address    text   not null,
  hop        int    not null check (hop >= 0),
  from_block bigint,
  state      text   not null check (state in ('source', 'crawled', 'stop', 'service-like', 'deposit',
                                                'frontier', 'max-hops', 'min-amount', 'address-limit')),
  primary key (run_id, address)
);

create table case_nodes (
  run_id       uuid           not null references trace_runs (id) on delete cascade,
  address      text           not null,
  asset        text           not null,
  -- null: tainted but not reached by a counted hop (e.g. only through a seed transaction)
  hop          int,
  role         text           not null,
  entity       text,
  category     text,
  attribution  text,
  tainted_in   numeric(78, 0) not null default 0,
  tainted_out  numeric(78, 0) not null default 0,
  tainted_held numeric(78, 0) not null default 0,
  -- tainted amount that went on from this node to attributed endpoints
  to_exposure  numeric(78, 0) not null default 0,
  primary key (run_id, address, asset)
);

create table case_flows (
  run_id       uuid           not null references trace_runs (id) on delete cascade,
  tx_hash      text           not null,
  ref          text           not null,
  from_address text           not null,
  to_address   text,
  asset        text           not null,
  amount       numeric(78, 0) not null,
  tainted      numeric(78, 0) not null,
  hop          int,
  block_number bigint         not null,
  primary key (run_id, tx_hash, ref)
);

create table case_endpoints (
  run_id      uuid           not null references trace_runs (id) on delete cascade,
  address     text           not null,
  asset       text           not null,
  entity      text,
  category    text,
  attribution text,
  amount      numeric(78, 0) not null,
  hops        int            not null,
  -- [["0xtxA", "0xtxB"], …]: transaction hashes from a seed to this endpoint
  paths       jsonb          not null default '[]',
  primary key (run_id, address, asset)
);

create table case_reports (
  run_id     uuid        primary key references trace_runs (id) on delete cascade,
  report     jsonb       not null,
  created_at timestamptz not null default now()
);
