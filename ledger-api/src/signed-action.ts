import { sha256 } from '@noble/hashes/sha2.js';
import { base64url, canonicalJson, fromBase64url } from './request.ts';
import type { ConsentInput } from './consent.api.ts';
import type { RequestApprovalPayload, RequestDeclinePayload } from './consent-request.api.ts';

/**
 * Patient actions as signed statements (docs/patient-keys.md): every action of a patient, or of
 * their guardian, is a statement naming the channel, the chaincode, the patient, the action and a
 * nonce, valid for a few minutes, signed with a key bound to the patient on the ledger. The
 * statement is its canonical (sorted-key) JSON text; the signature is ECDSA P-256 over SHA-256 of
 * that text's UTF-8 bytes, in IEEE P1363 form (r ‖ s), as WebCrypto produces it. Statements
 * travel as transient data: neither the signature nor the public key reaches a block.
 */

/** The statement format this code writes and the chaincode reads. */
export const STATEMENT_VERSION = 1;

/** Longest validity of a statement: from issuedAt to expiresAt. */
export const MAX_STATEMENT_MILLIS = 10 * 60_000;

/** Clock skew the chaincode tolerates between a device and the transaction time. */
export const STATEMENT_CLOCK_SKEW_MILLIS = 5 * 60_000;

/** Who signed: the patient, or a guardian bound to the patient. */
export interface ActionSigner {
  readonly kind: 'patient' | 'guardian';
  /** The patient's pseudonym, or the guardian's ID (`rp-...`). */
  readonly id: string;
  /** The signing key's ID ({@link keyIdOf}). */
  readonly keyId: string;
}

/** Who wrote something on a patient's behalf, as records keep it (no key ID). */
export interface SignedBy {
  readonly kind: ActionSigner['kind'];
  readonly id: string;
}

/** Payload of patient:ActivatePatient: the new device's key and the enrolment code. */
export interface ActivationPayload {
  /** SPKI DER of the ECDSA P-256 public key, base64url. */
  readonly publicKey: string;
  /** The one-time code handed over in person (never stored; its salted hash is). */
  readonly enrolmentCode: string;
}

/** Payload of patient:ActivateGuardian: the guardian's key and their one-time code. */
export interface GuardianActivationPayload extends ActivationPayload {
  readonly guardianId: string;
}

/** Payload of patient:AddDevice. */
export interface DevicePayload {
  /** SPKI DER of the new device's ECDSA P-256 public key, base64url. */
  readonly publicKey: string;
}

/** Payload of patient:RemoveDevice. */
export interface DeviceRemovalPayload {
  readonly keyId: string;
}

/** Payload of consent:UpdateConsent: the new terms of a consent and the version they replace. */
export interface ConsentUpdatePayload extends ConsentInput {
  readonly consentId: string;
  readonly expectedVersion: number;
}

/** Payload of consent:RevokeConsent. */
export interface ConsentRevocationPayload {
  readonly consentId: string;
  /** The version being revoked: an old statement cannot revoke a newer version. */
  readonly expectedVersion: number;
}

/** Payload of consent:EraseConsent (a revoked consent's details). */
export interface ConsentErasurePayload {
  readonly consentId: string;
}

/** Every action a patient (or guardian) signs, with its payload. */
export interface PatientActions {
  'consent:GrantConsent': ConsentInput;
  'consent:UpdateConsent': ConsentUpdatePayload;
  'consent:RevokeConsent': ConsentRevocationPayload;
  'consent:EraseConsent': ConsentErasurePayload;
  'patient:ActivatePatient': ActivationPayload;
  'patient:AddDevice': DevicePayload;
  'patient:RemoveDevice': DeviceRemovalPayload;
  'patient:ActivateGuardian': GuardianActivationPayload;
  'request:ApproveRequest': RequestApprovalPayload;
  'request:DeclineRequest': RequestDeclinePayload;
}

/** The name of an action a patient signs. */
export type PatientActionName = keyof PatientActions;

/** Every patient action name, sorted. */
export const PATIENT_ACTION_NAMES = [
  'consent:EraseConsent',
  'consent:GrantConsent',
  'consent:RevokeConsent',
  'consent:UpdateConsent',
  'patient:ActivateGuardian',
  'patient:ActivatePatient',
  'patient:AddDevice',
  'patient:RemoveDevice',
  'request:ApproveRequest',
  'request:DeclineRequest',
] as const satisfies readonly PatientActionName[];

/** What a patient signs. */
export interface ActionStatement<A extends PatientActionName = PatientActionName> {
  readonly version: typeof STATEMENT_VERSION;
  readonly action: A;
  readonly channel: string;
  readonly chaincode: string;
  readonly patientId: string;
  readonly signer: ActionSigner;
  /** 16 random bytes, base64url: a statement is used once. */
  readonly nonce: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly payload: PatientActions[A];
}

/**
 * A signed statement as it travels (the argument of every patient action). `statement` is the
 * canonical JSON text exactly as signed; the chaincode refuses one that is not canonical.
 */
export interface SignedAction<A extends PatientActionName = PatientActionName> {
  readonly statement: string;
  /** ECDSA P-256 / SHA-256 signature of the statement's UTF-8 bytes, P1363 (r ‖ s), base64url. */
  readonly signature: string;
  /** Phantom: the action the statement names (never on the wire). */
  readonly __action?: A;
}

/** The ID of a public key: base64url of the first 16 bytes of SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: string): string {
  return base64url(sha256(fromBase64url(publicKey)).subarray(0, 16));
}

/** What {@link buildStatement} needs. */
export interface StatementOptions<A extends PatientActionName> {
  readonly action: A;
  readonly channel: string;
  readonly chaincode: string;
  readonly patientId: string;
  readonly signer: ActionSigner;
  readonly payload: PatientActions[A];
  /** Now (issuedAt); the device's clock. */
  readonly now: Date;
  /** Validity in milliseconds (at most {@link MAX_STATEMENT_MILLIS}; 5 minutes by default). */
  readonly ttlMillis?: number;
  /** 16 random bytes, base64url; a fresh one by default. */
  readonly nonce?: string;
}

/** A statement, ready to show to its signer and to sign. */
export function buildStatement<A extends PatientActionName>(
  options: Readonly<StatementOptions<A>>,
): ActionStatement<A> {
  const ttl = Math.min(options.ttlMillis ?? 5 * 60_000, MAX_STATEMENT_MILLIS);
  return {
    version: STATEMENT_VERSION,
    action: options.action,
    channel: options.channel,
    chaincode: options.chaincode,
    patientId: options.patientId,
    signer: options.signer,
    nonce: options.nonce ?? base64url(crypto.getRandomValues(new Uint8Array(16))),
    issuedAt: options.now.toISOString(),
    expiresAt: new Date(options.now.getTime() + ttl).toISOString(),
    payload: options.payload,
  };
}

/** The exact text that is signed: the statement's canonical JSON. */
export function statementText(statement: ActionStatement): string {
  return canonicalJson(statement);
}
