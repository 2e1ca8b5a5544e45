import type { Region } from '../registry/organization.model';
import type {
  Category,
  DecisionReason,
  DecisionValue,
  EmergencyReasonCode,
  Purpose,
  ReviewOutcome,
  Role,
} from '../ledger/vocabulary';

/** Who accessed: organization, role, optional practitioner ID and identity hash. */
export interface Accessor {
  readonly org: string;
  readonly role: Role;
  readonly practitionerId?: string;
  readonly idHash: string;
}

/** The regulator's review of a break-glass access. */
export interface EmergencyReview {
  readonly status: 'pending' | 'reviewed';
  readonly outcome?: ReviewOutcome;
  readonly reviewedAt?: string;
  readonly reviewerIdHash?: string;
}

/** The coded justification of a break-glass access and its review. */
export interface Emergency {
  readonly reasonCode: EmergencyReasonCode;

  /** SHA-256 (hex) of the free-text justification, which stays off the ledger. */
  readonly justificationHash: string;
  readonly review: EmergencyReview;
}

/** The study a cohort access was for. */
export interface CohortInfo {
  readonly studyId: string;
}

/** One access decision, recorded whatever the decision. */
export interface AccessEvent {
  readonly eventId: string;
  readonly patientId: string;
  readonly accessor: Accessor;

  /** The accessor organization's region (for statistics). */
  readonly accessorRegion: Region;
  readonly purpose: Purpose;
  readonly categories: Category[];
  readonly recordIds: string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly decision: DecisionValue;
  readonly reason: DecisionReason;
  readonly consentIds: string[];
  readonly breakGlass: boolean;
  readonly emergency?: Emergency;
  readonly cohort?: CohortInfo;
  readonly timestamp: string;
  readonly txId: string;
}

/** A page of access events. */
export interface AccessEventPage {
  readonly items: AccessEvent[];
  readonly bookmark: string;
}

/** What RequestCohort included. */
export interface CohortResult {
  /** Patients included in this page (sorted). */
  readonly included: string[];

  /** The access event recorded for each included patient, in the same order. */
  readonly events: string[];
  readonly bookmark: string;
}
