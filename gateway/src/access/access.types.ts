import type {
  AccessDecision,
  Category,
  EmergencyReasonCode,
  Purpose,
  ReviewOutcome,
} from '../common/vocabulary.js';

/** An access question (RequestAccess / CheckAccess input). */
export interface AccessQuestion {
  readonly patientId: string;
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  readonly recordIds?: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

/** A break-glass request; the justification is hashed by the gateway and never leaves it. */
export interface EmergencyRequest {
  readonly patientId: string;
  readonly categories: readonly Category[];
  readonly reasonCode: EmergencyReasonCode;
  readonly justification: string;
  readonly recordIds?: readonly string[];
}

/** The ledger's decision. */
export interface Decision {
  readonly decision: AccessDecision;
  readonly reason: string;
  readonly consentIds: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

/** An access event as the ledger records it. */
export interface AccessEvent {
  readonly eventId: string;
  readonly patientId: string;
  readonly accessor: {
    readonly org: string;
    readonly role: string;
    readonly practitionerId?: string;
    readonly idHash: string;
  };
  readonly accessorRegion?: {
    readonly province: string;
    readonly city?: string;
    readonly county?: string;
  };
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  readonly recordIds: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly decision: AccessDecision;
  readonly reason: string;
  readonly consentIds: readonly string[];
  readonly breakGlass: boolean;
  readonly emergency?: {
    readonly reasonCode: EmergencyReasonCode;
    readonly justificationHash: string;
    readonly review: {
      readonly status: 'pending' | 'reviewed';
      readonly outcome?: ReviewOutcome;
      readonly reviewedAt?: string;
      readonly reviewerIdHash?: string;
    };
  };
  readonly cohort?: { readonly studyId: string };
  readonly timestamp: string;
  readonly txId: string;
}

/** What POST /access-requests answers. */
export interface AccessOutcome {
  readonly eventId: string;
  readonly decision: AccessDecision;
  /** The first covering consent, when permitted by consent. */
  readonly consentId?: string;
  readonly consentIds: readonly string[];
  readonly reason: string;
  readonly breakGlass: boolean;
  readonly txId: string;
}
