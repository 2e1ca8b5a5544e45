import { ledgerError, type Page } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { KEY_TYPES, stateKey, type KeyTypeName } from './keys';
import { toEntry, type IndexEntry } from './state';

/**
 * Paged scans of composite-key indexes.
 *
 * Fabric's paginated range query takes a bookmark that is simply the inclusive start key of the next
 * page. This helper uses that to serve time windows (start at `[...prefix, from]`, stop at the first
 * entry at or after `to`) and hands clients an opaque bookmark (base64url of the next start key).
 * An incoming bookmark must decode to a key inside the query's own prefix (and not before its
 * window), so a client can never steer a scan into another patient's or organization's range.
 *
 * Filtered queries examine at most `scanLimit` entries (10 x pageSize by default) and return what
 * matched with a bookmark to continue: a page may hold fewer than pageSize items and still have a
 * bookmark. Submit transactions may not use paginated queries (Fabric refuses paginated reads and
 * writes in one transaction), so with `readOnly: false` the same scan iterates the plain range
 * query and skips to the bookmark.
 */

/** Options of {@link scanPage}. */
export interface ScanOptions<T> {
  /** The index scanned. */
  readonly type: KeyTypeName;
  /** Fixed leading attributes: the query's own range. */
  readonly prefix: readonly string[];
  /** Attributes after the prefix where the scan starts (e.g. `[from]` of a time window). */
  readonly from?: readonly string[];
  /** Where a previous page stopped. */
  readonly bookmark?: string;
  /** Items wanted. */
  readonly pageSize: number;
  /** Entries examined at most (10 x pageSize by default). */
  readonly scanLimit?: number;
  /** True at the first entry past the query's end (e.g. its timestamp >= `to`): the scan ends. */
  readonly isPastEnd?: (entry: IndexEntry) => boolean;
  /** Loads and filters an entry; undefined when it does not match. */
  readonly select: (entry: IndexEntry) => Promise<T | undefined>;
  /** Whether the transaction is read-only (evaluate): only then are paginated queries allowed. */
  readonly readOnly: boolean;
}

/** Largest page requested from the peer at once. */
const MAX_FETCH = 1000;

/** Orders keys as the peer's LevelDB does: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The opaque form of a start key. */
export function encodeBookmark(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** The key range a bookmark must fall in: the query's prefix, and its window's start if any. */
export interface BookmarkRange {
  readonly prefixKey: string;
  readonly floorKey?: string;
}

/**
 * The start key a bookmark stands for, checked to lie within the prefix and not before the floor.
 * Anything else is refused with INVALID_ARGUMENT.
 */
export function decodeBookmark(bookmark: string, range: Readonly<BookmarkRange>): string {
  const { prefixKey, floorKey } = range;
  const bytes = Buffer.from(bookmark, 'base64url');
  const key = bytes.toString('utf8');
  const canonical =
    /^[A-Za-z0-9_-]+$/.test(bookmark) &&
    bytes.toString('base64url') === bookmark &&
    Buffer.from(key, 'utf8').equals(bytes);
  if (!canonical || !key.startsWith(prefixKey) || key.length === prefixKey.length) {
    throw ledgerError('INVALID_ARGUMENT', 'bookmark: not a bookmark of this query');
  }
  if (floorKey !== undefined && compareKeys(key, floorKey) < 0) {
    throw ledgerError('INVALID_ARGUMENT', 'bookmark: before the start of this query');
  }
  return key;
}

/** Options of {@link indexEntries}. */
export interface IndexEntriesOptions {
  readonly type: KeyTypeName;
  readonly prefix: readonly string[];
  /** Inclusive start key (within the prefix); the prefix's first key when absent. */
  readonly startKey?: string;
  readonly readOnly: boolean;
  /** Entries fetched by the first paginated request. */
  readonly firstFetch?: number;
  /** Entries fetched by later paginated requests. */
  readonly nextFetch?: number;
}

/** Every entry of an index range from a start key, in key order (stop by breaking out). */
export async function* indexEntries(
  stub: ChaincodeStub,
  options: Readonly<IndexEntriesOptions>,
): AsyncGenerator<IndexEntry> {
  const objectType = KEY_TYPES[options.type];
  const prefix = [...options.prefix];
  if (!options.readOnly) {
    const iterator = await stub.getStateByPartialCompositeKey(objectType, prefix);
    let exhausted = false;
    try {
      for (let next = await iterator.next(); ; next = await iterator.next()) {
        if (next.done) {
          exhausted = true;
          break;
        }
        const { key, value } = next.value;
        if (options.startKey !== undefined && compareKeys(key, options.startKey) < 0) continue;
        yield toEntry(stub, { key, value });
      }
    } finally {
      // An exhausted iterator is freed by the peer (see entriesUnder): no closing round trip.
      if (!exhausted) await iterator.close();
    }
    return;
  }
  let bookmark = options.startKey ?? '';
  let fetch = options.firstFetch ?? MAX_FETCH;
  for (;;) {
    const { iterator, metadata } = await stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      prefix,
      fetch,
      bookmark,
    );
    let exhausted = false;
    try {
      for (let next = await iterator.next(); ; next = await iterator.next()) {
        if (next.done) {
          exhausted = true;
          break;
        }
        yield toEntry(stub, next.value);
      }
    } finally {
      if (!exhausted) await iterator.close();
    }
    // fabric-shim leaves `metadata` out when the peer sends none (an empty range).
    const next = (metadata as { readonly bookmark?: string } | undefined)?.bookmark ?? '';
    if (next === '') return;
    bookmark = next;
    fetch = options.nextFetch ?? MAX_FETCH;
  }
}

/** Reads one page of an index, filtered and windowed (see the module comment). */
export async function scanPage<T>(
  stub: ChaincodeStub,
  options: Readonly<ScanOptions<T>>,
): Promise<Page<T>> {
  const prefixKey = stateKey(stub, [options.type, ...options.prefix]);
  const floorKey =
    options.from === undefined
      ? undefined
      : stateKey(stub, [options.type, ...options.prefix, ...options.from]);
  const startKey =
    options.bookmark === undefined || options.bookmark === ''
      ? floorKey
      : decodeBookmark(options.bookmark, {
          prefixKey,
          ...(floorKey === undefined ? {} : { floorKey }),
        });
  const scanLimit = options.scanLimit ?? options.pageSize * 10;
  const items: T[] = [];
  let examined = 0;
  for await (const entry of indexEntries(stub, {
    type: options.type,
    prefix: options.prefix,
    ...(startKey === undefined ? {} : { startKey }),
    readOnly: options.readOnly,
    firstFetch: Math.min(options.pageSize + 1, MAX_FETCH),
    nextFetch: Math.min(scanLimit + 1, MAX_FETCH),
  })) {
    if (options.isPastEnd?.(entry) === true) return { items, bookmark: '' };
    if (items.length >= options.pageSize || examined >= scanLimit) {
      return { items, bookmark: encodeBookmark(entry.key) };
    }
    examined += 1;
    const item = await options.select(entry);
    if (item !== undefined) items.push(item);
  }
  return { items, bookmark: '' };
}
