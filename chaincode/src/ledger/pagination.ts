import { ledgerError, type Page, type ResultTotal } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { stateKey, type KeyTypeName } from './keys';
import { compareUtf8, inCollection, readAccess, stateIn, type IndexEntry } from './state';

/**
 * Paged scans of indexes kept in private data collections, for evaluate transactions (queries):
 * Fabric refuses a transaction that range-queries private data and writes anything.
 *
 * Private data has no paginated query, so a page is read from getPrivateDataByRange, starting at a
 * key and stopping once the page is full: a page reads O(pageSize) entries of each collection it
 * scans. Several collections (the regulator's queries, a patient's, an organization's) are
 * scanned at once and merged in key order; a key keeps its layout in every collection (keys.ts),
 * so the same key in two collections is the same item (the copies of a deny to everyone), taken
 * once. The position after a page is therefore one key, the next to read, valid for every
 * collection of the query: the opaque bookmark is its base64url. An incoming bookmark must decode
 * to a key inside the query's own range (and not before its window), so a client can never steer
 * a scan into another patient's or organization's range.
 *
 * Filtered queries examine at most `scanLimit` entries (10 x pageSize by default) and return what
 * matched with a bookmark to continue: a page may hold fewer than pageSize items and still have a
 * bookmark.
 */

/** Orders keys as the peer's LevelDB does: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return compareUtf8(a, b);
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

/** Options of {@link mergedEntries}. */
export interface MergedRange {
  /** The collections scanned (any order; duplicates are ignored). */
  readonly collections: readonly string[];
  readonly type: KeyTypeName;
  /** Fixed leading attributes: the range. */
  readonly prefix: readonly string[];
  /** Inclusive start key (inside the range); the range's first key when absent. */
  readonly startKey?: string;
}

interface Head {
  readonly iterator: AsyncGenerator<IndexEntry>;
  entry: IndexEntry | undefined;
}

async function advance(head: Head): Promise<void> {
  const next = await head.iterator.next();
  head.entry = next.done === true ? undefined : next.value;
}

/**
 * The entries of several collections under one partial key, from a start key, merged in key order,
 * a key found in several collections yielded once (from the first collection in name order). Each
 * collection is read lazily: stop by breaking out of the loop and only what was looked at was
 * read.
 */
export async function* mergedEntries(
  stub: ChaincodeStub,
  range: Readonly<MergedRange>,
): AsyncGenerator<IndexEntry> {
  const collections = [...new Set(range.collections)].sort();
  const heads: Head[] = collections.map((collection) => ({
    iterator: stateIn(readAccess(stub), inCollection(collection)).entries({
      path: [range.type, ...range.prefix],
      ...(range.startKey === undefined ? {} : { startKey: range.startKey }),
    }),
    entry: undefined,
  }));
  try {
    for (const head of heads) await advance(head);
    for (;;) {
      let least: IndexEntry | undefined;
      for (const head of heads) {
        if (
          head.entry !== undefined &&
          (least === undefined || compareKeys(head.entry.key, least.key) < 0)
        ) {
          least = head.entry;
        }
      }
      if (least === undefined) return;
      yield least;
      for (const head of heads) {
        if (head.entry?.key === least.key) await advance(head);
      }
    }
  } finally {
    for (const head of heads) await head.iterator.return(undefined);
  }
}

/** Options of {@link scanPage}. */
export interface ScanOptions<T> {
  /** The collections whose index is scanned (merged in key order). */
  readonly collections: readonly string[];
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
}

/** The start key of a scan: its bookmark's, checked against its range, else its window's floor. */
export function scanStart(
  stub: ChaincodeStub,
  options: Readonly<Pick<ScanOptions<unknown>, 'type' | 'prefix' | 'from' | 'bookmark'>>,
): string | undefined {
  const prefixKey = stateKey(stub, [options.type, ...options.prefix]);
  const floorKey =
    options.from === undefined
      ? undefined
      : stateKey(stub, [options.type, ...options.prefix, ...options.from]);
  if (options.bookmark === undefined || options.bookmark === '') return floorKey;
  return decodeBookmark(options.bookmark, {
    prefixKey,
    ...(floorKey === undefined ? {} : { floorKey }),
  });
}

/** Reads one page of an index over collections, filtered and windowed (see the module comment). */
export async function scanPage<T>(
  stub: ChaincodeStub,
  options: Readonly<ScanOptions<T>>,
): Promise<Page<T>> {
  const startKey = scanStart(stub, options);
  const scanLimit = options.scanLimit ?? options.pageSize * 10;
  const items: T[] = [];
  let examined = 0;
  for await (const entry of mergedEntries(stub, {
    collections: options.collections,
    type: options.type,
    prefix: options.prefix,
    ...(startKey === undefined ? {} : { startKey }),
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

/** Options of {@link countEntries}. */
export interface CountOptions extends Pick<
  ScanOptions<unknown>,
  'collections' | 'type' | 'prefix' | 'from' | 'isPastEnd'
> {
  /** Entries examined at most; past it the total is a lower bound. */
  readonly limit: number;
  /** Whether an entry counts (every entry of the window when absent: an index-only count). */
  readonly select?: (entry: IndexEntry) => Promise<boolean>;
}

/**
 * How many entries of a window count, over every collection (merged as the pages are, so an item
 * kept in several collections counts once): exact when the window ends within `limit` entries
 * examined, else at least what counted so far.
 */
export async function countEntries(
  stub: ChaincodeStub,
  options: Readonly<CountOptions>,
): Promise<ResultTotal> {
  const startKey = scanStart(stub, options);
  let examined = 0;
  let count = 0;
  for await (const entry of mergedEntries(stub, {
    collections: options.collections,
    type: options.type,
    prefix: options.prefix,
    ...(startKey === undefined ? {} : { startKey }),
  })) {
    if (options.isPastEnd?.(entry) === true) break;
    if (examined >= options.limit) return { count, exact: false };
    examined += 1;
    if (options.select === undefined || (await options.select(entry))) count += 1;
  }
  return { count, exact: true };
}

/** The mark of a bookmark of a reversed scan (it is not one of a forward scan, nor the reverse). */
const REVERSED_MARK = 'r';

/** Options of {@link scanPageReversed}. */
export interface ReversedScanOptions<T> extends ScanOptions<T> {
  /** Entries of the window read at most; past it the scan gives up (undefined). */
  readonly keyLimit: number;
}

/**
 * A page of an index's window read backwards (Fabric's range scans only go forward): the window's
 * entries are read whole, index entries only and at most `keyLimit` of them (else undefined: the
 * caller scans another way), then paged from their last. Its bookmark is the next entry's key,
 * marked as a reversed scan's; a forward scan's bookmark is refused here and the reverse.
 */
export async function scanPageReversed<T>(
  stub: ChaincodeStub,
  options: Readonly<ReversedScanOptions<T>>,
): Promise<Page<T> | undefined> {
  const windowStart = scanStart(stub, {
    type: options.type,
    prefix: options.prefix,
    ...(options.from === undefined ? {} : { from: options.from }),
  });
  const entries: IndexEntry[] = [];
  for await (const entry of mergedEntries(stub, {
    collections: options.collections,
    type: options.type,
    prefix: options.prefix,
    ...(windowStart === undefined ? {} : { startKey: windowStart }),
  })) {
    if (options.isPastEnd?.(entry) === true) break;
    if (entries.length >= options.keyLimit) return undefined;
    entries.push(entry);
  }
  entries.reverse();
  let position = 0;
  if (options.bookmark !== undefined && options.bookmark !== '') {
    if (!options.bookmark.startsWith(REVERSED_MARK))
      throw ledgerError('INVALID_ARGUMENT', 'bookmark: not a bookmark of this query');
    const key = decodeBookmark(options.bookmark.slice(REVERSED_MARK.length), {
      prefixKey: stateKey(stub, [options.type, ...options.prefix]),
      ...(windowStart === undefined ? {} : { floorKey: windowStart }),
    });
    const next = entries.findIndex((entry) => compareKeys(entry.key, key) <= 0);
    position = next === -1 ? entries.length : next;
  }
  const scanLimit = options.scanLimit ?? options.pageSize * 10;
  const items: T[] = [];
  let examined = 0;
  for (const entry of entries.slice(position)) {
    if (items.length >= options.pageSize || examined >= scanLimit) {
      return { items, bookmark: `${REVERSED_MARK}${encodeBookmark(entry.key)}` };
    }
    examined += 1;
    const item = await options.select(entry);
    if (item !== undefined) items.push(item);
  }
  return { items, bookmark: '' };
}
