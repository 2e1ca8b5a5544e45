import stringify from 'json-stringify-deterministic';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * How a transaction's inputs travel: as transient data, which the endorsing peers see and no block
 * records (docs/privacy.md). A proposal has no arguments; its one transient entry
 * {@link TRANSIENT_REQUEST_KEY} is the UTF-8 JSON of a {@link LedgerRequest}: the arguments in
 * the catalogue's order (strings as they are, everything else as JSON text) and, for a submit, a
 * random salt that makes the hashes of what the transaction writes privately unguessable.
 */

/** The transient entry a proposal carries its request in. */
export const TRANSIENT_REQUEST_KEY = 'request';

/** Bytes of randomness in a salt (encoded as base64url). */
export const SALT_BYTES = 16;

/** What a proposal's transient request holds. */
export interface LedgerRequest {
  /** The arguments, one string each: strings as they are, other values as JSON text. */
  readonly args: readonly string[];
  /** Random (at least {@link SALT_BYTES} bytes, base64url), required by every submit. */
  readonly salt?: string;
}

/** A salt shape: 22 to 64 base64url characters (16 to 48 bytes). */
export const SALT_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * The arguments of a call as the chaincode takes them: strings as they are, everything else as
 * JSON (fields that are undefined are left out, as JSON.stringify does).
 */
export function encodeArguments(args: readonly unknown[]): string[] {
  return args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
}

const encoder = new TextEncoder();

/** The transient map of a proposal: its request, encoded. */
export function transientRequest(
  options: Readonly<{ args: readonly unknown[]; salt?: string }>,
): Record<string, Uint8Array> {
  const request: LedgerRequest = {
    args: encodeArguments(options.args),
    ...(options.salt === undefined ? {} : { salt: options.salt }),
  };
  return { [TRANSIENT_REQUEST_KEY]: encoder.encode(JSON.stringify(request)) };
}

/** A fresh salt from the platform's cryptographic random source (WebCrypto). */
export function newSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return base64url(bytes);
}

/** Bytes as base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** base64url (with or without padding) as bytes; throws on other characters. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new RangeError('not base64url');
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/').replace(/=+$/, ''));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * Sorted-key JSON: the one canonical text of a value (json-stringify-deterministic, the library the
 * chaincode stores with), for what is signed and what is hashed.
 */
export function canonicalJson(value: unknown): string {
  return stringify(value, { cycles: true });
}

/** Lower-case hex. */
export function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}
