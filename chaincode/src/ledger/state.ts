import type { ChaincodeStub, Iterators } from 'fabric-shim-api';
import {
  INDEX_VALUE,
  KEY_SPACES,
  KEY_TYPES,
  stateKey,
  type DocumentKeyType,
  type IndexKeyType,
  type KeyPath,
  type KeyTypeName,
  type StateValues,
} from './keys';
import { marshal, unmarshal } from './marshal';

/**
 * Typed access to the ledger's state, where every read and write names its space: the public world
 * state ({@link PUBLIC_STATE}) or a private data collection ({@link inCollection}). Documents go
 * through marshal()/unmarshal() with the value type keys.ts declares for their key type; index
 * entries carry `0x00` in public state and the transaction's salt in a collection. A key type used
 * in the wrong kind of space (keys.ts, KEY_SPACES) is a programming error and throws. Reads see
 * committed state only (as on a peer), never this transaction's own writes.
 */

/** The public world state. */
export const PUBLIC_STATE = 'public';

/** A private data collection, by name. */
export interface CollectionSpace {
  readonly collection: string;
}

/** Where a read or write goes. */
export type Space = typeof PUBLIC_STATE | CollectionSpace;

/** The space of a collection. */
export function inCollection(collection: string): CollectionSpace {
  return { collection };
}

/** What the state layer works with: the stub, and the transaction's salt for private indexes. */
export interface StateAccess {
  readonly stub: ChaincodeStub;
  /** The transaction's salt (the value of private index entries; read only when one is written). */
  readonly saltBytes: Uint8Array;
}

function checkSpace(type: KeyTypeName, space: Space): void {
  const wanted = KEY_SPACES[type];
  const actual = space === PUBLIC_STATE ? 'public' : 'private';
  if (wanted !== actual) {
    throw new Error(`key type ${KEY_TYPES[type]} lives in ${wanted} state, not ${actual}`);
  }
}

/** The collection name of a space, or undefined for public state. */
export function collectionOf(space: Space): string | undefined {
  return space === PUBLIC_STATE ? undefined : space.collection;
}

/**
 * The document stored under a key of a type. State is only written by this chaincode, through
 * {@link SpaceState.write} with the same type, so the decoded value is trusted to have it.
 */
export function decodeDocument<K extends DocumentKeyType>(
  _type: K,
  bytes: Uint8Array,
): StateValues[K] {
  return unmarshal(bytes) as StateValues[K];
}

/** A document to write: its key and its value. */
export interface DocumentWrite<K extends DocumentKeyType> {
  readonly key: KeyPath<K>;
  readonly value: StateValues[K];
}

/** Reads and writes of one space (public state, or a collection), typed by key type. */
export interface SpaceState {
  readonly space: Space;
  /** The document under a key, or undefined when the key does not exist here. */
  read<K extends DocumentKeyType>(path: KeyPath<K>): Promise<StateValues[K] | undefined>;
  /** Whether a key exists here (reads its value: a member's read in a collection). */
  has(path: KeyPath): Promise<boolean>;
  /** Writes a document under a key. */
  write<K extends DocumentKeyType>(write: Readonly<DocumentWrite<K>>): Promise<void>;
  /** Writes an index entry: `0x00` in public state, the transaction's salt in a collection. */
  index(path: KeyPath<IndexKeyType>): Promise<void>;
  /** Deletes a key (the hash of a private key's last value stays in the blocks). */
  delete(path: KeyPath): Promise<void>;
  /**
   * Purges a private key: its value leaves every member's private store (PurgePrivateData,
   * Fabric 2.5), its hash leaves the state; the hashes already in the blocks stay, so earlier
   * evidence still verifies. Public state has no purge.
   */
  purge(path: KeyPath): Promise<void>;
  /**
   * Every entry under a partial key, from a start key, in key order (see {@link RangeOptions}); in
   * a collection, for transactions that write nothing (Fabric's rule).
   */
  entries(options: Readonly<RangeOptions>): AsyncGenerator<IndexEntry>;
  /** Every document under a partial key, in key order. */
  documents<K extends DocumentKeyType>(path: KeyPath<K>): AsyncGenerator<StateValues[K]>;
}

/** The reads and writes of a space. */
export function stateIn(access: StateAccess, space: Space): SpaceState {
  const { stub } = access;
  const collection = collectionOf(space);
  const readBytes = (key: string): Promise<Uint8Array> =>
    collection === undefined ? stub.getState(key) : stub.getPrivateData(collection, key);
  const state: SpaceState = {
    space,
    async read(path) {
      checkSpace(path[0], space);
      const bytes = await readBytes(stateKey(stub, path));
      return bytes.length === 0 ? undefined : decodeDocument(path[0], bytes);
    },
    async has(path) {
      checkSpace(path[0], space);
      return (await readBytes(stateKey(stub, path))).length > 0;
    },
    async write(write) {
      checkSpace(write.key[0], space);
      const key = stateKey(stub, write.key);
      const value = marshal(write.value);
      if (collection === undefined) await stub.putState(key, value);
      else await stub.putPrivateData(collection, key, value);
    },
    async index(path) {
      checkSpace(path[0], space);
      const key = stateKey(stub, path);
      if (collection === undefined) await stub.putState(key, INDEX_VALUE);
      else await stub.putPrivateData(collection, key, access.saltBytes);
    },
    async delete(path) {
      checkSpace(path[0], space);
      const key = stateKey(stub, path);
      if (collection === undefined) await stub.deleteState(key);
      else await stub.deletePrivateData(collection, key);
    },
    async purge(path) {
      checkSpace(path[0], space);
      if (collection === undefined) throw new Error('public state has no purge');
      await stub.purgePrivateData(collection, stateKey(stub, path));
    },
    entries(options) {
      return rangeEntries(stub, { space, ...options });
    },
    async *documents(path) {
      for await (const entry of rangeEntries(stub, { space, path })) {
        yield decodeDocument(path[0], entry.value);
      }
    },
  };
  return state;
}

/** Access for reads (and public writes): writing a private index entry through it throws. */
export function readAccess(stub: ChaincodeStub): StateAccess {
  return {
    stub,
    get saltBytes(): Uint8Array {
      throw new Error('a private index entry is written with the transaction salt');
    },
  };
}

/** The public world state (public index entries are `0x00`: no salt needed). */
export function publicState(stub: ChaincodeStub): SpaceState {
  return stateIn(readAccess(stub), PUBLIC_STATE);
}

/** A key of a collection, for {@link hashExists}. */
export interface CollectionKey {
  readonly collection: string;
  readonly path: KeyPath;
}

/** Whether a key of a collection exists, by its hash: readable by any member's client. */
export async function hashExists(
  stub: ChaincodeStub,
  where: Readonly<CollectionKey>,
): Promise<boolean> {
  checkSpace(where.path[0], inCollection(where.collection));
  const hash = await stub.getPrivateDataHash(where.collection, stateKey(stub, where.path));
  return hash.length > 0;
}

/** One entry of a range: its key, its attributes, its value, and its collection if private. */
export interface IndexEntry {
  readonly key: string;
  readonly attributes: readonly string[];
  readonly value: Uint8Array;
  /** The collection it was read from (undefined for public state). */
  readonly collection?: string;
}

/** The largest code point: the end of a partial composite key's range. */
const MAX_UNICODE_RUNE = '\u{10ffff}';

/** The key range `[start, end)` of every key under a partial composite key. */
export function prefixRange(
  stub: ChaincodeStub,
  path: KeyPath,
): { readonly start: string; readonly end: string } {
  const start = stateKey(stub, path);
  return { start, end: start + MAX_UNICODE_RUNE };
}

/** A range of entries: under a partial key, from a start key. */
export interface RangeOptions {
  /** The partial key the range is under. */
  readonly path: KeyPath;
  /** Inclusive start key inside the range (its first key when absent). */
  readonly startKey?: string;
}

/** Orders keys as the peer's LevelDB does: by their UTF-8 bytes. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Every entry of a space under a partial composite key, from a start key, in key order, without
 * pagination (the only kind of range private data has). In a collection, for evaluate
 * transactions only: Fabric refuses a transaction that range-queries private data and writes
 * anything, in either order (submits read private data by key: ledger/id-set.ts). Public ranges
 * mix with writes freely. Stop early by breaking out of the loop: the iterator is then closed; an
 * exhausted one is freed by the peer without another round trip.
 */
async function* rangeEntries(
  stub: ChaincodeStub,
  options: Readonly<RangeOptions & { space: Space }>,
): AsyncGenerator<IndexEntry> {
  const { space, path } = options;
  checkSpace(path[0], space);
  const range = prefixRange(stub, path);
  const start = options.startKey ?? range.start;
  const collection = collectionOf(space);
  const iterator =
    collection === undefined
      ? await stub.getStateByPartialCompositeKey(KEY_TYPES[path[0]], path.slice(1))
      : unwrapIterator(await stub.getPrivateDataByRange(collection, start, range.end));
  let exhausted = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      // Public ranges start at the prefix (the shim builds the range): skip to the start key.
      if (collection === undefined && compareUtf8(next.value.key, start) < 0) continue;
      yield toEntry(stub, { key: next.value.key, value: next.value.value, collection });
    }
  } finally {
    if (!exhausted) await iterator.close();
  }
}

/**
 * The iterator of a private range query. fabric-shim 2.5 resolves getPrivateDataByRange to
 * `{ iterator }` (its public range queries resolve to the iterator itself), though its type
 * declarations say otherwise; both shapes are taken.
 */
function unwrapIterator(response: unknown): Iterators.StateQueryIterator {
  const wrapped = (response as { readonly iterator?: Iterators.StateQueryIterator }).iterator;
  return wrapped ?? (response as Iterators.StateQueryIterator);
}

/** An entry from a key and value returned by a range query (and its collection, if private). */
export function toEntry(
  stub: ChaincodeStub,
  kv: {
    readonly key: string;
    readonly value: Uint8Array;
    readonly collection?: string | undefined;
  },
): IndexEntry {
  return {
    key: kv.key,
    attributes: stub.splitCompositeKey(kv.key).attributes,
    value: kv.value,
    ...(kv.collection === undefined ? {} : { collection: kv.collection }),
  };
}
