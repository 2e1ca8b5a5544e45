import { createHash } from 'node:crypto';
import type { DerivedIdPrefix } from '@consent-ledger/ledger-api';

/**
 * An ID derived from the transaction ID: `prefix-` + the first 24 hex digits of
 * `sha256(txId + ':' + n)`, `n` counting the IDs derived in the transaction from 0. Every endorser
 * derives the same IDs, and two transactions never collide (their txIds differ).
 */
export function deriveId(seed: Readonly<IdSeed>): string {
  return `${seed.prefix}-${sha256Hex(`${seed.txId}:${seed.n}`).slice(0, 24)}`;
}

/** What an ID is derived from. */
export interface IdSeed {
  readonly prefix: DerivedIdPrefix;
  readonly txId: string;
  /** Position of the ID among those derived in the transaction, from 0. */
  readonly n: number;
}

/** SHA-256 of a UTF-8 string, lower-case hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
