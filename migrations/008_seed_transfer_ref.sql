-- A transaction seed can name a transfer that no log index names: the transaction's own value
-- (`tx`) or an internal transfer by its trace address (`call:0.1`), e.g. one payment of an
-- exchange's batched withdrawal made through a contract.
alter table case_seeds add column tx_ref text;
alter table case_seeds add constraint case_seeds_one_pick check (tx_ref is null or (tx_hash is not null and tx_index is null));
