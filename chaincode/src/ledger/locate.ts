import { ledgerError, type LedgerError } from '@consent-ledger/ledger-api';
import { channelCollections, channelMspIds } from './channel';
import { readableCollections } from './guards';
import type { DocumentKeyType, KeyPath, StateValues } from './keys';
import type { LedgerContext } from './ledger-context';
import { hashExists, inCollection, stateIn } from './state';

/** A private document found by its key, and the collection it was read from. */
export interface Located<K extends DocumentKeyType> {
  readonly value: StateValues[K];
  readonly collection: string;
}

/** What {@link locateDocument} looks for. */
export interface LocateOptions<K extends DocumentKeyType> {
  /** The document's key (its ID alone does not say which collection holds it). */
  readonly path: KeyPath<K>;
  /** The refusal when no collection holds it. */
  readonly notFound: () => LedgerError;
  /** How a refusal names it (`consent con-...`). */
  readonly what: string;
}

/**
 * Finds a private document by its key. Which collection holds it is found by the keys' hashes,
 * which every peer has, collection by collection in name order; its value is then read from the
 * first that holds it and that the caller's organization may read (every collection for the
 * regulator). So every endorser reads the same keys, whichever collections its own peer holds,
 * and reads a value only where the transaction's other endorsers hold it too. When only
 * collections the caller may not read hold it, FORBIDDEN; when none does, the not-found refusal.
 * Whether the caller may see what is found is the guards' to say.
 */
export async function locateDocument<K extends DocumentKeyType>(
  ctx: LedgerContext,
  options: Readonly<LocateOptions<K>>,
): Promise<Located<K>> {
  const caller = ctx.member;
  const readable = readableCollections(caller, await channelMspIds(ctx));
  let hidden = false;
  for (const collection of await channelCollections(ctx)) {
    if (!(await hashExists(ctx.stub, { collection: collection, path: options.path }))) continue;
    if (!readable.includes(collection)) {
      hidden = true;
      continue;
    }
    const value = await stateIn(ctx, inCollection(collection)).read(options.path);
    if (value !== undefined) return { value, collection };
  }
  if (hidden) throw ledgerError('FORBIDDEN', `${options.what} is not visible to ${caller.mspId}`);
  throw options.notFound();
}
