import type { Category } from '../ledger/vocabulary';

/** Stored status; reads also report `expired` once validUntil has passed while open. */
export type ReferralStatus = 'open' | 'closed' | 'expired';

/** A referral of a patient from one hospital to another, for some data categories. */
export interface Referral {
  readonly referralId: string;
  readonly patientId: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly categories: Category[];
  readonly validUntil: string;

  /** A referral back: the referral (from `toOrg` to `fromOrg`, same patient) it returns. */
  readonly returnOf?: string;
  readonly status: ReferralStatus;
  readonly createdAt: string;

  /** Identity hash of the clinician who created it. */
  readonly createdBy: string;
  readonly closedAt?: string;

  /** Identity hash of the clinician who closed it. */
  readonly closedBy?: string;

  /** The transaction that last wrote it. */
  readonly txId: string;
}
