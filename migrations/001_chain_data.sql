-- Chain data: what was read from a chain, stored once per chain and shared by every case,
-- so a second case over the same wallets costs no RPC calls. Amounts are integer base
-- units in numeric(78,0) (fits any uint256); block numbers and unix times are bigint.

create table transfers (
  chain        text           not null,
  tx_hash      text           not null,
  -- unique within the transaction: 'fee', 'tx', 'call:0.1.3', 'log:12', 'in:0', 'out:1'
  ref          text           not null,
  block_number bigint         not null,
  block_hash   text           not null,
  block_time   bigint         not null,
  tx_index     int            not null,
  seq          int            not null,
  kind         text           not null check (kind in ('native', 'internal', 'token', 'fee', 'utxo')),
  asset        text           not null,
  from_address text           not null,
  -- null for a fee: paid to nobody we trace
  to_address   text,
  amount       numeric(78, 0) not null check (amount >= 0),
  primary key (chain, tx_hash, ref)
);
create index transfers_from_idx on transfers (chain, from_address, block_number);
-- fees have no recipient; leaving them out keeps the index smaller
create index transfers_to_idx on transfers (chain, to_address, block_number) where to_address is not null;

-- Which inclusive block ranges of an address's full history are in `transfers`. Kept
-- merged: overlapping or adjacent ranges of one address are coalesced into one row.
create table scanned_ranges (
  chain      text   not null,
  address    text   not null,
  from_block bigint not null,
  to_block   bigint not null check (to_block >= from_block),
  primary key (chain, address, from_block)
);

-- Historical balances read from archive state, cached because they never change (short
-- of a reorg, which overwrites them).
create table balances (
  chain        text           not null,
  address      text           not null,
  asset        text           not null,
  block_number bigint         not null,
  amount       numeric(78, 0) not null check (amount >= 0),
  primary key (chain, address, asset, block_number)
);

-- What the crawler learned about an address regardless of case: when it first appeared,
-- and whether its activity looks like a service (many counterparties).
create table addresses (
  chain            text        not null,
  address          text        not null,
  first_seen_block bigint,
  -- null: not assessed yet
  service_like     boolean,
  counterparties   int,
  updated_at       timestamptz not null default now(),
  primary key (chain, address)
);

create table blocks (
  chain      text   not null,
  number     bigint not null,
  hash       text   not null,
  block_time bigint not null,
  primary key (chain, number)
);

-- Attributions imported from CSV or GraphSense TagPacks. One address may carry several.
create table labels (
  chain       text        not null,
  address     text        not null,
  entity      text        not null,
  category    text        not null check (category in (
    'exchange', 'bridge', 'mixer', 'dex', 'defi', 'otc', 'gambling', 'service', 'issuer',
    'miner', 'sanctioned', 'scam', 'hack', 'ransomware', 'other')),
  confidence  smallint    check (confidence between 0 and 100),
  source      text,
  imported_at timestamptz not null default now(),
  primary key (chain, address, entity, category)
);
