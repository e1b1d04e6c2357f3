-- The application's own database role, tracehold_app: it reads and writes the tables but
-- can never rewrite history. It has no UPDATE, DELETE or TRUNCATE on freeze_audit, and, not
-- owning the table, cannot disable or drop the append-only triggers of 004 either. Deploy by
-- connecting the service as a login role that is a member of tracehold_app (migrations run
-- as the owner):
--   create role tracehold_service login password '…' in role tracehold_app;
-- Roles are cluster-wide: creating it twice (another database, a parallel run) is harmless;
-- where the migrating user may not create roles, the grants are skipped with a notice.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'tracehold_app') then
    begin
      create role tracehold_app nologin;
    exception
      when duplicate_object or unique_violation then null;
      when insufficient_privilege then raise notice 'tracehold: may not create role tracehold_app, skipped';
    end;
  end if;
  if exists (select 1 from pg_roles where rolname = 'tracehold_app') then
    execute format('grant connect, temporary on database %I to tracehold_app', current_database());
    grant usage on schema public to tracehold_app;
    grant select, insert, update, delete on all tables in schema public to tracehold_app;
    grant usage, select on all sequences in schema public to tracehold_app;
    revoke update, delete, truncate on freeze_audit from tracehold_app;
    -- the migration ledger is the owner's: the app may read it (migrate() checks it), not change it
    revoke insert, update, delete, truncate on tracehold_migrations from tracehold_app;
    -- tables and sequences of later migrations get the same read/write grants (an
    -- append-only table must revoke them again, as above)
    alter default privileges in schema public grant select, insert, update, delete on tables to tracehold_app;
    alter default privileges in schema public grant usage, select on sequences to tracehold_app;
  end if;
end $$;
