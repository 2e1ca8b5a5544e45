import { EVERYONE, HOSPITAL_CLINICIANS, type AccessRules } from './access-rule.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { Category, ReferralStatus } from './vocabulary.ts';

/** A referral of a patient from one hospital to another, for some data categories. */
export interface Referral {
  readonly referralId: string;
  readonly patientId: string;
  /** The patient's home organization: one of the two hospitals. */
  readonly patientHome: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly categories: readonly Category[];
  readonly validUntil: string;
  /** A referral back: the referral (from `toOrg` to `fromOrg`, same patient) it returns. */
  readonly returnOf?: string;
  /** Stored `open` or `closed`; reads report `expired` once validUntil passed while open. */
  readonly status: ReferralStatus;
  readonly createdAt: string;
  /** Identity hash of the clinician who created it. */
  readonly createdBy: string;
  readonly closedAt?: string;
  /** Identity hash of the clinician who closed it. */
  readonly closedBy?: string;
  /** The transaction that last wrote it. */
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/**
 * CreateReferral's input; the referring hospital is the caller's. One of the two hospitals must be
 * the patient's home (the referral is kept with the two of them and the regulator).
 */
export interface ReferralInput {
  readonly patientId: string;
  readonly toOrg: string;
  readonly categories: readonly Category[];
  /** In the future, at most 366 days ahead. */
  readonly validUntil: string;
  /** Makes this a referral back of that referral (same patient, opposite direction). */
  readonly returnOf?: string;
}

/** Payload of the chaincode events ReferralCreated and ReferralClosed. */
export interface ReferralEventPayload {
  readonly referralId: string;
  readonly patientId: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly categories: readonly Category[];
  readonly status: 'open' | 'closed';
  readonly timestamp: string;
}

/** The chaincode events of the referral contract. */
export interface ReferralEvents {
  readonly ReferralCreated: ReferralEventPayload;
  readonly ReferralClosed: ReferralEventPayload;
}

/** Two-way referral between hospitals (contract `referral`). */
export interface ReferralTransactions {
  /** Refers a patient to another hospital for some categories (event ReferralCreated). */
  'referral:CreateReferral': Submit<[referral: ReferralInput], Referral>;
  /** Closes a referral (a clinician of either hospital; event ReferralClosed). */
  'referral:CloseReferral': Submit<[referralId: string], Referral>;
  /** A referral (either hospital, the patient, the regulator). */
  'referral:GetReferral': Evaluate<[referralId: string], Referral>;
}

/** Who may call the referral contract's transactions. */
export const REFERRAL_ACCESS: AccessRules<ReferralTransactions> = {
  'referral:CreateReferral': { grants: HOSPITAL_CLINICIANS },
  'referral:CloseReferral': {
    grants: HOSPITAL_CLINICIANS,
    scope: 'a clinician of either hospital',
  },
  'referral:GetReferral': {
    grants: EVERYONE,
    scope: 'members of either hospital; the patient; the regulator',
  },
};

/** What POST /referrals and POST /referrals/:id/close answer. */
export interface ReferralWrite {
  readonly referralId: string;
  readonly txId: string;
  readonly referral: Referral;
}
