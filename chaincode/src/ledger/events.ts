import type { ChaincodeStub } from 'fabric-shim-api';
import type { ConsentChange, ConsentStatus, Provision } from '../consent/consent.model';
import { marshal } from './marshal';
import type { Category, DecisionReason, DecisionValue, Purpose, ReviewOutcome } from './vocabulary';

/**
 * The chaincode events, one per transaction (Fabric keeps only the last setEvent of a
 * transaction). Payloads are sorted-key JSON through marshal(), coded values only: no free text.
 */
export interface LedgerEvents {
  readonly ConsentGranted: ConsentEventPayload;
  readonly ConsentUpdated: ConsentEventPayload;
  readonly ConsentRevoked: ConsentEventPayload;
  readonly AccessRecorded: AccessRecordedPayload;
  readonly EmergencyReviewed: EmergencyReviewedPayload;
  readonly RecordAnchored: RecordAnchoredPayload;
  readonly BatchAnchored: BatchAnchoredPayload;
  readonly ReferralCreated: ReferralEventPayload;
  readonly ReferralClosed: ReferralEventPayload;
  readonly CohortRecorded: CohortRecordedPayload;
}

/** Name of a ledger event. */
export type LedgerEventName = keyof LedgerEvents;

/** Payload of ConsentGranted / ConsentUpdated / ConsentRevoked. */
export interface ConsentEventPayload {
  readonly consentId: string;
  readonly patientId: string;
  readonly provision: Provision;
  /** The grantee organization, `*` for a deny to everyone. */
  readonly granteeOrg: string;
  readonly status: ConsentStatus;
  readonly change: ConsentChange;
  readonly version: number;
  readonly timestamp: string;
}

/** Payload of AccessRecorded. */
export interface AccessRecordedPayload {
  readonly eventId: string;
  readonly patientId: string;
  readonly accessorOrg: string;
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  readonly decision: DecisionValue;
  readonly reason: DecisionReason;
  readonly breakGlass: boolean;
  readonly timestamp: string;
}

/** Payload of EmergencyReviewed. */
export interface EmergencyReviewedPayload {
  readonly eventId: string;
  readonly accessorOrg: string;
  readonly outcome: ReviewOutcome;
  readonly reviewedAt: string;
}

/** Payload of RecordAnchored. */
export interface RecordAnchoredPayload {
  readonly recordId: string;
  readonly version: number;
  readonly owner: string;
  readonly category: Category;
  readonly sha256: string;
  readonly timestamp: string;
}

/** Payload of BatchAnchored. */
export interface BatchAnchoredPayload {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly owner: string;
  readonly timestamp: string;
}

/** Payload of ReferralCreated / ReferralClosed. */
export interface ReferralEventPayload {
  readonly referralId: string;
  readonly patientId: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly categories: readonly Category[];
  readonly status: 'open' | 'closed';
  readonly timestamp: string;
}

/** Payload of CohortRecorded. */
export interface CohortRecordedPayload {
  readonly studyId: string;
  readonly accessorOrg: string;
  readonly included: number;
  readonly eventIds: readonly string[];
  readonly timestamp: string;
}

/** A chaincode event: its name and payload. */
export interface LedgerEvent<N extends LedgerEventName> {
  readonly name: N;
  readonly payload: LedgerEvents[N];
}

/** Sets the transaction's chaincode event. */
export function emitEvent<N extends LedgerEventName>(
  stub: ChaincodeStub,
  event: LedgerEvent<N>,
): void {
  stub.setEvent(event.name, marshal(event.payload));
}
