import { Object as DataType, Property } from 'fabric-contract-api';
import type * as model from './access-event.model';
import '../registry/organization.metadata';
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
@DataType()
export class Accessor implements model.Accessor {
  @Property('org', 'string')
  readonly org!: string;

  @Property('role', 'string')
  readonly role!: Role;

  @Property('practitionerId', 'string')
  readonly practitionerId?: string;

  @Property('idHash', 'string')
  readonly idHash!: string;
}

/** The regulator's review of a break-glass access. */
@DataType()
export class EmergencyReview implements model.EmergencyReview {
  @Property('status', 'string')
  readonly status!: 'pending' | 'reviewed';

  @Property('outcome', 'string')
  readonly outcome?: ReviewOutcome;

  @Property('reviewedAt', 'string')
  readonly reviewedAt?: string;

  @Property('reviewerIdHash', 'string')
  readonly reviewerIdHash?: string;
}

/** The coded justification of a break-glass access and its review. */
@DataType()
export class Emergency implements model.Emergency {
  @Property('reasonCode', 'string')
  readonly reasonCode!: EmergencyReasonCode;

  /** SHA-256 (hex) of the free-text justification, which stays off the ledger. */
  @Property('justificationHash', 'string')
  readonly justificationHash!: string;

  @Property('review', 'EmergencyReview')
  readonly review!: EmergencyReview;
}

/** The study a cohort access was for. */
@DataType()
export class CohortInfo implements model.CohortInfo {
  @Property('studyId', 'string')
  readonly studyId!: string;
}

/** One access decision, recorded whatever the decision. */
@DataType()
export class AccessEvent implements model.AccessEvent {
  @Property('eventId', 'string')
  readonly eventId!: string;

  @Property('patientId', 'string')
  readonly patientId!: string;

  @Property('accessor', 'Accessor')
  readonly accessor!: Accessor;

  /** The accessor organization's region (for statistics). */
  @Property('accessorRegion', 'Region')
  readonly accessorRegion!: Region;

  @Property('purpose', 'string')
  readonly purpose!: Purpose;

  @Property('categories', 'string[]')
  readonly categories!: Category[];

  @Property('recordIds', 'string[]')
  readonly recordIds!: string[];

  @Property('dataFrom', 'string')
  readonly dataFrom?: string;

  @Property('dataUntil', 'string')
  readonly dataUntil?: string;

  @Property('decision', 'string')
  readonly decision!: DecisionValue;

  @Property('reason', 'string')
  readonly reason!: DecisionReason;

  @Property('consentIds', 'string[]')
  readonly consentIds!: string[];

  @Property('breakGlass', 'boolean')
  readonly breakGlass!: boolean;

  @Property('emergency', 'Emergency')
  readonly emergency?: Emergency;

  @Property('cohort', 'CohortInfo')
  readonly cohort?: CohortInfo;

  @Property('timestamp', 'string')
  readonly timestamp!: string;

  @Property('txId', 'string')
  readonly txId!: string;
}

/** A page of access events. */
@DataType()
export class AccessEventPage implements model.AccessEventPage {
  @Property('items', 'AccessEvent[]')
  readonly items!: AccessEvent[];

  @Property('bookmark', 'string')
  readonly bookmark!: string;
}

/** What RequestCohort included. */
@DataType()
export class CohortResult implements model.CohortResult {
  /** Patients included in this page (sorted). */
  @Property('included', 'string[]')
  readonly included!: string[];

  /** The access event recorded for each included patient, in the same order. */
  @Property('events', 'string[]')
  readonly events!: string[];

  @Property('bookmark', 'string')
  readonly bookmark!: string;
}
