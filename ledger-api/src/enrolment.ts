import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { EnrolmentCodeHash } from './patient.api.ts';
import { newSalt } from './request.ts';

/**
 * One-time enrolment codes (docs/patient-keys.md): 16 characters of base32 (80 random bits),
 * shown as four groups of four, handed over in person. The ledger keeps only
 * {@link enrolmentCodeHash}: SHA-256 (hex) of the salt's text followed by the code's canonical form.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh code, grouped `XXXX-XXXX-XXXX-XXXX`. */
export function newEnrolmentCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = [...bytes].map((byte) => BASE32[byte % 32] ?? 'A').join('');
  return chars.replace(/(.{4})(?=.)/g, '$1-');
}

/** A code as typed (any case, with or without dashes or spaces) in its canonical form. */
export function canonicalEnrolmentCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/** The salted hash of a code, as the ledger keeps it. */
export function enrolmentCodeHash(code: string, salt: string): string {
  return bytesToHex(sha256(utf8ToBytes(salt + canonicalEnrolmentCode(code))));
}

/** A code's hash with a fresh salt, ready for RegisterPatient, RequestRecovery or ProposeGuardian. */
export function hashEnrolmentCode(code: string): EnrolmentCodeHash {
  const salt = newSalt();
  return { hash: enrolmentCodeHash(code, salt), salt };
}
