import { EVERYONE, type AccessRules } from './access-rule.ts';
import type { Notice, NoticeRef } from './notice.api.ts';
import type { ErasureReceipt } from './patient.api.ts';
import type { SignedAction, SignedBy } from './signed-action.ts';
import type { Page } from './page.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type {
  Category,
  ConsentChange,
  ConsentStatus,
  GranteeRole,
  Provision,
  Purpose,
  SensitivityLabel,
} from './vocabulary.ts';

/** Who a consent or exception is about: each field given must equal the accessor's. */
export interface ConsentGrantee {
  /** Accessor organization (required in a permit). */
  readonly org?: string;
  readonly role?: GranteeRole;
  readonly practitionerId?: string;
  /**
   * A member institution of the grantee organization (registry): the consent then matches only
   * accessors whose certificate names it; needs `org`.
   */
  readonly institution?: string;
}

/** A deny provision nested in a permit; absent lists mean "all". */
export interface ConsentException {
  readonly purposes?: readonly Purpose[];
  readonly categories?: readonly Category[];
  /** Sensitive data it denies: absent, any data (labelled or not); given, data carrying one of them. */
  readonly sensitive?: readonly SensitivityLabel[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly grantee?: ConsentGrantee;
}

/** A patient's consent (modelled on FHIR R4 Consent). */
export interface Consent {
  readonly consentId: string;
  readonly patientId: string;
  /** The patient's home organization (where the patient's data lives). */
  readonly patientHome: string;
  readonly provision: Provision;
  /** Absent only in a deny that applies to every accessor. */
  readonly grantee?: ConsentGrantee;
  /** Absent only in a deny: all purposes. */
  readonly purposes?: readonly Purpose[];
  /** Absent only in a deny: all categories. */
  readonly categories?: readonly Category[];
  /**
   * In a permit, the sensitive data it also opens: each label named explicitly (absent: none). In
   * a deny, absent: any data; given: only data carrying one of them.
   */
  readonly sensitive?: readonly SensitivityLabel[];
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions: readonly ConsentException[];
  /** The notice the consent was given under (absent: none was named). */
  readonly notice?: NoticeRef;
  /** Stored `active` or `revoked`; reads report `expired` once validUntil has passed. */
  readonly status: ConsentStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  /** Who signed this version: the patient, or a guardian. */
  readonly signedBy: SignedBy;
  /** The transaction that wrote this version. */
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/** One version of a consent, as written by the transaction that made it. */
export interface ConsentVersion {
  readonly consentId: string;
  readonly version: number;
  readonly change: ConsentChange;
  readonly txId: string;
  /** When the version was written (the transaction time). */
  readonly time: string;
  readonly consent: Consent;
}

/** A page of consents. */
export type ConsentPage = Page<Consent>;

/**
 * The terms of a consent as a patient gives them (GrantConsent). A permit names at least the
 * grantee organization, purposes and categories; a deny without a grantee applies to everyone.
 */
export interface ConsentInput {
  /** `permit` when absent. */
  readonly provision?: Provision;
  readonly grantee?: ConsentGrantee;
  readonly purposes?: readonly Purpose[];
  readonly categories?: readonly Category[];
  /** The sensitive data it covers (a permit) or denies (a deny): as {@link Consent}.sensitive. */
  readonly sensitive?: readonly SensitivityLabel[];
  /** The transaction time when absent. */
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions?: readonly ConsentException[];
  /**
   * The notice shown to the patient before confirming: a version published by the patient's home
   * or by the grantee organization, with the SHA-256 of its texts (the ledger checks both).
   */
  readonly notice?: NoticeRef;
}

/** QueryConsents' filter. */
export interface ConsentQuery {
  readonly patientId?: string;
  /** A grantee organization, or `*` for denies to everyone. */
  readonly grantee?: string;
  readonly status?: ConsentStatus;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** Payload of the chaincode events ConsentGranted, ConsentUpdated and ConsentRevoked. */
export interface ConsentEventPayload {
  readonly consentId: string;
  readonly patientId: string;
  readonly provision: Provision;
  /** The grantee organization, `*` for a deny to everyone. */
  readonly granteeOrg: string;
  readonly status: ConsentStatus;
  readonly change: ConsentChange;
  readonly version: number;
  /** When the consent ends (absent: no end). */
  readonly validUntil?: string;
  readonly timestamp: string;
}

/** The chaincode events of the consent contract. */
export interface ConsentEvents {
  readonly ConsentGranted: ConsentEventPayload;
  readonly ConsentUpdated: ConsentEventPayload;
  readonly ConsentRevoked: ConsentEventPayload;
  readonly ConsentErased: {
    readonly consentId: string;
    readonly patientId: string;
    readonly timestamp: string;
  };
}

/** Patients' consents (contract `consent`): every write is a statement signed by the patient. */
export interface ConsentTransactions {
  /** Grants a consent, signed by the patient or a guardian (docs/patient-keys.md). */
  'consent:GrantConsent': Submit<[action: SignedAction<'consent:GrantConsent'>], Consent>;
  /** Replaces the terms of an active consent at the version signed; the version goes up by one. */
  'consent:UpdateConsent': Submit<[action: SignedAction<'consent:UpdateConsent'>], Consent>;
  /** Revokes a consent at the version signed; revoking twice is a CONFLICT. */
  'consent:RevokeConsent': Submit<[action: SignedAction<'consent:RevokeConsent'>], Consent>;
  /** Erases a revoked consent's details from every peer that held them (PurgePrivateData). */
  'consent:EraseConsent': Submit<[action: SignedAction<'consent:EraseConsent'>], ErasureReceipt>;
  /** One consent (its patient's home, the regulator, members of the grantee organization). */
  'consent:GetConsent': Evaluate<[consentId: string], Consent>;
  /** Every version of a consent, oldest first. */
  'consent:GetConsentHistory': Evaluate<[consentId: string], readonly ConsentVersion[]>;
  /** A page of consents, scoped to the caller. */
  'consent:QueryConsents': Evaluate<[query: ConsentQuery], ConsentPage>;
}

/** Who may call the consent contract's transactions (signed writes: any carrier). */
export const CONSENT_ACCESS: AccessRules<ConsentTransactions> = {
  'consent:GrantConsent': { grants: EVERYONE, scope: "a signature by the patient's key" },
  'consent:UpdateConsent': { grants: EVERYONE, scope: "a signature by the patient's key" },
  'consent:RevokeConsent': { grants: EVERYONE, scope: "a signature by the patient's key" },
  'consent:EraseConsent': { grants: EVERYONE, scope: "a signature by the patient's key" },
  'consent:GetConsent': {
    grants: EVERYONE,
    scope:
      "its patient's home organization; the GovMSP regulator; members of the grantee organization",
  },
  'consent:GetConsentHistory': {
    grants: EVERYONE,
    scope:
      "its patient's home organization; the GovMSP regulator; members of the grantee organization",
  },
  'consent:QueryConsents': {
    grants: EVERYONE,
    scope:
      "the home organization its patients'; the regulator all; others consents granted to their organization",
  },
};

/** What POST /consents, PUT /consents/:id and POST /consents/:id/revoke answer. */
export interface ConsentWrite {
  readonly consentId: string;
  readonly txId: string;
  readonly consent: Consent;
}

/**
 * GET /consents/:consentId/receipt: the receipt of one consent action (a version: its grant,
 * update or revocation), modelled on the Kantara Consent Receipt: what was agreed, by whom, under
 * which notice (its texts as published), when, with the ledger's evidence that an auditor verifies
 * offline (docs/evidence-bundle.md). `Evidence` is the verifier's EvidenceBundle.
 */
export interface ConsentReceipt<Evidence = unknown> {
  readonly receiptVersion: 1;
  /** `<consentId>.v<version>`: one receipt per action. */
  readonly receiptId: string;
  readonly action: ConsentChange;
  /** When the action was written: its transaction's time. */
  readonly time: string;
  readonly patientId: string;
  /** Who signed the action: the patient, or a guardian. */
  readonly signedBy: SignedBy;
  /** The organization whose gateway issued the receipt. */
  readonly issuer: string;
  /** The consent as the action left it (the version's stored value, its salt included). */
  readonly consent: Consent;
  /** The notice the consent names, as published (absent when it names none). */
  readonly notice?: Notice;
  readonly ledger: { readonly channel: string; readonly chaincode: string; readonly txId: string };
  readonly evidence: Evidence;
}
