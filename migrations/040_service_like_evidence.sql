-- A service-like judgement is kept with its evidence, so no later case fetches and counts a
-- busy wallet's history again: more than `counterparties` distinct counterparties among the
-- transfers of [judged_from_block, judged_to_block] (of the assets in judged_assets; null:
-- every asset). A wider window, or more assets, can only add counterparties, so the verdict
-- holds for any case whose window contains this one. `service_like` without a window is an
-- older row: not reused.
alter table addresses
  add column judged_from_block bigint,
  add column judged_to_block   bigint,
  add column judged_assets     text[],
  add column judged_at         timestamptz;
