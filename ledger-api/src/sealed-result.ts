import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { decodeResult, type ResultOf, type TransactionName } from './catalogue.ts';
import { base64url } from './request.ts';

/**
 * Sealed results (docs/privacy.md): Fabric writes a transaction's return value into the block, on
 * every peer and orderer. A transaction that carries a salt (every submit) therefore returns its
 * result sealed: AES-256-GCM under a key derived from the salt (which only the client and the
 * endorsing peers saw: it travelled as transient data, and the ledger stores only
 * {@link valueSalt}) and an IV derived from the transaction ID, so that every endorser seals to the
 * same bytes. The chaincode seals with node:crypto, clients open with WebCrypto; the derivations are
 * here, once.
 */

const KEY_LABEL = 'consent-ledger/result-key\n';
const IV_LABEL = 'consent-ledger/result-iv\n';
const VALUE_SALT_LABEL = 'consent-ledger/value-salt\n';

/**
 * The salt a transaction stores in its private values (and their index entries), derived one way
 * from the request's salt: whoever reads a stored value (an entitled member, the holder of an
 * evidence bundle) learns this value salt, never the request's salt, and so cannot open the
 * transaction's sealed result, which may concern other patients (a cohort).
 */
export function valueSalt(salt: string): string {
  return base64url(sha256(utf8ToBytes(VALUE_SALT_LABEL + salt)).subarray(0, 16));
}

/** The AES-256 key that seals the result of a transaction with this salt. */
export function resultKey(salt: string): Uint8Array {
  return sha256(utf8ToBytes(KEY_LABEL + salt));
}

/** The 12-byte GCM IV of a transaction's sealed result (unique per transaction ID). */
export function resultIv(txId: string): Uint8Array {
  return sha256(utf8ToBytes(IV_LABEL + txId)).subarray(0, 12);
}

/** What opens a sealed result: the transaction's salt and ID. */
export interface ResultOpening {
  readonly salt: string;
  readonly txId: string;
}

/** A sealed result's bytes, opened (throws when they were not sealed for this salt and transaction). */
export async function openSealed(
  sealed: Uint8Array,
  opening: Readonly<ResultOpening>,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    Uint8Array.from(resultKey(opening.salt)),
    'AES-GCM',
    false,
    ['decrypt'],
  );
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: Uint8Array.from(resultIv(opening.txId)) },
    key,
    Uint8Array.from(sealed),
  );
  return new Uint8Array(plain);
}

/**
 * A sealed result, opened and decoded (ciphertext followed by the 16-byte GCM tag). Throws when
 * the bytes were not sealed for this salt and transaction.
 */
export async function openResult<N extends TransactionName>(
  name: N,
  sealed: Uint8Array,
  opening: Readonly<ResultOpening>,
): Promise<ResultOf<N>> {
  return decodeResult(name, await openSealed(sealed, opening));
}
