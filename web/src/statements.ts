import {
  ENROLMENT_CODE_PATTERN,
  PUBLIC_KEY_PATTERN,
  buildStatement,
  keyIdOf,
  type ActionStatement,
  type BoundKey,
  type Consent,
  type ConsentErasurePayload,
  type ConsentInput,
  type ConsentRevocationPayload,
  type GranteeRole,
  type IdentityView,
  type LedgerInfo,
  type NoticeRef,
  type PatientActionName,
  type PatientActions,
  type PatientBinding,
  type PatientKey,
  type Purpose,
  type Category,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import { formatDate, t } from './i18n/i18n.ts';

/**
 * What the patient's pages sign (docs/patient-keys.md), as plain functions: who signs in this
 * session, whether this browser can sign for them, the statement of each action and the payloads
 * built from the pages' forms. The pages show the statement before anything is signed.
 */

/** Who signs in this session: the patient, or a guardian for the patient. */
export interface SessionSigner {
  readonly kind: 'patient' | 'guardian';
  /** The pseudonym, or the guardian's ID. */
  readonly id: string;
  /** The patient spoken for. */
  readonly patientId: string;
}

/** The signer of a signed-in user; undefined for users who sign nothing (staff, regulators). */
export function signerOf(me: IdentityView): SessionSigner | undefined {
  if (me.patientId === undefined) return undefined;
  if (me.guardianId !== undefined)
    return { kind: 'guardian', id: me.guardianId, patientId: me.patientId };
  if (me.role !== 'patient') return undefined;
  return { kind: 'patient', id: me.patientId, patientId: me.patientId };
}

/** Whether this browser can sign for the session's signer now, and if not, why. */
export type SigningStatus =
  | { readonly kind: 'ready'; readonly key: PatientKey }
  /** This browser holds no key for the signer. */
  | { readonly kind: 'no-key' }
  /** This browser holds a key the ledger does not list (yet): it waits to be added. */
  | { readonly kind: 'not-bound'; readonly key: PatientKey }
  /** This browser's key was removed or replaced. */
  | { readonly kind: 'key-revoked'; readonly key: PatientKey; readonly revokedAt: string }
  /** The signer may not sign now (a minor, a guardian outside their period, not activated). */
  | { readonly kind: 'not-allowed'; readonly reason: string };

const before = (a: string, b: Date): boolean => Date.parse(a) <= b.getTime();

/** The keys the ledger binds to a signer (a guardian's own, or the patient's). */
export function keysOf(binding: PatientBinding, signer: SessionSigner): readonly BoundKey[] {
  if (signer.kind === 'patient') return binding.keys;
  return binding.guardians.find((guardian) => guardian.guardianId === signer.id)?.keys ?? [];
}

/** Whether `key` (this browser's, if any) can sign for `signer` at `now`, by the binding. */
export function signingStatus(
  options: Readonly<{
    binding: PatientBinding;
    signer: SessionSigner;
    key: PatientKey | undefined;
    now: Date;
  }>,
): SigningStatus {
  const { binding, signer, key, now } = options;
  if (signer.kind === 'patient') {
    if (binding.status === 'pending')
      return {
        kind: 'not-allowed',
        reason: t('signing.pending'),
      };
    if (binding.adultFrom !== undefined && !adultNow(binding, now))
      return {
        kind: 'not-allowed',
        reason: t('signing.minor', { date: formatDate(`${binding.adultFrom}T12:00:00`) }),
      };
  } else {
    const guardian = binding.guardians.find((item) => item.guardianId === signer.id);
    if (guardian?.status !== 'active')
      return {
        kind: 'not-allowed',
        reason: t('signing.guardianship', {
          status:
            guardian === undefined
              ? t('signing.unknownStatus')
              : t(`guardianStatus.${guardian.status}`),
        }),
      };
    // A guardian signs from validFrom until validUntil, and never once a minor came of age.
    const ended = before(guardian.validUntil, now) || adultNow(binding, now);
    if (!before(guardian.validFrom, now) || ended)
      return {
        kind: 'not-allowed',
        reason: t('signing.outsidePeriod'),
      };
  }
  if (key === undefined) return { kind: 'no-key' };
  const bound = keysOf(binding, signer).find((item) => item.keyId === key.keyId);
  if (bound === undefined) return { kind: 'not-bound', key };
  if (bound.revokedAt !== undefined)
    return { kind: 'key-revoked', key, revokedAt: bound.revokedAt };
  return { kind: 'ready', key };
}

/** Whether a minor's binding has come of age at `now` (never true without `adultFrom`). */
function adultNow(binding: PatientBinding, now: Date): boolean {
  return binding.adultFrom !== undefined && before(binding.adultFrom, now);
}

/** A statement of an action by the session's signer with this browser's key, valid 10 minutes. */
export function statementFor<A extends PatientActionName>(
  options: Readonly<{
    ledger: LedgerInfo;
    signer: SessionSigner;
    key: Pick<PatientKey, 'keyId'>;
    action: A;
    payload: PatientActions[A];
    now: Date;
  }>,
): ActionStatement<A> {
  return buildStatement({
    action: options.action,
    channel: options.ledger.channel,
    chaincode: options.ledger.chaincode,
    patientId: options.signer.patientId,
    signer: { kind: options.signer.kind, id: options.signer.id, keyId: options.key.keyId },
    payload: options.payload,
    now: options.now,
    ttlMillis: 10 * 60_000,
  });
}

/** Whether a statement is (nearly) expired at `now`: it must be renewed before it is signed. */
export function isStale(statement: ActionStatement, now: Date): boolean {
  return Date.parse(statement.expiresAt) - 30_000 <= now.getTime();
}

/** The grant form's fields, as the page holds them (dates as `YYYY-MM-DD`, empty when unset). */
export interface GrantForm {
  readonly org: string;
  readonly role: string;
  /** A member institution of the organization; every one of them when absent or empty. */
  readonly institution?: string;
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  /** Sensitive data named for this consent (sensitivity labels); none when empty. */
  readonly sensitive: readonly string[];
  /** Whether the patient ticked the separate agreement to sensitive data (PIPL art. 29). */
  readonly sensitiveAgreed: boolean;
  readonly from: string;
  readonly until: string;
  /** The notice shown (the home's latest standard notice); undefined until it is loaded. */
  readonly notice?: NoticeRef;
  /** Whether the patient ticked having read it. */
  readonly noticeRead: boolean;
}

/** What is missing or wrong in the grant form (the view words each in the chosen language). */
export type GrantProblem =
  'org' | 'purposes' | 'categories' | 'genomic' | 'sensitiveAgreed' | 'dates' | 'notice';

/** What is missing or wrong in the grant form, in words (empty when it can be signed). */
export function grantProblems(form: GrantForm): GrantProblem[] {
  const problems: (GrantProblem | undefined)[] = [
    form.org === '' ? 'org' : undefined,
    form.purposes.length === 0 ? 'purposes' : undefined,
    form.categories.length === 0 ? 'categories' : undefined,
    // Genomic data is genetic data throughout: without that label named, it would open nothing.
    form.categories.includes('genomic') && !form.sensitive.includes('GDIS') ? 'genomic' : undefined,
    form.sensitive.length > 0 && !form.sensitiveAgreed ? 'sensitiveAgreed' : undefined,
    form.from !== '' && form.until !== '' && form.until <= form.from ? 'dates' : undefined,
    form.notice === undefined || !form.noticeRead ? 'notice' : undefined,
  ];
  return problems.filter((problem) => problem !== undefined);
}

/** A date input's value (YYYY-MM-DD, the browser's zone) one year after `now` (a
 * 29 February gives 1 March): the grant form's default end date. */
export function oneYearFrom(now: Date): string {
  const next = new Date(now.getFullYear() + 1, now.getMonth(), now.getDate());
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${String(next.getFullYear())}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}`;
}

/** The consent's terms from the grant form (GrantConsent's payload); dates in the browser's zone. */
export function consentInputOf(form: GrantForm): ConsentInput {
  return {
    grantee: {
      org: form.org,
      ...(form.role === '' ? {} : { role: form.role as GranteeRole }),
      ...(form.institution === undefined || form.institution === ''
        ? {}
        : { institution: form.institution }),
    },
    purposes: form.purposes as readonly Purpose[],
    categories: form.categories as readonly Category[],
    ...(form.sensitive.length === 0
      ? {}
      : { sensitive: [...form.sensitive].sort() as readonly SensitivityLabel[] }),
    ...(form.from === '' ? {} : { validFrom: new Date(`${form.from}T00:00:00`).toISOString() }),
    ...(form.until === '' ? {} : { validUntil: new Date(`${form.until}T23:59:59`).toISOString() }),
    ...(form.notice === undefined ? {} : { notice: form.notice }),
  };
}

/** RevokeConsent's payload: the consent at the version the patient sees. */
export function revocationOf(consent: Consent): ConsentRevocationPayload {
  return { consentId: consent.consentId, expectedVersion: consent.version };
}

/** EraseConsent's payload. */
export function erasureOf(consent: Consent): ConsentErasurePayload {
  return { consentId: consent.consentId };
}

/** Whether a consent's details may be erased: only once it allows nothing (revoked or expired). */
export function canErase(consent: Consent): boolean {
  return consent.status === 'revoked' || consent.status === 'expired';
}

/**
 * An enrolment code as typed (any case, spaces or dashes anywhere) in the form the hospital
 * printed, `XXXX-XXXX-XXXX-XXXX`; undefined when it is not 16 characters of base32.
 */
export function normalizeEnrolmentCode(typed: string): string | undefined {
  const plain = typed.replace(/[\s-]/g, '').toUpperCase();
  const grouped = plain.replace(/(.{4})(?=.)/g, '$1-');
  return plain.length === 16 && ENROLMENT_CODE_PATTERN.test(grouped) ? grouped : undefined;
}

/**
 * A public key pasted from another device (spaces and line breaks dropped), with its key ID;
 * undefined when it is not an ECDSA P-256 public key as this app shows one.
 */
export function pastedPublicKey(
  text: string,
): { readonly publicKey: string; readonly keyId: string } | undefined {
  const publicKey = text.replace(/\s+/g, '');
  if (!PUBLIC_KEY_PATTERN.test(publicKey)) return undefined;
  try {
    return { publicKey, keyId: keyIdOf(publicKey) };
  } catch {
    return undefined;
  }
}

/** Why this browser cannot sign, in words (for every status but `ready`). */
export function cannotSign(status: Exclude<SigningStatus, { kind: 'ready' }>): string {
  switch (status.kind) {
    case 'no-key':
      return t('signing.noKey');
    case 'not-bound':
      return t('signing.notBound');
    case 'key-revoked':
      return t('signing.keyRevoked');
    case 'not-allowed':
      return status.reason;
  }
}
