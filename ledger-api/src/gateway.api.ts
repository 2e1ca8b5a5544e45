import type { LedgerEventName, LedgerEvents } from './events.ts';
import type {
  BindingVersion,
  ErasureReceipt,
  GuardianRelationship,
  PatientBinding,
} from './patient.api.ts';
import type { PatientActionName, SignedAction } from './signed-action.ts';
import type { RetentionKind } from './audit.api.ts';
import type { ConsentRequestStatus } from './consent-request.api.ts';
import type {
  Category,
  DecisionValue,
  OrganizationType,
  Purpose,
  ReviewOutcome,
  Role,
} from './vocabulary.ts';

/**
 * The gateway's own REST answers that are not about one contract: sign-in, identities and the live
 * event stream (each contract's answers are in its API file). The gateway declares its answers with
 * these types and the web app and scripts read them with the same ones.
 */

/**
 * What POST /auth/login, POST /auth/refresh and the activations answer: a short-lived access token
 * and the refresh token of the session it belongs to.
 */
export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  /** Opaque; exchanged once at POST /auth/refresh for a new pair (it rotates on every use). */
  readonly refreshToken: string;
  /** Seconds until the session ends: no refresh after that, sign in again. */
  readonly refreshExpiresIn: number;
  /**
   * Login only: proof that this device signed in to this account, sent with later logins
   * (`deviceToken`) so that an account locked by someone else's wrong passwords stays open to it.
   */
  readonly deviceToken?: string;
}

/** The sign-in methods a gateway offers (GET /auth/providers). */
export interface SignInProviders {
  /** Username and password (always). */
  readonly local: true;
  /**
   * The organization's identity provider (OpenID Connect), when the gateway trusts one: its name,
   * its issuer, and where the browser starts the sign-in (the gateway's /auth/oidc/login).
   */
  readonly oidc?: { readonly name: string; readonly issuer: string; readonly login: string };
}

/** POST /auth/refresh body. */
export interface RefreshRequest {
  readonly refreshToken: string;
}

/** A user as an organization's admin sees it (GET /identities): no secrets, no patient IDs. */
export interface UserAccountView {
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
  /** When an admin disabled the user; absent while the user may sign in. */
  readonly disabledAt?: string;
  /** Sessions not ended (logged out, revoked or expired). */
  readonly activeSessions: number;
}

/** What ending sessions answers: how many ended. */
export interface SessionsEnded {
  readonly ended: number;
}

/** A user as the API shows it (no secrets): POST /identities and GET /identities/me. */
export interface IdentityView {
  readonly username: string;
  readonly role: Role;
  readonly mspId: string;
  readonly orgType: OrganizationType;
  readonly patientId?: string;
  /** A guardian's own ID (`rp-...`), for a guardian signed in to act for `patientId`. */
  readonly guardianId?: string;
  readonly practitionerId?: string;
  /** The member institution its certificate names (registered in its organization), if any. */
  readonly institution?: string;
  /** The ledger identity's enrollment ID (opaque: no user name); absent for patients and guardians. */
  readonly enrollmentId?: string;
  readonly createdAt: string;
}

/** GET /ledger (open): what a patient's device needs to build a statement for this gateway. */
export interface LedgerInfo {
  readonly channel: string;
  readonly chaincode: string;
  /** This gateway's organization. */
  readonly mspId: string;
  /** The shortest password this gateway accepts for a new account, in characters. */
  readonly passwordMinLength?: number;
}

/** A patient action as the REST API takes it (POST /consents, /patients/me/devices, ...). */
export interface SignedActionRequest<A extends PatientActionName = PatientActionName> {
  readonly action: SignedAction<A>;
}

/** POST /patients (the home organization's admins): registers a patient, pending activation. */
export interface PatientRegistrationRequest {
  /** For a minor: the day of coming of age. */
  readonly adultFrom?: string;
  /**
   * For a minor, instead of `adultFrom`: the birth day, from which the gateway computes
   * `adultFrom` with its configured age (PATIENT_ADULT_AGE). It is used for that alone: never
   * stored, logged or sent to the ledger.
   */
  readonly birthDate?: string;
}

/** What POST /patients and POST /patients/:patientId/recovery answer: the code, shown once. */
export interface EnrolmentAnswer {
  readonly patientId: string;
  /** Hand it over in person; the gateway keeps no copy and the ledger only its salted hash. */
  readonly enrolmentCode: string;
  readonly txId: string;
}

/**
 * POST /patients/activate (no token): the patient's first sign-in. Makes the patient's account at
 * the home gateway (username and password, for sessions only) and binds the device key the statement
 * names; answers an access token.
 */
export interface PatientActivationRequest {
  readonly username: string;
  readonly password: string;
  readonly action: SignedAction<'patient:ActivatePatient'>;
}

/** POST /patients/:patientId/guardians (the home's admins): a guardian proposed for a period. */
export interface GuardianProposalRequest {
  readonly relationship: GuardianRelationship;
  readonly validFrom: string;
  readonly validUntil: string;
}

/** What POST /patients/:patientId/guardians answers: the guardian's ID and code, shown once. */
export interface GuardianEnrolmentAnswer {
  readonly patientId: string;
  readonly guardianId: string;
  readonly enrolmentCode: string;
  readonly txId: string;
}

/** POST /guardians/activate (no token): a guardian's first sign-in, as for a patient. */
export interface GuardianActivationRequest {
  readonly username: string;
  readonly password: string;
  readonly action: SignedAction<'patient:ActivateGuardian'>;
}

/** GET /patients/me (the patient or guardian) and GET /patients/:patientId (home admins, regulator). */
export interface PatientView {
  readonly binding: PatientBinding;
  readonly history: readonly BindingVersion[];
  readonly erasures: readonly ErasureReceipt[];
}

/**
 * What POST /patients/me/devices, POST /patients/me/devices/remove and the regulator's approvals
 * (recovery, guardians) answer: the binding as the transaction left it.
 */
export interface BindingWrite {
  readonly patientId: string;
  readonly txId: string;
  readonly binding: PatientBinding;
}

/** What POST /consents/:id/erase answers: the receipt kept at the patient's home. */
export interface ConsentErasure {
  readonly consentId: string;
  readonly txId: string;
  readonly receipt: ErasureReceipt;
}

/**
 * A staff member to create (POST /identities; the gateway's admins). Never a patient: patients
 * are registered with POST /patients and hold their own keys.
 */
export interface NewIdentity {
  readonly username: string;
  readonly password: string;
  readonly role: Exclude<Role, 'patient'>;
  readonly practitionerId?: string;
  /**
   * A member institution of the organization (registry), written into the certificate as the
   * `institution` attribute; consents naming it then admit this staff member.
   */
  readonly institution?: string;
}

/** The data of one server-sent ledger event of GET /events (its SSE `id` is the resume point). */
export interface LedgerEventMessage<N extends LedgerEventName = LedgerEventName> {
  readonly eventName: N;
  readonly txId: string;
  readonly blockNumber: number;
  readonly payload: LedgerEvents[N];
}

/**
 * The gateway's own error codes, beside the ledger's (LEDGER_ERROR_CODES): every error answer
 * carries one as `code`, which clients (the web app) word for people.
 */
export const GATEWAY_ERROR_CODES = [
  'USER_NOT_FOUND',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'PAYLOAD_TOO_LARGE',
  'LENGTH_REQUIRED',
  'UNSUPPORTED_MEDIA_TYPE',
  'DUPLICATE_KEY',
  'FORBIDDEN_KEY',
  'TOO_MANY_REQUESTS',
  'LEDGER_UNAVAILABLE',
  'LEDGER_REJECTED',
  'NOT_IMPLEMENTED',
  'OIDC_REFUSED',
  'OIDC_ROLE_REFUSED',
  'IDP_UNAVAILABLE',
  'INTERNAL',
] as const;

/** A gateway's own error code. */
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/**
 * What a patient's inbox holds, at the patient's home gateway (GET /inbox): break-glass accesses
 * to the patient's data, consent requests, consents about to end, and erasures done. Items are
 * kept until the patient (or a guardian) reads them.
 */
export const INBOX_ITEM_KINDS = [
  'break-glass',
  'consent-request',
  'consent-expiring',
  'erasure',
] as const;

/** A kind of inbox item. */
export type InboxItemKind = (typeof INBOX_ITEM_KINDS)[number];

/** An inbox item's details, by kind (codes and IDs only: no free text). */
export interface InboxDetails {
  /** An emergency access to the patient's data, and the regulator's review once made. */
  readonly 'break-glass': {
    readonly eventId: string;
    readonly accessorOrg: string;
    readonly purpose: Purpose;
    readonly categories: readonly Category[];
    readonly decision: DecisionValue;
    readonly review?: ReviewOutcome;
  };
  /** A request for consent; its status follows the request (answered, withdrawn, expired). */
  readonly 'consent-request': {
    readonly requestId: string;
    readonly requesterOrg: string;
    readonly status: ConsentRequestStatus;
    readonly consentId?: string;
  };
  /** A consent whose end is near (or passed before the gateway saw it). */
  readonly 'consent-expiring': {
    readonly consentId: string;
    readonly version: number;
    /** `*` for a deny to everyone. */
    readonly granteeOrg: string;
    readonly validUntil: string;
  };
  /** An erasure: of one consent (the patient's request), or of data past its retention period. */
  readonly erasure:
    | { readonly kind: 'consent'; readonly consentId: string }
    | { readonly kind: 'retention'; readonly retentionKind: RetentionKind };
}

/** One item of a patient's inbox. */
export type InboxItem = {
  readonly [K in InboxItemKind]: {
    /** The item's ID at this gateway. */
    readonly itemId: number;
    readonly kind: K;
    readonly patientId: string;
    /** When it happened: the transaction's time, or, for a consent about to end, the warning's. */
    readonly time: string;
    /** The transaction that caused it. */
    readonly txId: string;
    /** When the patient or a guardian read it; absent: unread. */
    readonly readAt?: string;
    readonly details: InboxDetails[K];
  };
}[InboxItemKind];

/** Unread items, in all and by kind. */
export interface InboxCounts {
  readonly unread: number;
  readonly byKind: Readonly<Record<InboxItemKind, number>>;
}

/** GET /inbox: a page of items, newest first, with the unread counts. */
export interface InboxPage {
  readonly items: readonly InboxItem[];
  /** Pass as `bookmark` for the next (older) page; absent on the last page. */
  readonly bookmark?: string;
  readonly counts: InboxCounts;
}

/** POST /inbox/read-all: how many items were marked read, and the counts after. */
export interface InboxReadAll {
  readonly marked: number;
  readonly counts: InboxCounts;
}
