/**
 * Read-your-writes across organizations, the client's part (the gateway's is its
 * ledger/ledger-position.ts). A gateway names in `Ledger-Block` the block a request's writes were
 * committed in; a request that sends `Ledger-Min-Block` is answered once that gateway's own peer has
 * the block. A client that moves between organizations' gateways faster than a block travels between
 * their peers (a test, a scripted story) carries its last block from one to the next.
 */

/** The answer header naming the block a request's writes were committed in. */
export const LEDGER_BLOCK_HEADER = 'Ledger-Block';

/** The request header asking for an answer from a peer that has committed a block. */
export const LEDGER_MIN_BLOCK_HEADER = 'Ledger-Min-Block';

/** A block number as the headers carry it: decimal, no sign, at most 19 digits (uint64). */
export const BLOCK_NUMBER_PATTERN = /^(0|[1-9][0-9]{0,18})$/;

/** Carries the highest block a client's writes were committed in to its next requests. */
export interface LedgerBlockTracker {
  /** Notes an answer's `Ledger-Block`, if it has one (a malformed value is ignored). */
  note(headers: Readonly<Pick<Headers, 'get'>>): void;
  /** Adds `Ledger-Min-Block` to a request's headers, unless it has none to send or one is set. */
  stamp(headers: Record<string, string>): void;
  /** The highest block noted, if any. */
  readonly lastBlock: bigint | undefined;
}

class HighestBlockTracker implements LedgerBlockTracker {
  #last: bigint | undefined;

  get lastBlock(): bigint | undefined {
    return this.#last;
  }

  note(headers: Readonly<Pick<Headers, 'get'>>): void {
    const value = headers.get(LEDGER_BLOCK_HEADER);
    if (value === null || !BLOCK_NUMBER_PATTERN.test(value)) return;
    const block = BigInt(value);
    if (this.#last === undefined || block > this.#last) this.#last = block;
  }

  stamp(headers: Record<string, string>): void {
    if (this.#last === undefined) return;
    const name = LEDGER_MIN_BLOCK_HEADER.toLowerCase();
    if (Object.keys(headers).some((each) => each.toLowerCase() === name)) return;
    headers[name] = this.#last.toString();
  }
}

/** A tracker with no block yet. */
export function createLedgerBlockTracker(): LedgerBlockTracker {
  return new HighestBlockTracker();
}
