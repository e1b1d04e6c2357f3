-- Bitcoin chain data shared by every case, and a Bitcoin run's step state.
--
-- btc_txs: parsed, verified transactions keyed by chain + txid, written in bulk. Only a
-- transaction confirmed at or below the pinned toBlock of the run that read it is stored:
-- it is final (short of a reorg deeper than the chain's confirmations), so later cases and
-- re-traces read it here instead of asking Esplora.
create table btc_txs (
  chain        text   not null,
  txid         text   not null,
  block_height bigint not null,
  block_hash   text   not null,
  block_time   bigint not null,
  -- inputs and outputs as the UTXO tracer reads them (amounts as decimal strings)
  body         jsonb  not null,
  primary key (chain, txid)
);

-- Who spent each output of a transaction, as Esplora answered when the chain's confirmed
-- tip was `checked_height`. A confirmed spend at or below that height is final; an output
-- unspent then (or spent later, or in the mempool) was unspent at any block up to
-- `checked_height`. So the row answers any run pinned at or below it.
create table btc_outspends (
  chain          text   not null,
  txid           text   not null,
  checked_height bigint not null,
  -- [{spent, txid?, vin?, blockHeight?}] in output order
  spends         jsonb  not null,
  primary key (chain, txid)
);

-- The state of a Bitcoin run after each step (the UTXO tracer's taint, queue and passes):
-- step k reads the row of step k and writes the row of step k + 1, first write wins. A
-- step that runs twice (a retried or stalled job) reads the same input and finds its output
-- already there: it does the same thing twice, harmlessly, on any worker.
create table btc_run_steps (
  run_id uuid  not null references trace_runs (id) on delete cascade,
  step   int   not null,
  state  jsonb not null,
  primary key (run_id, step)
);

-- Bitcoin's service-like verdict rests on bounded evidence: Esplora's confirmed transaction
-- count (`chain_stats.tx_count`) when the confirmed tip was `judged_to_block`, not on a
-- counterparty count over a window (040). `judged_by` says which evidence a verdict rests on
-- ('counterparties' when null: rows written before this column).
alter table addresses
  add column judged_by       text check (judged_by in ('counterparties', 'tx-count')),
  add column judged_tx_count bigint;
