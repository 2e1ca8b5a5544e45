import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  canonicalJson,
  collectionMembers,
  fromBase64url,
  GUARDIAN_ID_PATTERN,
  keyIdOf,
  ledgerError,
  MAX_STATEMENT_MILLIS,
  orgCollection,
  PATIENT_ACTION_NAMES,
  STATEMENT_CLOCK_SKEW_MILLIS,
  STATEMENT_VERSION,
  type BoundKey,
  type PatientActionName,
  type PatientBinding,
  type SignedBy,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { channelMspIds } from '../ledger/channel';
import { requireMemberOf } from '../ledger/guards';
import type { LedgerContext } from '../ledger/ledger-context';
import { invokedChaincodeName } from '../ledger/proposal';
import { inCollection, stateIn } from '../ledger/state';
import { addMillis, dayStart } from '../ledger/time';
import { instantSchema, parseJsonArgument, patientIdSchema, validate } from '../ledger/validation';
import { readBinding, requireHome } from './binding-store';

/**
 * Patient actions as signed statements (docs/patient-keys.md), checked on every endorsing peer
 * whoever carries them: the statement must be the canonical JSON text that was signed, name this
 * action, channel, chaincode and patient, lie within its validity (with the clock skew allowed),
 * be signed by a key the patient's binding lists as active (or by a guardian's key during the
 * guardianship), and carry a nonce never used before in the collection the action writes to.
 * Every refusal is FORBIDDEN (CONFLICT for a reused nonce) and nothing is written. Signatures are
 * ECDSA P-256 over SHA-256 in IEEE P1363 form, verified with node:crypto (deterministic).
 */

/** Largest statement text accepted (a consent's terms fit many times over). */
export const MAX_STATEMENT_BYTES = 32 * 1024;

const signedActionSchema = z.strictObject({
  statement: z.string().max(MAX_STATEMENT_BYTES),
  signature: z
    .string()
    .regex(/^[A-Za-z0-9_-]{86}$/, 'must be a 64-byte P1363 signature, base64url'),
});

const BASE64URL_16 = /^[A-Za-z0-9_-]{22}$/;

const envelopeSchema = z.strictObject({
  version: z.literal(STATEMENT_VERSION),
  action: z.enum(PATIENT_ACTION_NAMES),
  channel: z.string().min(1).max(250),
  chaincode: z.string().min(1).max(250),
  patientId: patientIdSchema,
  signer: z.strictObject({
    kind: z.enum(['patient', 'guardian']),
    id: z.union([patientIdSchema, z.string().regex(GUARDIAN_ID_PATTERN)]),
    keyId: z.string().regex(BASE64URL_16, 'must be a key ID (16 bytes, base64url)'),
  }),
  nonce: z.string().regex(BASE64URL_16, 'must be 16 random bytes, base64url'),
  issuedAt: instantSchema,
  expiresAt: instantSchema,
  payload: z.unknown(),
});

/** A statement's envelope, checked; its payload checked by the action's own schema. */
export type Envelope = z.output<typeof envelopeSchema>;

/** What a transaction asks of {@link verifyAction}. */
export interface ActionCheck<P> {
  /** The action the transaction is. */
  readonly action: PatientActionName;
  /** The SignedAction argument (JSON text). */
  readonly json: string;
  /** Checks and normalizes the payload (INVALID_ARGUMENT naming its fields). */
  readonly payload: (value: unknown) => P;
  /**
   * For the activations: the key that signs is the payload's own (bound by this very action),
   * not one the binding lists. Returns that key (SPKI DER, base64url).
   */
  readonly keyFromPayload?: (payload: P) => string;
}

/** A statement that passed every check but the nonce (see {@link VerifiedAction.useNonce}). */
export interface VerifiedAction<P> {
  readonly envelope: Envelope;
  readonly payload: P;
  readonly patientId: string;
  readonly home: string;
  readonly binding: PatientBinding;
  /** Who signed, as records keep it. */
  readonly signedBy: SignedBy;
  /** Refuses a used nonce (CONFLICT) and records it in the collection the action writes. */
  useNonce(collection: string): Promise<void>;
}

function forbidden(text: string): never {
  throw ledgerError('FORBIDDEN', `signed action refused: ${text}`);
}

/** The statement's text parsed, refused unless it is exactly its canonical JSON. */
function canonicalStatement(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    forbidden('the statement is not JSON');
  }
  if (canonicalJson(parsed) !== text) forbidden('the statement is not canonical JSON');
  return parsed;
}

/** An ECDSA P-256 public key from SPKI DER (base64url); undefined when it is not one. */
export function p256Key(spki: string): KeyObject | undefined {
  try {
    const key = createPublicKey({
      key: Buffer.from(fromBase64url(spki)),
      format: 'der',
      type: 'spki',
    });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      ? key
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a signature (P1363, base64url) over a text verifies with a key (SPKI, base64url). */
export function signatureValid(
  signed: Readonly<{ text: string; signature: string; publicKey: string }>,
): boolean {
  const key = p256Key(signed.publicKey);
  if (key === undefined) return false;
  return verify(
    'sha256',
    Buffer.from(signed.text, 'utf8'),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(fromBase64url(signed.signature)),
  );
}

/** An active key of a list by ID (not revoked). */
function activeKey(keys: readonly BoundKey[], keyId: string): BoundKey | undefined {
  return keys.find((key) => key.keyId === keyId && key.revokedAt === undefined);
}

/** Whether a minor's binding still needs a guardian at an instant. */
export function isMinorAt(binding: PatientBinding, instant: string): boolean {
  return binding.adultFrom !== undefined && instant < dayStart(binding.adultFrom);
}

/** The key that must have signed, by the binding, or a refusal saying why none may. */
function signingKey(
  signed: Readonly<{ binding: PatientBinding; envelope: Envelope; now: string }>,
): string {
  const { binding, envelope, now } = signed;
  const { signer } = envelope;
  if (signer.kind === 'patient') {
    if (signer.id !== envelope.patientId) forbidden('the signer is another patient');
    if (binding.status === 'pending') forbidden('the patient has no active key yet');
    if (isMinorAt(binding, now)) forbidden('a minor cannot sign alone: a guardian signs');
    const key = activeKey(binding.keys, signer.keyId);
    if (key === undefined) forbidden('the key is not bound to the patient, or no longer');
    return key.publicKey;
  }
  const guardianship = binding.guardians.find((each) => each.guardianId === signer.id);
  if (guardianship?.status !== 'active') forbidden('the signer is not an active guardian');
  if (now < guardianship.validFrom) forbidden("the guardianship's period has not begun");
  if (now >= guardianship.validUntil) forbidden("the guardianship's period is over");
  if (binding.adultFrom !== undefined && now >= dayStart(binding.adultFrom)) {
    forbidden('the patient is of age: a guardian no longer signs');
  }
  const key = activeKey(guardianship.keys, signer.keyId);
  if (key === undefined) forbidden('the key is not bound to the guardian, or no longer');
  return key.publicKey;
}

/** A signed action's statement, parsed: its signature and checked envelope. */
export interface ParsedStatement {
  /** The statement text as signed. */
  readonly text: string;
  readonly signature: string;
  readonly envelope: Envelope;
}

/**
 * Parses a SignedAction argument: its shape (INVALID_ARGUMENT), its statement's canonical form
 * (FORBIDDEN otherwise: what was signed must be exactly what is read) and its envelope's fields
 * (INVALID_ARGUMENT naming them). The payload is left to the action's own schema.
 */
export function parseStatement(json: string): ParsedStatement {
  const signed = parseJsonArgument(signedActionSchema, { json, what: 'action' });
  const envelope = validate(envelopeSchema, {
    value: canonicalStatement(signed.statement),
    what: 'action.statement',
  });
  return { text: signed.statement, signature: signed.signature, envelope };
}

/**
 * Checks a signed action (see the module comment) but its nonce: the caller knows the collection
 * the action writes to and calls {@link VerifiedAction.useNonce} with it.
 */
export async function verifyAction<P>(
  ctx: LedgerContext,
  check: Readonly<ActionCheck<P>>,
): Promise<VerifiedAction<P>> {
  const { text, signature, envelope } = parseStatement(check.json);
  const now = ctx.txTime;
  if (envelope.action !== check.action) forbidden(`the statement is for ${envelope.action}`);
  if (envelope.channel !== ctx.stub.getChannelID())
    forbidden('the statement is for another channel');
  if (envelope.chaincode !== invokedChaincodeName(ctx.stub)) {
    forbidden('the statement is for another chaincode');
  }
  if (envelope.expiresAt <= envelope.issuedAt)
    forbidden('the statement expires before it is issued');
  if (Date.parse(envelope.expiresAt) - Date.parse(envelope.issuedAt) > MAX_STATEMENT_MILLIS) {
    forbidden('the statement is valid for too long');
  }
  if (now < addMillis(envelope.issuedAt, -STATEMENT_CLOCK_SKEW_MILLIS)) {
    forbidden('the statement is not issued yet');
  }
  if (now >= addMillis(envelope.expiresAt, STATEMENT_CLOCK_SKEW_MILLIS)) {
    forbidden('the statement has expired');
  }
  const payload = check.payload(envelope.payload);
  const patientId = envelope.patientId;
  const home = await requireHome(ctx, patientId);
  const homeCollection = orgCollection(home);
  requireMemberOf(ctx.member, {
    collection: homeCollection,
    members: collectionMembers(homeCollection, await channelMspIds(ctx)),
  });
  const binding = await readBinding(ctx, { home, patientId });
  let publicKey: string;
  if (check.keyFromPayload === undefined) {
    publicKey = signingKey({ binding, envelope, now });
  } else {
    publicKey = check.keyFromPayload(payload);
    if (keyIdOf(publicKey) !== envelope.signer.keyId)
      forbidden("the signer's key ID is not the payload key's");
    if (p256Key(publicKey) === undefined) {
      throw ledgerError(
        'INVALID_ARGUMENT',
        'action.statement.payload.publicKey: not an ECDSA P-256 public key',
      );
    }
  }
  if (!signatureValid({ text, signature, publicKey })) {
    forbidden('the signature does not verify');
  }
  return {
    envelope,
    payload,
    patientId,
    home,
    binding,
    signedBy: { kind: envelope.signer.kind, id: envelope.signer.id },
    async useNonce(collection: string): Promise<void> {
      const state = stateIn(ctx, inCollection(collection));
      if (await state.has(['nonce', envelope.nonce])) {
        throw ledgerError(
          'CONFLICT',
          'signed action refused: its nonce was used before (a replay)',
        );
      }
      await state.index(['nonce', envelope.nonce]);
    },
  };
}
