-- Which assets a scanned range covers. A case that traces only some assets (USDT, say)
-- fetches only their transfers: its ranges say so, and a later case asking for more assets
-- fetches the rest. '*' is every asset (every range stored before this column); otherwise
-- the assets as the chain spells them, sorted and comma-joined. Ranges are kept merged per asset set.
alter table scanned_ranges add column assets text not null default '*';
alter table scanned_ranges drop constraint scanned_ranges_pkey;
alter table scanned_ranges add primary key (chain, address, assets, from_block);
