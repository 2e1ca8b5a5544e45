import { Object as DataType, Property } from 'fabric-contract-api';
import type * as model from './consent.model';
import type {
  Category,
  DecisionReason,
  DecisionValue,
  GranteeRole,
  Purpose,
} from '../ledger/vocabulary';

/** Who a consent or exception is about: each field given must equal the accessor's. */
@DataType()
export class ConsentGrantee implements model.ConsentGrantee {
  /** Accessor organization (required in a permit). */
  @Property('org', 'string')
  readonly org?: string;

  @Property('role', 'string')
  readonly role?: GranteeRole;

  @Property('practitionerId', 'string')
  readonly practitionerId?: string;
}

/** A deny provision nested in a permit; absent lists mean "all". */
@DataType()
export class ConsentException implements model.ConsentException {
  @Property('purposes', 'string[]')
  readonly purposes?: Purpose[];

  @Property('categories', 'string[]')
  readonly categories?: Category[];

  @Property('dataFrom', 'string')
  readonly dataFrom?: string;

  @Property('dataUntil', 'string')
  readonly dataUntil?: string;

  @Property('grantee', 'ConsentGrantee')
  readonly grantee?: ConsentGrantee;
}

/** A patient's consent (modelled on FHIR R4 Consent). */
@DataType()
export class Consent implements model.Consent {
  @Property('consentId', 'string')
  readonly consentId!: string;

  @Property('patientId', 'string')
  readonly patientId!: string;

  @Property('provision', 'string')
  readonly provision!: model.Provision;

  /** Absent only in a deny that applies to every accessor. */
  @Property('grantee', 'ConsentGrantee')
  readonly grantee?: ConsentGrantee;

  /** Absent only in a deny: all purposes. */
  @Property('purposes', 'string[]')
  readonly purposes?: Purpose[];

  /** Absent only in a deny: all categories. */
  @Property('categories', 'string[]')
  readonly categories?: Category[];

  @Property('validFrom', 'string')
  readonly validFrom!: string;

  @Property('validUntil', 'string')
  readonly validUntil?: string;

  @Property('dataFrom', 'string')
  readonly dataFrom?: string;

  @Property('dataUntil', 'string')
  readonly dataUntil?: string;

  @Property('exceptions', 'ConsentException[]')
  readonly exceptions!: ConsentException[];

  @Property('status', 'string')
  readonly status!: model.ConsentStatus;

  @Property('version', 'number')
  readonly version!: number;

  @Property('createdAt', 'string')
  readonly createdAt!: string;

  @Property('updatedAt', 'string')
  readonly updatedAt!: string;

  @Property('revokedAt', 'string')
  readonly revokedAt?: string;

  /** The transaction that wrote this version. */
  @Property('txId', 'string')
  readonly txId!: string;
}

/** One version of a consent, as written by the transaction that made it. */
@DataType()
export class ConsentVersion implements model.ConsentVersion {
  @Property('consentId', 'string')
  readonly consentId!: string;

  @Property('version', 'number')
  readonly version!: number;

  @Property('change', 'string')
  readonly change!: model.ConsentChange;

  @Property('txId', 'string')
  readonly txId!: string;

  @Property('time', 'string')
  readonly time!: string;

  @Property('consent', 'Consent')
  readonly consent!: Consent;
}

/** A page of consents. */
@DataType()
export class ConsentPage implements model.ConsentPage {
  @Property('items', 'Consent[]')
  readonly items!: Consent[];

  @Property('bookmark', 'string')
  readonly bookmark!: string;
}

/** The outcome of consent evaluation. */
@DataType()
export class Decision implements model.Decision {
  @Property('decision', 'string')
  readonly decision!: DecisionValue;

  @Property('reason', 'string')
  readonly reason!: DecisionReason;

  /** The consents that decided (covering permits, or the denies that matched), sorted. */
  @Property('consentIds', 'string[]')
  readonly consentIds!: string[];

  /** The data period the decision is about (the requested one). */
  @Property('dataFrom', 'string')
  readonly dataFrom?: string;

  @Property('dataUntil', 'string')
  readonly dataUntil?: string;
}
