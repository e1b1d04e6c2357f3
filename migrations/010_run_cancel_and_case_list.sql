-- A trace run can be cancelled by an analyst (a new end state beside done and failed), and
-- the case list pages newest first by (created_at, id): one index serves the keyset.

alter table trace_runs drop constraint trace_runs_status_check;
alter table trace_runs add constraint trace_runs_status_check
  check (status in ('queued', 'running', 'done', 'failed', 'cancelled'));

create index cases_created_at_id_idx on cases (created_at desc, id desc);
drop index cases_created_at_idx;
