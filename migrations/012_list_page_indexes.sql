-- Alerts, partners and re-trace batches page by (time, id) with a cursor (GET /v1/alerts,
-- /v1/partners, /v1/retrace-runs): an index on each key, and on a case's alerts.

create index alerts_page_idx on alerts (created_at desc, id desc);
create index alerts_case_page_idx on alerts (case_id, created_at desc, id desc);
create index partners_page_idx on partners (created_at, id);
create index retrace_runs_page_idx on retrace_runs (started_at desc, id desc);
