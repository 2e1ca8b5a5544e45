import type { AccessEvent, CohortResult } from '../access/access-event.model';
import type { Referral } from '../access/referral.model';
import type { DayStatistics, Statistics } from '../audit/statistics.model';
import type { Consent, ConsentVersion, Decision } from '../consent/consent.model';
import type { TransactionName } from '../ledger/authorization';
import type { Page } from '../ledger/pagination';
import type {
  Batch,
  BatchMemberVerification,
  RecordAnchor,
  RecordHistory,
  RecordVerification,
} from '../records/record.model';
import type { Organization } from '../registry/organization.model';

/** The decoded result of every ledger transaction (docs/ledger-api.md), for typed tests. */
export interface TransactionResults {
  'registry:RegisterOrganization': Organization;
  'registry:GetOrganization': Organization;
  'registry:ListOrganizations': Organization[];
  'consent:GrantConsent': Consent;
  'consent:UpdateConsent': Consent;
  'consent:RevokeConsent': Consent;
  'consent:GetConsent': Consent;
  'consent:GetConsentHistory': ConsentVersion[];
  'consent:QueryConsents': Page<Consent>;
  'access:RequestAccess': AccessEvent;
  'access:CheckAccess': Decision;
  'access:RequestEmergencyAccess': AccessEvent;
  'access:ReviewEmergencyAccess': AccessEvent;
  'access:RequestCohort': CohortResult;
  'access:CreateReferral': Referral;
  'access:CloseReferral': Referral;
  'access:GetReferral': Referral;
  'records:AnchorRecord': RecordAnchor;
  'records:AnchorBatch': Batch;
  'records:VerifyRecord': RecordVerification;
  'records:VerifyBatchMember': BatchMemberVerification;
  'records:GetRecord': RecordHistory;
  'records:GetBatch': Batch;
  'records:QueryAnchors': Page<RecordAnchor>;
  'audit:QueryAccessEvents': Page<AccessEvent>;
  'audit:GetAccessEvent': AccessEvent;
  'audit:QueryEmergencyReviews': Page<AccessEvent>;
  'audit:GetStatistics': Statistics;
  'audit:RollupStatistics': DayStatistics;
}

/** The result type of a transaction name (unknown for names outside the ledger's API). */
export type TransactionResult<N extends string> = N extends keyof TransactionResults
  ? TransactionResults[N]
  : unknown;

// Compile-time check: the map names exactly the transactions of the authorization matrix.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const covered: Same<keyof TransactionResults, TransactionName> = true;
/** True: the compile-time check above holds (exported so that it is not an unused local). */
export const TRANSACTION_RESULTS_COVER_THE_MATRIX = covered;
