import { EVERYONE, REGULATOR, type AccessRules, type Grant } from './access-rule.ts';
import type { SignedAction, SignedBy } from './signed-action.ts';
import type { Evaluate, Submit } from './transaction.ts';

/**
 * Patients and their keys (contract `patient`, docs/patient-keys.md): a pseudonym registered by its
 * home organization and bound, on the ledger, to the public keys of the patient's own devices; the
 * guardians who may sign for the patient; recovery by the home organization and the regulator. The
 * binding lives in the home organization's collection (`org_<home>`), held by the home
 * organization and the regulator only.
 */

/** A guardian ID: `rp-` (FHIR RelatedPerson) + 16 to 32 of lower-case base32. */
export const GUARDIAN_ID_PATTERN = /^rp-[a-z2-7]{16,32}$/;

/** An SPKI DER public key (ECDSA P-256), base64url: 91 bytes, 122 characters. */
export const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9_-]{120,124}$/;

/** An enrolment code as handed over: 16 characters of base32, optionally grouped by dashes. */
export const ENROLMENT_CODE_PATTERN = /^[A-Z2-7]{4}(-?[A-Z2-7]{4}){3}$/;

/** The salted hash of a one-time enrolment code; the code itself is never stored. */
export interface EnrolmentCodeHash {
  /** enrolment.ts enrolmentCodeHash: SHA-256 (hex) of `salt ‖ code` (canonical code). */
  readonly hash: string;
  /** 16 random bytes, base64url. */
  readonly salt: string;
}

/** A key bound to a patient or a guardian (one per device). */
export interface BoundKey {
  readonly keyId: string;
  /** SPKI DER, base64url. */
  readonly publicKey: string;
  readonly addedAt: string;
  /** Set once the key stopped working (removed, or replaced by recovery). */
  readonly revokedAt?: string;
}

/** How a guardian is related to the patient. */
export const GUARDIAN_RELATIONSHIPS = ['guardian', 'legal-proxy', 'parent'] as const;
/** A guardian relationship. */
export type GuardianRelationship = (typeof GUARDIAN_RELATIONSHIPS)[number];

/** A guardianship: who may sign for the patient, and when. */
export interface Guardianship {
  readonly guardianId: string;
  readonly relationship: GuardianRelationship;
  readonly validFrom: string;
  /** Exclusive; a minor's guardianship also ends at the binding's `adultFrom`. */
  readonly validUntil: string;
  /** proposed (by the home) -> approved (by the regulator) -> active (key bound) -> ended. */
  readonly status: 'proposed' | 'approved' | 'active' | 'ended';
  readonly keys: readonly BoundKey[];
  /** Pending until the guardian activates their key. */
  readonly enrolment?: EnrolmentCodeHash;
  readonly proposedAt: string;
  readonly approvedAt?: string;
  readonly activatedAt?: string;
  readonly endedAt?: string;
}

/** A pseudonym and what speaks for it, as the home organization and the regulator hold it. */
export interface PatientBinding {
  readonly patientId: string;
  /** The home organization's MSP ID. */
  readonly home: string;
  /** pending (registered, not activated) -> active; recovering while a recovery waits. */
  readonly status: 'pending' | 'active' | 'recovering';
  readonly keys: readonly BoundKey[];
  readonly guardians: readonly Guardianship[];
  /** For a minor: the day (`YYYY-MM-DD`) the patient comes of age (from then on acts alone). */
  readonly adultFrom?: string;
  /** The pending enrolment (registration or recovery). */
  readonly enrolment?: EnrolmentCodeHash;
  /** A recovery the home organization asked for, waiting for the regulator. */
  readonly recovery?: { readonly requestedAt: string; readonly approvedAt?: string };
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/** What a version of a binding changed. */
export const BINDING_CHANGES = [
  'activated',
  'device-added',
  'device-removed',
  'guardian-activated',
  'guardian-approved',
  'guardian-ended',
  'guardian-proposed',
  'recovery-approved',
  'recovery-requested',
  'registered',
] as const;
/** A binding change. */
export type BindingChange = (typeof BINDING_CHANGES)[number];

/** One version of a binding: the patient sees every rebinding. */
export interface BindingVersion {
  readonly version: number;
  readonly change: BindingChange;
  /** Who made the change: a signer, or an organization's staff (`org`). */
  readonly by: SignedBy | { readonly kind: 'org'; readonly id: string };
  readonly txId: string;
  readonly time: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/** Where a pseudonym's data lives. */
export interface PatientLocation {
  readonly patientId: string;
  readonly home: string;
}

/** RegisterPatient's input (the home organization's admin; the gateway makes the pseudonym). */
export interface PatientRegistration {
  readonly patientId: string;
  readonly enrolment: EnrolmentCodeHash;
  /** For a minor: the day (`YYYY-MM-DD`, UTC) from which the patient acts alone. */
  readonly adultFrom?: string;
}

/** RequestRecovery's input: a new enrolment code for the patient's new device. */
export interface RecoveryRequest {
  readonly patientId: string;
  readonly enrolment: EnrolmentCodeHash;
}

/** ProposeGuardian's input. */
export interface GuardianProposal {
  readonly patientId: string;
  readonly guardianId: string;
  readonly relationship: GuardianRelationship;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly enrolment: EnrolmentCodeHash;
}

/** A guardianship named by patient and guardian (ApproveGuardian, EndGuardianship). */
export interface GuardianRef {
  readonly patientId: string;
  readonly guardianId: string;
}

/** A receipt of an erasure, kept at home: what was erased, when, on whose request. */
export interface ErasureReceipt {
  readonly patientId: string;
  readonly kind: 'consent' | 'retention';
  /** The consent erased (kind consent), or the retention kind and cut-off (kind retention). */
  readonly subject: string;
  readonly erasedAt: string;
  readonly txId: string;
  readonly requestedBy: SignedBy | { readonly kind: 'org'; readonly id: string };
  readonly salt: string;
}

/** The chaincode events of the patient contract (names only: nothing identifies the patient). */
export interface PatientEvents {
  readonly PatientBindingChanged: { readonly patientId: string; readonly change: BindingChange };
}

/** Admins of the organization types that register patients (their home organizations). */
const HOME_ADMINS: readonly Grant[] = [{ orgTypes: ['hospital', 'enterprise'], roles: ['admin'] }];
/** Home admins and the regulator: the holders of a binding. */
const BINDING_READERS: readonly Grant[] = [...HOME_ADMINS, ...REGULATOR];

/** Patients, their keys and guardians (contract `patient`). */
export interface PatientTransactions {
  /** Registers a pseudonym at the caller's organization, pending activation (home admins). */
  'patient:RegisterPatient': Submit<[registration: PatientRegistration], PatientBinding>;
  /** Binds the patient's first device key, proven by the enrolment code (signed by that key). */
  'patient:ActivatePatient': Submit<
    [action: SignedAction<'patient:ActivatePatient'>],
    PatientBinding
  >;
  /** Binds another device's key (signed by a bound key). */
  'patient:AddDevice': Submit<[action: SignedAction<'patient:AddDevice'>], PatientBinding>;
  /** Stops a device's key (signed by a bound key). */
  'patient:RemoveDevice': Submit<[action: SignedAction<'patient:RemoveDevice'>], PatientBinding>;
  /** Asks for a lost key's replacement, after an in-person check (home admins). */
  'patient:RequestRecovery': Submit<[request: RecoveryRequest], PatientBinding>;
  /** Approves a recovery: every bound key stops at once (the regulator). */
  'patient:ApproveRecovery': Submit<[patientId: string], PatientBinding>;
  /** Proposes a guardian for a period (home admins). */
  'patient:ProposeGuardian': Submit<[proposal: GuardianProposal], PatientBinding>;
  /** Approves a proposed guardian (the regulator). */
  'patient:ApproveGuardian': Submit<[guardian: GuardianRef], PatientBinding>;
  /** Binds an approved guardian's key, proven by their code (signed by that key). */
  'patient:ActivateGuardian': Submit<
    [action: SignedAction<'patient:ActivateGuardian'>],
    PatientBinding
  >;
  /** Ends a guardianship before its time (the regulator). */
  'patient:EndGuardianship': Submit<[guardian: GuardianRef], PatientBinding>;
  /** A binding (the home's admins, the regulator). */
  'patient:GetBinding': Evaluate<[patientId: string], PatientBinding>;
  /** Every change of a binding, oldest first (the home's admins, the regulator). */
  'patient:GetBindingHistory': Evaluate<[patientId: string], readonly BindingVersion[]>;
  /** The erasures done for a patient (the home's admins, the regulator). */
  'patient:QueryErasures': Evaluate<[patientId: string], readonly ErasureReceipt[]>;
  /** Where a pseudonym's data lives (anyone: no data, only the home organization). */
  'patient:LocatePatient': Evaluate<[patientId: string], PatientLocation>;
}

/** Who may call the patient contract's transactions (signed actions: any carrier). */
export const PATIENT_ACCESS: AccessRules<PatientTransactions> = {
  'patient:RegisterPatient': { grants: HOME_ADMINS, scope: 'patients of its own organization' },
  'patient:ActivatePatient': { grants: EVERYONE, scope: 'a valid enrolment code and signature' },
  'patient:AddDevice': { grants: EVERYONE, scope: "a signature by one of the patient's keys" },
  'patient:RemoveDevice': { grants: EVERYONE, scope: "a signature by one of the patient's keys" },
  'patient:RequestRecovery': { grants: HOME_ADMINS, scope: 'patients of its own organization' },
  'patient:ApproveRecovery': { grants: REGULATOR },
  'patient:ProposeGuardian': { grants: HOME_ADMINS, scope: 'patients of its own organization' },
  'patient:ApproveGuardian': { grants: REGULATOR },
  'patient:ActivateGuardian': { grants: EVERYONE, scope: 'a valid guardian code and signature' },
  'patient:EndGuardianship': { grants: REGULATOR },
  'patient:GetBinding': { grants: BINDING_READERS, scope: "the patient's home organization" },
  'patient:GetBindingHistory': {
    grants: BINDING_READERS,
    scope: "the patient's home organization",
  },
  'patient:QueryErasures': { grants: BINDING_READERS, scope: "the patient's home organization" },
  'patient:LocatePatient': { grants: EVERYONE },
};
