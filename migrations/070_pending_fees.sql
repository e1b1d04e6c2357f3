-- Fees not read yet. A history read through trace_filter (services/chains/evm/trace-filter-scan.ts)
-- states which transactions each address sent but not what they cost: that needs the
-- transaction's receipt, and a busy block's receipts are megabytes of other people's logs.
-- A fee matters only to a wallet whose native coin may carry taint (or whose native sweeps
-- the deposit heuristic weighs), so it is read then (services/tracing/chain-data.ts,
-- ensureFees) and its row here becomes a `fee` row in `transfers`. A scanned range covers
-- its addresses' fees as rows here or in `transfers`.
create table pending_fees (
  chain        text   not null,
  tx_hash      text   not null,
  block_number bigint not null,
  tx_index     int    not null,
  sender       text   not null,
  primary key (chain, tx_hash)
);
create index pending_fees_sender_idx on pending_fees (chain, sender, block_number);
