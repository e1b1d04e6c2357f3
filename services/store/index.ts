// The store: every repository over one Db. Built once per entry point and passed in the
// dependency bag.
import type { Db } from './db';
import { createRetraceRepo } from './retrace-repo';
import { createAlertsRepo } from './alerts-repo';
import { createApiKeysRepo } from './api-keys-repo';
import { createCasesRepo } from './cases-repo';
import { createChainStateRepo, createServiceLikeRepo } from './chain-state-repo';
import { createBtcChainRepo } from './btc-chain-repo';
import { createFreezeRequestsRepo } from './freeze-requests-repo';
import { createLabelsRepo } from './labels-repo';
import { createMetricsRepo } from './metrics-repo';
import { createPartnersRepo } from './partners-repo';
import { createRunResultsRepo } from './run-results-repo';
import { createRunsRepo } from './runs-repo';
import { createRunTaintRepo } from './run-taint-repo';
import { createPendingFeesRepo } from './pending-fees-repo';
import { createScannedRangesRepo } from './scanned-ranges-repo';
import { createTransfersRepo } from './transfers-repo';
import { createCaseNotesRepo } from './case-notes-repo';
import { createCaseActivityRepo } from './case-activity-repo';
import { createCallbacksRepo } from './callbacks-repo';

export function createStore(db: Db) {
  return {
    db,
    chainData: { ...createTransfersRepo(db), ...createPendingFeesRepo(db), ...createScannedRangesRepo(db), ...createChainStateRepo(db), ...createServiceLikeRepo(db) },
    btc: createBtcChainRepo(db),
    labels: createLabelsRepo(db),
    cases: createCasesRepo(db),
    runs: { ...createRunsRepo(db), ...createRunResultsRepo(db) },
    runTaint: createRunTaintRepo(db),
    apiKeys: createApiKeysRepo(db),
    partners: createPartnersRepo(db),
    freezeRequests: createFreezeRequestsRepo(db),
    alerts: createAlertsRepo(db),
    retrace: createRetraceRepo(db),
    caseNotes: createCaseNotesRepo(db),
    caseActivity: createCaseActivityRepo(db),
    metrics: createMetricsRepo(db),
    callbacks: createCallbacksRepo(db),
  };
}

export type Store = ReturnType<typeof createStore>;
export type ChainDataRepo = Store['chainData'];
export type LabelsRepo = Store['labels'];
export type CasesRepo = Store['cases'];
export type RunsRepo = Store['runs'];
export type ApiKeysRepo = Store['apiKeys'];
export type PartnersRepo = Store['partners'];
export type FreezeRequestsRepo = Store['freezeRequests'];

export { openDb, type Db, type DbDriver, type OpenDbOptions, type QueryResult } from './db';
export { migrate, MigrationError, DEFAULT_MIGRATIONS_DIR, type MigrateOptions } from './migrate';
export { mergeRanges, missingRanges } from './ranges';
export type { TransferFilter } from './transfers-repo';
export { BalanceTable, type ServiceLikeEvidence, type AccountFactsRow, type AddressFacts, type AddressRow, type BalanceKey, type BalanceRow, type BlockRow } from './chain-state-repo';
export type { LabelRow } from './labels-repo';
export type { BtcOutspendsRow, BtcTxCountVerdict } from './btc-chain-repo';
export { CASE_STATUSES, type CasePageOptions, type CaseProgress, type CaseRow, type CaseStatus, type NewCase, type SetCaseStatusOptions } from './cases-repo';
export { RUN_ADDRESS_STATES, RUN_END_STATES, RUN_STATUSES, runEnded, type RunAddressRow, type RunAddressState, type RunRow, type RunStats, type RunStatus } from './runs-repo';
export type { CaseEndpointRow, CaseFlowRow, CaseGraph, CaseNodeRow, NewCaseNode, RunResult } from './run-results-repo';
export { API_KEY_ROLES, type ApiKeyRole, type ApiKeyRow, type NewApiKey } from './api-keys-repo';
export { PARTNER_KINDS, type NewPartner, type PartnerChannel, type PartnerKind, type PartnerRow } from './partners-repo';
export {
  FREEZE_STATUSES, PARTNER_VISIBLE, RESPONSE_STATUSES, type Actor, type AuditRow, type FreezeContent, type FreezeRequestRow,
  type FreezeResponseRow, type FreezeStatus, type FreezeTargetRow, type NewFreezeRequest, type NewFreezeTarget, type ResponseStatus,
  type TargetFrozen, type TargetKind,
} from './freeze-requests-repo';
export type { AlertRow, LeadRow } from './alerts-repo';
export type { RetraceRunRow, RetraceTrigger } from './retrace-repo';
export type { CaseNoteRow } from './case-notes-repo';
export type { CaseActivityRow, NewCaseActivity } from './case-activity-repo';
export { CALLBACK_EVENTS, type CallbackDeliveryRow, type CallbackEvent, type CaseCallbackRow } from './callbacks-repo';
