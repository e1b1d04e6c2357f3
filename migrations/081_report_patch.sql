-- A run that took over an earlier run's answer on a quiet night writes no report of its own
-- either: its report is the computing run's (result_run_id) with this patch over it (the new
-- block, its hash, the stats of a run with no step). A 100k case's report is 18 MB; written
-- again every quiet night it would grow the database by that much a night per open case.
-- Runs without a patch read their own report row (as every run did before).
alter table trace_runs add column report_patch jsonb;
