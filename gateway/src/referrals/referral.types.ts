import type { Category } from '../common/vocabulary.js';

/** A referral as the ledger keeps it (status `expired` once validUntil passed while open). */
export interface Referral {
  readonly referralId: string;
  readonly patientId: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly categories: readonly Category[];
  readonly validUntil: string;
  /** A referral back: the referral it returns. */
  readonly returnOf?: string;
  readonly status: 'open' | 'closed' | 'expired';
  readonly createdAt: string;
  readonly createdBy: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
  readonly txId: string;
}

/** CreateReferral's input (the referring hospital is the caller's). */
export interface ReferralRequest {
  readonly patientId: string;
  readonly toOrg: string;
  readonly categories: readonly Category[];
  readonly validUntil: string;
  readonly returnOf?: string;
}

/** A referral written to the ledger. */
export interface ReferralWrite {
  readonly referralId: string;
  readonly txId: string;
  readonly referral: Referral;
}
