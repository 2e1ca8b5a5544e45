import { ACCESSORS, HOSPITAL_CLINICIANS, type AccessRules } from './access-rule.ts';
import type { Page } from './page.ts';
import type { Region } from './registry.api.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type {
  Category,
  DecisionReason,
  DecisionValue,
  EmergencyReasonCode,
  Purpose,
  ReviewOutcome,
  Role,
  SensitivityLabel,
} from './vocabulary.ts';

/** Who accessed: organization, role, optional practitioner ID and institution, identity hash. */
export interface Accessor {
  readonly org: string;
  readonly role: Role;
  readonly practitionerId?: string;
  /** The accessor's member institution (its certificate's `institution` attribute), if any. */
  readonly institution?: string;
  /** SHA-256 (hex) of the certificate's ID (subject and issuer DN): never the certificate. */
  readonly idHash: string;
}

/** The regulator's review of a break-glass access. */
export interface EmergencyReview {
  readonly status: 'pending' | 'reviewed';
  readonly outcome?: ReviewOutcome;
  readonly reviewedAt?: string;
  readonly reviewerIdHash?: string;
  /** The commitment to the reviewer's comment (ReviewInput), kept by the regulator's gateway. */
  readonly commentHash?: string;
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
  /** The patient's home organization (the event lives with it, the accessor and the regulator). */
  readonly patientHome: string;
  readonly accessor: Accessor;
  /** The accessor organization's region (for statistics). */
  readonly accessorRegion: Region;
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  /** The sensitivity labels the access was for (its categories' and those it declared); absent: none. */
  readonly labels?: readonly SensitivityLabel[];
  readonly recordIds: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly decision: DecisionValue;
  readonly reason: DecisionReason;
  readonly consentIds: readonly string[];
  readonly breakGlass: boolean;
  readonly emergency?: Emergency;
  readonly cohort?: CohortInfo;
  readonly timestamp: string;
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/** Most matches a query's total counts: past it the total says "at least" ({@link ResultTotal}). */
export const TOTAL_COUNT_LIMIT = 10_000;

/**
 * How many items a query matches, over all its pages: `exact` when the count ran to the end; else
 * at least `count` (counting stopped at {@link TOTAL_COUNT_LIMIT} matches, or earlier when the
 * filters made each entry cost a read of the whole event).
 */
export interface ResultTotal {
  readonly count: number;
  readonly exact: boolean;
}

/** A page of access events; `total` when the query asked for it (`withTotal`). */
export interface AccessEventPage extends Page<AccessEvent> {
  readonly total?: ResultTotal;
}

/** The outcome of consent evaluation. */
export interface Decision {
  readonly decision: DecisionValue;
  readonly reason: DecisionReason;
  /** The consents that decided (covering permits, or the denies that matched), sorted. */
  readonly consentIds: readonly string[];
  /** The data period the decision is about (the requested one). */
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

/** An access question (RequestAccess and CheckAccess): who asks is the caller. */
export interface AccessRequest {
  readonly patientId: string;
  /** Any purpose but `emergency` (that is RequestEmergencyAccess). */
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  /** The sensitivity labels of the data asked for, beyond its categories' own (absent: none). */
  readonly labels?: readonly SensitivityLabel[];
  readonly recordIds?: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

/** A break-glass request as the ledger takes it: the justification only as its SHA-256. */
export interface EmergencyRequest {
  readonly patientId: string;
  readonly categories: readonly Category[];
  /**
   * The sensitivity labels of the data asked for, beyond its categories' own: opened only where the
   * patient allowed it in advance (a permit for purpose `emergency` naming them).
   */
  readonly labels?: readonly SensitivityLabel[];
  readonly reasonCode: EmergencyReasonCode;
  readonly justificationHash: string;
  readonly recordIds?: readonly string[];
}

/** Payload of the chaincode event AccessRecorded. */
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

/** The chaincode events of the access contract. */
export interface AccessEvents {
  readonly AccessRecorded: AccessRecordedPayload;
}

/** Consent-checked, audited access and break-glass (contract `access`). */
export interface AccessTransactions {
  /** Decides an access by the patient's consents and records it (event AccessRecorded). */
  'access:RequestAccess': Submit<[request: AccessRequest], AccessEvent>;
  /**
   * Decides an access like RequestAccess, writing nothing (not audited: docs/authorization.md);
   * `consentIds` names only the consents the caller may read.
   */
  'access:CheckAccess': Evaluate<[request: AccessRequest], Decision>;
  /** Break-glass access by a hospital clinician, pending the regulator's review. */
  'access:RequestEmergencyAccess': Submit<[request: EmergencyRequest], AccessEvent>;
}

/**
 * Who may request access: CheckAccess has the very same rule (a check is answered only to a caller
 * who could make the request; the chaincode checks a CheckAccess against RequestAccess's rule too).
 */
const ACCESS_REQUESTERS = { grants: ACCESSORS } as const;

/** Who may call the access contract's transactions. */
export const ACCESS_ACCESS: AccessRules<AccessTransactions> = {
  'access:RequestAccess': ACCESS_REQUESTERS,
  'access:CheckAccess': {
    ...ACCESS_REQUESTERS,
    scope: 'names only the deciding consents the caller may read (as consent:GetConsent)',
  },
  'access:RequestEmergencyAccess': { grants: HOSPITAL_CLINICIANS },
};

/** What POST /access-requests and POST /access-requests/emergency answer. */
export interface AccessOutcome {
  readonly eventId: string;
  readonly decision: DecisionValue;
  /** The first covering consent, when permitted by consent. */
  readonly consentId?: string;
  readonly consentIds: readonly string[];
  readonly reason: DecisionReason;
  readonly breakGlass: boolean;
  readonly txId: string;
}
