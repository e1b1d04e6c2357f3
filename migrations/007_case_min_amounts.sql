-- Minimum tainted amounts per asset (issue 9): one base-unit figure for every asset made
-- "0.01 ETH" drop USDT flows under 10,000 USDT. A case keeps its own minimum per asset, in
-- base units, as {"<asset>": "<base units>"}; null: none of its own (cases.min_amount, the
-- older all-asset figure, and the chain's defaults from config still apply).
alter table cases add column min_amounts jsonb;
