import type { KeyPath } from './keys';
import type { RequestContext } from './ledger-context';
import { inCollection, stateIn } from './state';

/**
 * Set documents (keys.ts `con~set`, `ref~set`): for a patient and an organization, the IDs of what
 * that organization's decisions about the patient must read, kept in the collection the decisions
 * read. Fabric refuses a transaction that writes after a range query of private data (and the
 * reverse), so a submit transaction never scans an index: it reads one set document by its key,
 * then the documents it names, all point reads. The transactions that create, end or erase what a
 * set names keep it (see each key type in keys.ts); evaluate transactions still scan indexes.
 *
 * A set holds IDs only: a set document is rewritten, not purged, when an item leaves it, so its
 * earlier values stay in the members' private data stores; an ID is what an erasure receipt keeps
 * too, while an item's details leave with the item. An empty set is deleted (purged when an
 * erasure empties it).
 */

/** The value of a set document. */
export interface IdSet {
  readonly patientId: string;
  /** The organization whose decisions read the set (the accessor, the receiving hospital). */
  readonly org: string;
  /** Sorted, unique. */
  readonly ids: readonly string[];
  /** The transaction that wrote this value. */
  readonly txId: string;
  /** Random: makes the hash of the stored value unguessable. */
  readonly salt: string;
}

/** The key types of set documents. */
export type IdSetType = 'consentSet' | 'referralSet' | 'requestSet';

/** Which set document: its type, collection, patient and organization. */
export interface IdSetKey {
  readonly type: IdSetType;
  readonly collection: string;
  readonly patientId: string;
  readonly org: string;
}

/** A change of a set document: IDs added and removed (removals win). */
export interface IdSetChange extends IdSetKey {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  /** An erasure: an emptied set is purged (its earlier values leave the peers), not deleted. */
  readonly erase?: boolean;
}

/** The IDs of a set document (none when it does not exist): one point read. */
export async function readIdSet(
  ctx: RequestContext,
  key: Readonly<IdSetKey>,
): Promise<readonly string[]> {
  const set = await stateIn(ctx, inCollection(key.collection)).read([
    key.type,
    key.patientId,
    key.org,
  ]);
  return set?.ids ?? [];
}

/**
 * Applies a change to a set document: reads it (committed state: a transaction must change each
 * set once, with every ID it adds or removes), writes it when its IDs change, deletes it when it
 * becomes empty.
 */
export async function changeIdSet(
  ctx: RequestContext,
  change: Readonly<IdSetChange>,
): Promise<void> {
  const state = stateIn(ctx, inCollection(change.collection));
  const path: KeyPath<IdSetType> = [change.type, change.patientId, change.org];
  const before = (await state.read(path))?.ids ?? [];
  const removed = new Set(change.remove ?? []);
  const ids = [...new Set([...before, ...(change.add ?? [])])]
    .filter((id) => !removed.has(id))
    .sort();
  if (ids.length === before.length && ids.every((id, i) => id === before[i])) return;
  if (ids.length > 0) {
    const value: IdSet = {
      patientId: change.patientId,
      org: change.org,
      ids,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await state.write({ key: path, value });
  } else if (change.erase === true) {
    await state.purge(path);
  } else {
    await state.delete(path);
  }
}

/** Groups changes by set document, so that each is applied once (see {@link changeIdSet}). */
export function mergeChanges(changes: readonly IdSetChange[]): IdSetChange[] {
  const merged = new Map<string, IdSetChange>();
  for (const change of changes) {
    const id = [change.type, change.collection, change.patientId, change.org].join('\u0000');
    const known = merged.get(id);
    merged.set(
      id,
      known === undefined
        ? change
        : {
            ...known,
            add: [...(known.add ?? []), ...(change.add ?? [])],
            remove: [...(known.remove ?? []), ...(change.remove ?? [])],
            erase: known.erase === true || change.erase === true,
          },
    );
  }
  return [...merged.values()];
}

/** Applies changes, each set document once, in a fixed order (every endorser writes alike). */
export async function applyIdSetChanges(
  ctx: RequestContext,
  changes: readonly IdSetChange[],
): Promise<void> {
  const ordered = mergeChanges(changes).sort((a, b) =>
    [a.collection, a.type, a.patientId, a.org].join('\u0000') <
    [b.collection, b.type, b.patientId, b.org].join('\u0000')
      ? -1
      : 1,
  );
  for (const change of ordered) await changeIdSet(ctx, change);
}
