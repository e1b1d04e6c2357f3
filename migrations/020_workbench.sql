-- The analyst's workbench: notes on the wallets of a case (one per address, saved with the
-- case, kept across re-traces), and the case's activity trail — who created, traced,
-- changed the model, wrote notes, exported and drafted — which, like freeze_audit, is
-- append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.

create table case_notes (
  case_id     uuid        not null references cases (id) on delete cascade,
  -- lower-case for EVM, as given for bitcoin and tron (case-sensitive encodings)
  address     text        not null,
  text        text        not null check (length(text) between 1 and 4000),
  author_id   text,
  author_name text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (case_id, address)
);

create table case_activity (
  id         bigint      generated always as identity primary key,
  case_id    uuid        not null references cases (id) on delete cascade,
  at         timestamptz not null default clock_timestamp(),
  action     text        not null,
  actor_id   text,
  actor_name text,
  actor_role text,
  details    jsonb
);
create index case_activity_case_idx on case_activity (case_id, id);

create function case_activity_append_only() returns trigger language plpgsql as $$
begin
  -- a case deleted as a whole takes its trail with it (the cascade); nothing else may change it
  if tg_op = 'DELETE' and not exists (select 1 from cases where id = old.case_id) then
    return old;
  end if;
  raise exception 'case_activity is append-only (% refused)', tg_op using errcode = '42501';
end $$;

create trigger case_activity_no_update_delete
  before update or delete on case_activity
  for each row execute function case_activity_append_only();

create trigger case_activity_no_truncate
  before truncate on case_activity
  for each statement execute function case_activity_append_only();

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'tracehold_app') then
    revoke update, delete, truncate on case_activity from tracehold_app;
  end if;
end $$;
