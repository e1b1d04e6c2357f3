-- A report's long arrays (a 100k case's ~90,000 holdings: 18 MB of JSON) are stored one
-- element a row, apart from the rest of the report: one jsonb value that large costs the
-- embedded database ~200 MB of WASM memory to parse, memory it never gives back, and every
-- read of one of its arrays (the re-trace's holdings) detoasts the whole value.
-- split_keys names the report's keys stored here; null: a report written whole (before this
-- migration), read as it always was.
alter table case_reports add column split_keys text[];

create table case_report_elements (
  run_id uuid    not null references trace_runs (id) on delete cascade,
  key    text    not null,
  i      integer not null,
  value  jsonb   not null,
  primary key (run_id, key, i)
);
