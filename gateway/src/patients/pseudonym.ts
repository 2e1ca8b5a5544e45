import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32 in lower case, without padding. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32.charAt((value << (5 - bits)) & 31);
  return out;
}

/** A new random patient pseudonym: `pid-` + 16 lower-case base32 characters (80 random bits). */
export function newPatientId(): string {
  return `pid-${base32(randomBytes(10))}`;
}

/** A new random guardian ID: `rp-` (FHIR RelatedPerson) + 16 lower-case base32 characters. */
export function newGuardianId(): string {
  return `rp-${base32(randomBytes(10))}`;
}
