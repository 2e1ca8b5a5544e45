import { createHash } from 'node:crypto';
import type { DerivedIdPrefix } from '@consent-ledger/ledger-api';

/**
 * An ID derived from the transaction: `prefix-` + the first 24 hex digits of
 * `sha256(txId + ':' + n + ':' + salt)`, `n` counting the IDs derived in the transaction from 0 and
 * `salt` the transaction's random salt (its transient request's). Every endorser derives the same
 * IDs, two transactions never collide (their txIds differ), and an ID cannot be recomputed from
 * the block (the salt never reaches it).
 */
export function deriveId(seed: Readonly<IdSeed>): string {
  return `${seed.prefix}-${sha256Hex(`${seed.txId}:${seed.n}:${seed.salt}`).slice(0, 24)}`;
}

/** What an ID is derived from. */
export interface IdSeed {
  readonly prefix: DerivedIdPrefix;
  readonly txId: string;
  /** Position of the ID among those derived in the transaction, from 0. */
  readonly n: number;
  /** The transaction's salt (base64url). */
  readonly salt: string;
}

/** SHA-256 of a UTF-8 string, lower-case hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
