-- Busy wallets judged from cheap facts as well as counterparties. A wallet whose token logs
-- are too large to read in one answer has its nonce and code read in one batch:
-- judged_sent_txs is the transactions it sent in [judged_from_block, judged_to_block] (nonce
-- at the end minus nonce before the start), judged_code_size the bytes of code at
-- judged_to_block (0: no code; 23: an EIP-7702 delegation, still an EOA). A service-like
-- verdict records them beside its counterparties; sent transactions, like counterparties,
-- only grow with the window, so the verdict holds for any case whose window contains it.
alter table addresses
  add column judged_sent_txs  bigint,
  add column judged_code_size integer;

-- Every fact read, whatever the verdict: a later case judging the wallet over the same window
-- does not read it again.
create table account_facts (
  chain      text        not null,
  address    text        not null,
  from_block bigint      not null,
  to_block   bigint      not null,
  sent_txs   bigint      not null,
  code_size  integer     not null,
  delegated  boolean     not null,
  read_at    timestamptz not null default now(),
  primary key (chain, address, from_block, to_block)
);
