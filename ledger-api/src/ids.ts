/**
 * The shapes of the identifiers and values the ledger exchanges, as regular expressions. The
 * chaincode builds its validation on them; the gateway and the web app check the same shapes
 * before anything reaches the ledger.
 */

/** Patient pseudonym: `pid-` + 16 to 32 of lower-case base32. */
export const PATIENT_ID_PATTERN = /^pid-[a-z2-7]{16,32}$/;

/** Practitioner ID: `prac-` + 8 to 32 of `[a-z0-9]`. */
export const PRACTITIONER_ID_PATTERN = /^prac-[a-z0-9]{8,32}$/;

/** A Fabric MSP ID. */
export const MSP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

/** An ID chosen by a client (record, batch, study): 1 to 128 of `[A-Za-z0-9._:-]`, no spaces. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Prefixes of the IDs the ledger derives from transaction IDs. */
export type DerivedIdPrefix = 'con' | 'evt' | 'ref' | 'bat' | 'req';

/** An ID the ledger derived: `prefix-` + 24 hex digits. */
export function derivedIdPattern(prefix: DerivedIdPrefix): RegExp {
  return new RegExp(`^${prefix}-[0-9a-f]{24}$`);
}

/** A consent ID. */
export const CONSENT_ID_PATTERN = derivedIdPattern('con');
/** An access event ID. */
export const EVENT_ID_PATTERN = derivedIdPattern('evt');
/** A referral ID. */
export const REFERRAL_ID_PATTERN = derivedIdPattern('ref');

/** A batch ID: derived by the ledger (`bat-...`) or chosen by its organization. */
export const BATCH_ID_PATTERN = /^(bat-[0-9a-f]{24}|[A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/;

/** A SHA-256 digest, lower-case hex. */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** An ISO 8601 UTC instant with milliseconds, as the ledger stores times. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A calendar day `YYYY-MM-DD`. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A six-digit GB/T 2260 division code, at any level. */
export const REGION_CODE_PATTERN = /^(?!00)\d{6}$/;

/** Whether a string is a real instant in the canonical form (refuses 2026-02-30, 24:00, offsets). */
export function isInstant(value: string): boolean {
  if (!INSTANT_PATTERN.test(value)) return false;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) && new Date(parsed).toISOString() === value;
}

/** Whether a string is a real calendar day `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  return DAY_PATTERN.test(value) && isInstant(`${value}T00:00:00.000Z`);
}
