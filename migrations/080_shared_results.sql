-- A run that took over an earlier run's answer on a quiet night (services/retrace) holds no
-- copy of that run's crawl state, graph and endpoints: it reads those of the run that
-- computed them, named here. A quiet night then costs a case a report row, not a copy of
-- its ~100,000 addresses, nodes and flows (a 100k case) every night it stays open.
alter table trace_runs add column result_run_id uuid references trace_runs (id) on delete cascade;
