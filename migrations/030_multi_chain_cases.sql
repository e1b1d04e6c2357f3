-- A case whose seeds are on several chains: one child case per chain, each traced by its own
-- jobs, under a parent case (chain 'multi') that gathers their reports and freeze requests.
alter table cases add column parent_id uuid references cases (id) on delete cascade;
create index cases_parent_idx on cases (parent_id) where parent_id is not null;
-- The chain a freeze target is on: a request to one partner can gather targets of several chains.
alter table freeze_targets add column chain text;
