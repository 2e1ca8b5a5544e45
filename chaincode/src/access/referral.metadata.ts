import { Object as DataType, Property } from 'fabric-contract-api';
import type * as model from './referral.model';
import type { Category } from '../ledger/vocabulary';

/** A referral of a patient from one hospital to another, for some data categories. */
@DataType()
export class Referral implements model.Referral {
  @Property('referralId', 'string')
  readonly referralId!: string;

  @Property('patientId', 'string')
  readonly patientId!: string;

  @Property('fromOrg', 'string')
  readonly fromOrg!: string;

  @Property('toOrg', 'string')
  readonly toOrg!: string;

  @Property('categories', 'string[]')
  readonly categories!: Category[];

  @Property('validUntil', 'string')
  readonly validUntil!: string;

  /** A referral back: the referral (from `toOrg` to `fromOrg`, same patient) it returns. */
  @Property('returnOf', 'string')
  readonly returnOf?: string;

  @Property('status', 'string')
  readonly status!: model.ReferralStatus;

  @Property('createdAt', 'string')
  readonly createdAt!: string;

  /** Identity hash of the clinician who created it. */
  @Property('createdBy', 'string')
  readonly createdBy!: string;

  @Property('closedAt', 'string')
  readonly closedAt?: string;

  /** Identity hash of the clinician who closed it. */
  @Property('closedBy', 'string')
  readonly closedBy?: string;

  /** The transaction that last wrote it. */
  @Property('txId', 'string')
  readonly txId!: string;
}
