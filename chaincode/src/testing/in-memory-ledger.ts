import { createHash } from 'node:crypto';
import { collectionMembers, collectionNames } from '@consent-ledger/ledger-api';
import { ChaincodeStub as ShimStub } from 'fabric-shim';
import type {
  ChaincodeProposal,
  ChaincodeResponse,
  ChaincodeStub,
  Iterators,
  SerializedIdentity,
  StateQueryResponse,
  Timestamp,
} from 'fabric-shim-api';
import Long from 'long';
import { chaincodeHeaderExtension } from '../ledger/proposal';

/**
 * An in-memory Fabric ledger for unit tests, faithful to the peer where the chaincode can tell:
 *
 * - reads (getState, range queries, metadata) see committed state only, never the transaction's
 *   own writes; a transaction's writes are applied when it is committed (the harness commits a
 *   successful invocation and drops a failed one);
 * - writing an empty value deletes the key; the write set keeps the last write per key, in key
 *   order, as Fabric's read-write set does;
 * - composite keys are fabric-shim's own (`createCompositeKey`/`splitCompositeKey` of the real
 *   ChaincodeStub); range queries run in UTF-8 byte order like LevelDB, end key exclusive;
 *   getStateByRange refuses composite keys like the shim; rich queries fail like on LevelDB;
 * - paginated queries take the bookmark as the inclusive start key and return as bookmark the
 *   next key (empty at the end), exactly as the peer; a transaction may not mix paginated queries
 *   and writes (the peer's tx simulator refuses both orders), nor range queries of private data
 *   and writes of any kind, public or private (refused in both orders too, with the peer's
 *   messages: a submit transaction must never scan a collection);
 * - history per key (newest first, with txId, timestamp and isDelete), key-level validation
 *   parameters (committed with the value, dropped with a deleted key), one chaincode event per
 *   transaction (the last setEvent wins);
 * - MVCC validation at commit: a transaction whose read keys changed, or whose range reads would
 *   return different keys, since it was simulated is invalidated and nothing of it is applied;
 * - private data collections, configured as network/ configures them (ledger-api's collection
 *   functions over the channel's organizations): per-collection state and SHA-256 hashes;
 *   memberOnlyRead and memberOnlyWrite checked against the client's organization, as the peer
 *   does; getPrivateDataHash open to every client; range scans (no pagination, no phantom
 *   protection: private data has neither); PurgePrivateData (value and hash gone, the write set
 *   keeps a purge marker); reads of private keys checked at commit like public ones; every private
 *   read counted per transaction, so that tests can tell what a transaction read;
 * - the proposal's transient map, and a signed proposal whose channel header names the chaincode.
 */

/** A key written by a transaction: a value, or undefined for a delete. */
export interface WriteEntry {
  readonly key: string;
  readonly value: Uint8Array | undefined;
}

/** A chaincode event set by a transaction. */
export interface EventRecord {
  readonly name: string;
  readonly payload: Uint8Array;
}

/** One modification of a key, as getHistoryForKey reports it. */
export interface HistoryEntry {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** What a transaction proposal carries. */
export interface ProposalOptions {
  readonly txId: string;
  /** ISO 8601 instant of the proposal (the transaction timestamp). */
  readonly timestamp: string;
  readonly creator: SerializedIdentity;
  /** `[function, ...arguments]`. */
  readonly args: readonly string[];
  readonly channelId?: string;
  /** The chaincode name the proposal invokes (its channel header extension); consent-ledger. */
  readonly chaincodeName?: string;
  /** The proposal's transient map. */
  readonly transient?: Readonly<Record<string, Uint8Array>>;
  /** MSP ID of the simulating peer. */
  readonly peerMspId?: string;
}

/** A private data collection as the chaincode definition configures it. */
export interface CollectionConfig {
  readonly name: string;
  /** The member organizations' MSP IDs. */
  readonly members: readonly string[];
  readonly memberOnlyRead: boolean;
  readonly memberOnlyWrite: boolean;
}

/** The collection configuration network/ generates for a channel's organizations. */
export function collectionConfig(mspIds: readonly string[]): CollectionConfig[] {
  return collectionNames(mspIds).map((name) => ({
    name,
    members: collectionMembers(name, mspIds),
    memberOnlyRead: true,
    memberOnlyWrite: true,
  }));
}

/** A private key written by a transaction: a value, a delete (undefined) or a purge. */
export interface PrivateWriteEntry {
  readonly collection: string;
  readonly key: string;
  readonly value: Uint8Array | undefined;
  /** PurgePrivateData: the value and its hash leave the peers. */
  readonly purge: boolean;
}

/** One private read of a transaction: a value, a hash, or one entry of a range scan. */
export interface PrivateRead {
  readonly collection: string;
  readonly key: string;
  readonly kind: 'value' | 'hash' | 'range';
}

/** A stub as fabric-shim's real ChaincodeStub exposes it (getBufferArgs is missing from the typings). */
export interface SimulationStub extends ChaincodeStub {
  /** The invocation's arguments as bytes (what ChaincodeFromContract reads). */
  getBufferArgs(): Buffer[];
}

/** The simulation of one transaction proposal against the committed state. */
export interface Simulation {
  readonly stub: SimulationStub;
  readonly txId: string;
  readonly timestamp: string;
  /** The write set, in key order. */
  writes(): WriteEntry[];
  /** Key-level validation parameters set, in key order. */
  validationParameterWrites(): WriteEntry[];
  /** The private write set, by collection then key. */
  privateWrites(): PrivateWriteEntry[];
  /** Every private read, in the order the chaincode made them. */
  privateReads(): PrivateRead[];
  /** The chaincode event (the last one set), if any. */
  event(): EventRecord | undefined;
}

/** Result of committing a simulation. */
export type CommitOutcome = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT';

/** The ledger. */
export interface InMemoryLedger {
  /** Simulates a proposal: returns its stub and, after the chaincode ran, its read-write set. */
  simulate(options: Readonly<ProposalOptions>): Simulation;
  /** Validates a simulation against the current state (MVCC) and, when valid, applies it. */
  commit(simulation: Simulation): CommitOutcome;
  /** Committed value of a key. */
  get(key: string): Uint8Array | undefined;
  /** Committed keys in key order. */
  keys(): string[];
  /** Committed history of a key, oldest first. */
  history(key: string): HistoryEntry[];
  /** Committed key-level validation parameter of a key. */
  validationParameter(key: string): Uint8Array | undefined;
  /** Committed chaincode events, in commit order. */
  events(): EventRecord[];
  /** Number of committed (valid) transactions. */
  readonly height: number;
  /** The collections configured, by name. */
  collections(): string[];
  /** Committed value of a private key (as a member's peer holds it). */
  privateGet(collection: string, key: string): Uint8Array | undefined;
  /** Committed SHA-256 of a private key's value (what every peer holds), if any. */
  privateHash(collection: string, key: string): Uint8Array | undefined;
  /** Committed keys of a collection, in key order. */
  privateKeys(collection: string): string[];
  /** Every private write ever committed, in commit order (what blocks' hashed write sets hold). */
  privateHistory(): PrivateWriteEntry[];
}

/** Options of {@link createInMemoryLedger}. */
export interface InMemoryLedgerOptions {
  /** The private data collections (none by default). */
  readonly collections?: readonly CollectionConfig[];
  /** The chaincode's name, as access errors name it. */
  readonly chaincodeName?: string;
}

const MAX_UNICODE_RUNE = '\u{10ffff}';
const COMPOSITE_KEY_NAMESPACE = '\u0000';
const EMPTY_KEY_SUBSTITUTE = '\u0001';

// The real shim's composite-key logic: these methods use no instance state.
const shimPrototype = ShimStub.prototype as unknown as Pick<
  ChaincodeStub,
  'createCompositeKey' | 'splitCompositeKey'
>;

/** fabric-shim's createCompositeKey. */
export function createCompositeKey(objectType: string, attributes: string[]): string {
  return Reflect.apply(shimPrototype.createCompositeKey, undefined, [objectType, attributes]);
}

/** fabric-shim's splitCompositeKey. */
export function splitCompositeKey(key: string): { objectType: string; attributes: string[] } {
  return Reflect.apply(shimPrototype.splitCompositeKey, undefined, [key]);
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function isWellFormedKey(key: string): boolean {
  // A lone surrogate does not survive a UTF-8 round trip; the peer wants valid UTF-8 keys.
  return key !== '' && Buffer.from(key, 'utf8').toString('utf8') === key;
}

interface Versioned {
  readonly value: Uint8Array;
  readonly version: number;
}

interface RangeRead {
  readonly startKey: string;
  readonly endKey: string;
  readonly results: { key: string; version: number }[];
  exhausted: boolean;
}

type QueryPromise<T> = Promise<T> & AsyncIterable<Iterators.KV>;

/** A range of a collection's keys, `[startKey, endKey)` (`endKey` empty: unbounded). */
interface PrivateRange {
  readonly collection: string;
  readonly startKey: string;
  readonly endKey: string;
}

interface PaginatedQuery {
  readonly startKey: string;
  readonly endKey: string;
  readonly pageSize: number;
  readonly bookmark: string | undefined;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

class Ledger implements InMemoryLedger {
  readonly #state = new Map<string, Versioned>();
  readonly #metadata = new Map<string, Uint8Array>();
  readonly #history = new Map<string, HistoryEntry[]>();
  readonly #events: EventRecord[] = [];
  readonly #collections: ReadonlyMap<string, CollectionConfig>;
  readonly #private = new Map<string, Map<string, Versioned>>();
  readonly #privateHistory: PrivateWriteEntry[] = [];
  readonly chaincodeName: string;
  #sorted: string[] | undefined;
  #height = 0;

  constructor(options: Readonly<InMemoryLedgerOptions>) {
    this.#collections = new Map((options.collections ?? []).map((config) => [config.name, config]));
    for (const name of this.#collections.keys()) this.#private.set(name, new Map());
    this.chaincodeName = options.chaincodeName ?? 'consent-ledger';
  }

  /** A collection's configuration; refuses a collection the chaincode definition lacks. */
  collection(name: string): CollectionConfig {
    const config = this.#collections.get(name);
    if (config === undefined) {
      throw new Error(
        `collection ${name} could not be found for chaincode ${this.chaincodeName}: it is not in the collection configuration`,
      );
    }
    return config;
  }

  collections(): string[] {
    return [...this.#collections.keys()].sort(compareKeys);
  }

  #store(collection: string): Map<string, Versioned> {
    this.collection(collection);
    const store = this.#private.get(collection);
    if (store === undefined) throw new Error(`no store for ${collection}`);
    return store;
  }

  privateGet(collection: string, key: string): Uint8Array | undefined {
    return this.#store(collection).get(key)?.value;
  }

  privateVersion(collection: string, key: string): number {
    return this.#store(collection).get(key)?.version ?? 0;
  }

  privateHash(collection: string, key: string): Uint8Array | undefined {
    const value = this.privateGet(collection, key);
    return value === undefined ? undefined : sha256(value);
  }

  privateKeys(collection: string): string[] {
    return [...this.#store(collection).keys()].sort(compareKeys);
  }

  privateHistory(): PrivateWriteEntry[] {
    return [...this.#privateHistory];
  }

  /** Committed private keys of a collection in [startKey, endKey), in key order. */
  privateRange(
    range: Readonly<PrivateRange>,
  ): { key: string; value: Uint8Array; version: number }[] {
    const { collection, startKey, endKey } = range;
    return this.privateKeys(collection)
      .filter(
        (key) => compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0),
      )
      .map((key) => {
        const entry = this.#store(collection).get(key);
        if (entry === undefined) throw new Error(`private state lost ${key}`);
        return { key, value: entry.value, version: entry.version };
      });
  }

  get height(): number {
    return this.#height;
  }

  simulate(options: Readonly<ProposalOptions>): Simulation {
    return new TransactionSimulation(this, options);
  }

  get(key: string): Uint8Array | undefined {
    return this.#state.get(key)?.value;
  }

  version(key: string): number {
    return this.#state.get(key)?.version ?? 0;
  }

  keys(): string[] {
    this.#sorted ??= [...this.#state.keys()].sort(compareKeys);
    return [...this.#sorted];
  }

  /** Committed keys in [startKey, endKey) (endKey '' = unbounded), in key order. */
  range(startKey: string, endKey: string): { key: string; value: Uint8Array; version: number }[] {
    return this.keys()
      .filter(
        (key) => compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0),
      )
      .map((key) => {
        const entry = this.#state.get(key);
        if (entry === undefined) throw new Error(`state lost ${key}`);
        return { key, value: entry.value, version: entry.version };
      });
  }

  history(key: string): HistoryEntry[] {
    return [...(this.#history.get(key) ?? [])];
  }

  validationParameter(key: string): Uint8Array | undefined {
    return this.#metadata.get(key);
  }

  events(): EventRecord[] {
    return [...this.#events];
  }

  commit(simulation: Simulation): CommitOutcome {
    if (!(simulation instanceof TransactionSimulation)) throw new Error('foreign simulation');
    for (const [key, version] of simulation.readVersions()) {
      if (this.version(key) !== version) return 'MVCC_READ_CONFLICT';
    }
    for (const { collection, key, version } of simulation.privateReadVersions()) {
      if (this.privateVersion(collection, key) !== version) return 'MVCC_READ_CONFLICT';
    }
    for (const read of simulation.rangeReads()) {
      const last = read.results.at(-1);
      const rerun = this.range(read.startKey, read.endKey).filter(
        (entry) => read.exhausted || (last !== undefined && compareKeys(entry.key, last.key) <= 0),
      );
      const same =
        rerun.length === read.results.length &&
        rerun.every(
          (entry, i) =>
            entry.key === read.results[i]?.key && entry.version === read.results[i].version,
        );
      if (!same) return 'PHANTOM_READ_CONFLICT';
    }
    this.#height += 1;
    for (const { key, value } of simulation.writes()) {
      const history = this.#history.get(key) ?? [];
      history.push({
        txId: simulation.txId,
        timestamp: simulation.timestamp,
        isDelete: value === undefined,
        value: value ?? new Uint8Array(),
      });
      this.#history.set(key, history);
      if (value === undefined) {
        this.#state.delete(key);
        this.#metadata.delete(key);
      } else {
        this.#state.set(key, { value, version: this.#height });
      }
    }
    for (const { key, value } of simulation.validationParameterWrites()) {
      if (!this.#state.has(key)) continue;
      if (value === undefined) this.#metadata.delete(key);
      else this.#metadata.set(key, value);
    }
    for (const write of simulation.privateWrites()) {
      const store = this.#store(write.collection);
      if (write.value === undefined) store.delete(write.key);
      else store.set(write.key, { value: write.value, version: this.#height });
      this.#privateHistory.push(write);
    }
    this.#sorted = undefined;
    const event = simulation.event();
    if (event !== undefined) this.#events.push(event);
    return 'VALID';
  }
}

/** Runs a step as the shim's async methods do: a failure rejects the promise. */
function settle(step: () => void): Promise<void> {
  try {
    step();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function timestampOf(iso: string): { seconds: number; nanos: number } {
  const millis = Date.parse(iso);
  if (!Number.isFinite(millis)) throw new Error(`bad timestamp ${iso}`);
  return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 };
}

function queryPromise<T>(
  promise: Promise<T>,
  iteratorOf: (resolved: T) => Iterators.StateQueryIterator,
): QueryPromise<T> {
  return Object.assign(promise, {
    [Symbol.asyncIterator]: (): AsyncIterator<Iterators.KV> => {
      let iterator: Iterators.StateQueryIterator | undefined;
      return {
        next: async () => {
          iterator ??= iteratorOf(await promise);
          const next = await iterator.next();
          if (next.done) await iterator.close();
          return next;
        },
        return: async () => {
          if (iterator !== undefined) await iterator.close();
          return { done: true, value: undefined };
        },
      };
    },
  });
}

class TransactionSimulation implements Simulation {
  readonly stub: SimulationStub;
  readonly txId: string;
  readonly timestamp: string;
  readonly #ledger: Ledger;
  readonly #options: Readonly<ProposalOptions>;
  readonly #writes = new Map<string, Uint8Array | undefined>();
  readonly #metadataWrites = new Map<string, Uint8Array | undefined>();
  readonly #reads = new Map<string, number>();
  readonly #ranges: RangeRead[] = [];
  readonly #privateWrites = new Map<string, PrivateWriteEntry>();
  readonly #privateReadVersions = new Map<
    string,
    { collection: string; key: string; version: number }
  >();
  readonly #privateReads: PrivateRead[] = [];
  #event: EventRecord | undefined;
  #writePerformed = false;
  #paginatedQueryPerformed = false;
  #privateQueryPerformed = false;

  constructor(ledger: Ledger, options: Readonly<ProposalOptions>) {
    this.#ledger = ledger;
    this.#options = options;
    this.txId = options.txId;
    this.timestamp = options.timestamp;
    timestampOf(options.timestamp);
    this.stub = this.#createStub();
  }

  writes(): WriteEntry[] {
    return [...this.#writes.keys()]
      .sort(compareKeys)
      .map((key) => ({ key, value: this.#writes.get(key) }));
  }

  validationParameterWrites(): WriteEntry[] {
    return [...this.#metadataWrites.keys()]
      .sort(compareKeys)
      .map((key) => ({ key, value: this.#metadataWrites.get(key) }));
  }

  event(): EventRecord | undefined {
    return this.#event;
  }

  privateWrites(): PrivateWriteEntry[] {
    return [...this.#privateWrites.values()].sort(
      (a, b) => compareKeys(a.collection, b.collection) || compareKeys(a.key, b.key),
    );
  }

  privateReads(): PrivateRead[] {
    return [...this.#privateReads];
  }

  privateReadVersions(): { collection: string; key: string; version: number }[] {
    return [...this.#privateReadVersions.values()];
  }

  #creatorMsp(): string {
    return this.#options.creator.mspid;
  }

  #checkPrivateRead(collection: string): void {
    const config = this.#ledger.collection(collection);
    if (config.memberOnlyRead && !config.members.includes(this.#creatorMsp())) {
      throw new Error(
        `tx creator does not have read access permission on privatedata in chaincodeName:${this.#ledger.chaincodeName} collectionName: ${collection}`,
      );
    }
  }

  #checkPrivateWrite(collection: string, key: string): void {
    const config = this.#ledger.collection(collection);
    if (config.memberOnlyWrite && !config.members.includes(this.#creatorMsp())) {
      throw new Error(
        `tx creator does not have write access permission on privatedata in chaincodeName:${this.#ledger.chaincodeName} collectionName: ${collection}`,
      );
    }
    this.#checkWrite(key);
  }

  #notePrivateRead(read: PrivateRead): void {
    this.#privateReads.push(read);
    const id = `${read.collection}\u0000${read.key}`;
    if (read.kind !== 'range' && !this.#privateReadVersions.has(id)) {
      this.#privateReadVersions.set(id, {
        collection: read.collection,
        key: read.key,
        version: this.#ledger.privateVersion(read.collection, read.key),
      });
    }
  }

  #privateRange(range: Readonly<PrivateRange>): QueryPromise<Iterators.StateQueryIterator> {
    const { collection } = range;
    const results = this.#ledger.privateRange(range);
    let position = 0;
    let closed = false;
    const iterator: Iterators.StateQueryIterator = {
      next: () => {
        if (closed) return Promise.reject(new Error('iterator closed'));
        const entry = results[position];
        if (entry === undefined) {
          return Promise.resolve({ done: true, value: undefined as unknown as Iterators.KV });
        }
        position += 1;
        this.#notePrivateRead({ collection, key: entry.key, kind: 'range' });
        const kv = { key: entry.key, value: Buffer.from(entry.value) } as unknown as Iterators.KV;
        return Promise.resolve({ done: false, value: kv });
      },
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    // As fabric-shim 2.5 does for private ranges: the promise resolves to `{ iterator }`, not to
    // the iterator (its types say otherwise); async iteration works either way.
    const wrapped = { iterator } as unknown as Iterators.StateQueryIterator;
    return queryPromise(Promise.resolve(wrapped), () => iterator);
  }

  readVersions(): [string, number][] {
    return [...this.#reads.entries()];
  }

  rangeReads(): readonly RangeRead[] {
    return this.#ranges;
  }

  #read(key: string): Uint8Array {
    if (!this.#reads.has(key)) this.#reads.set(key, this.#ledger.version(key));
    return this.#ledger.get(key) ?? Buffer.alloc(0);
  }

  #checkWrite(key: string): void {
    if (this.#privateQueryPerformed) {
      throw new Error(
        `txid [${this.txId}]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed`,
      );
    }
    if (this.#paginatedQueryPerformed) {
      throw new Error(
        `txid [${this.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`,
      );
    }
    if (!isWellFormedKey(key))
      throw new Error(`invalid key [${key}]: must be a non-empty UTF-8 string`);
    this.#writePerformed = true;
  }

  /** Fabric's rule for range queries of private data: only in a transaction that writes nothing. */
  #checkPrivateQuery(): void {
    if (this.#writePerformed) {
      throw new Error(
        `txid [${this.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`,
      );
    }
    this.#privateQueryPerformed = true;
  }

  #checkPaginated(): void {
    if (this.#writePerformed) {
      throw new Error(
        `txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`,
      );
    }
    this.#paginatedQueryPerformed = true;
  }

  #iterator(
    results: { key: string; value: Uint8Array; version: number }[],
    record: RangeRead | undefined,
  ): Iterators.StateQueryIterator {
    let position = 0;
    let closed = false;
    return {
      next: () => {
        if (closed) return Promise.reject(new Error('iterator closed'));
        const entry = results[position];
        if (entry === undefined) {
          if (record !== undefined) record.exhausted = true;
          return Promise.resolve({ done: true, value: undefined as unknown as Iterators.KV });
        }
        position += 1;
        record?.results.push({ key: entry.key, version: entry.version });
        // The shim yields {key, value: Buffer}; its typings also name a namespace it never sets.
        const kv = { key: entry.key, value: Buffer.from(entry.value) } as unknown as Iterators.KV;
        return Promise.resolve({ done: false, value: kv });
      },
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
  }

  #rangeQuery(startKey: string, endKey: string): QueryPromise<Iterators.StateQueryIterator> {
    const record: RangeRead = { startKey, endKey, results: [], exhausted: false };
    this.#ranges.push(record);
    const iterator = this.#iterator(this.#ledger.range(startKey, endKey), record);
    return queryPromise(Promise.resolve(iterator), (resolved) => resolved);
  }

  #paginatedQuery(
    query: Readonly<PaginatedQuery>,
  ): QueryPromise<StateQueryResponse<Iterators.StateQueryIterator>> {
    const { startKey, endKey, pageSize, bookmark } = query;
    const run = (): StateQueryResponse<Iterators.StateQueryIterator> => {
      this.#checkPaginated();
      if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`bad page size ${pageSize}`);
      // The peer starts a paginated query at the bookmark (inclusive) when there is one.
      const from = bookmark === undefined || bookmark === '' ? startKey : bookmark;
      const all = this.#ledger.range(from, endKey);
      const page = all.slice(0, pageSize);
      return {
        iterator: this.#iterator(page, undefined),
        metadata: { fetchedRecordsCount: page.length, bookmark: all[pageSize]?.key ?? '' },
      };
    };
    return queryPromise(
      new Promise<StateQueryResponse<Iterators.StateQueryIterator>>((resolve) => {
        resolve(run());
      }),
      (resolved) => resolved.iterator,
    );
  }

  #createStub(): SimulationStub {
    const options = this.#options;
    const args = [...options.args];
    const { seconds, nanos } = timestampOf(options.timestamp);
    const unsupported = (what: string): Error =>
      new Error(`${what} is not supported by the in-memory ledger`);
    const validateSimpleKeys = (...keys: string[]): void => {
      for (const key of keys) {
        if (key.startsWith(COMPOSITE_KEY_NAMESPACE)) {
          throw new Error(
            `first character of the key [${key}] contains a null character which is not allowed`,
          );
        }
      }
    };
    const rejected = <T>(error: Error): QueryPromise<T> =>
      queryPromise(Promise.reject(error), () => {
        throw error;
      });

    const stub: SimulationStub = {
      getArgs: () => [...args],
      getStringArgs: () => [...args],
      getBufferArgs: () => args.map((arg) => Buffer.from(arg, 'utf8')),
      getFunctionAndParameters: () => ({ fcn: args[0] ?? '', params: args.slice(1) }),
      getTxID: () => options.txId,
      getChannelID: () => options.channelId ?? 'health',
      getCreator: () => options.creator,
      getMspID: () => options.peerMspId ?? options.creator.mspid,
      getTransient: () =>
        new Map<string, Uint8Array>(
          Object.entries(options.transient ?? {}).map(([key, value]) => [key, Buffer.from(value)]),
        ),
      // As fabric-shim decodes it: the channel header, whose extension names the chaincode.
      getSignedProposal: () =>
        ({
          proposal: {
            header: {
              channelHeader: {
                getExtension_asU8: () =>
                  chaincodeHeaderExtension(options.chaincodeName ?? 'consent-ledger'),
              },
            },
          },
        }) as unknown as ChaincodeProposal.SignedProposal,
      getTxTimestamp: (): Timestamp => ({ seconds: Long.fromNumber(seconds, true), nanos }),
      getDateTimestamp: () => new Date(seconds * 1000 + nanos / 1_000_000),
      getBinding: () => createHash('sha256').update(options.txId).digest('hex'),

      getState: (key: string) => Promise.resolve(this.#read(key)),
      putState: (key: string, value: Uint8Array) =>
        settle(() => {
          this.#checkWrite(key);
          this.#writes.set(key, value.length === 0 ? undefined : Buffer.from(value));
        }),
      deleteState: (key: string) =>
        settle(() => {
          this.#checkWrite(key);
          this.#writes.set(key, undefined);
        }),
      setStateValidationParameter: (key: string, ep: Uint8Array) =>
        settle(() => {
          this.#checkWrite(key);
          this.#metadataWrites.set(key, ep.length === 0 ? undefined : Buffer.from(ep));
        }),
      getStateValidationParameter: (key: string) => {
        this.#read(key);
        // The shim resolves undefined for a key without a policy (its typings say Uint8Array).
        return Promise.resolve(this.#ledger.validationParameter(key)) as Promise<Uint8Array>;
      },
      getStateByRange: (startKey: string, endKey: string) => {
        const start = startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey;
        try {
          validateSimpleKeys(start, endKey);
        } catch (error) {
          return rejected(error as Error);
        }
        return this.#rangeQuery(start, endKey);
      },
      getStateByRangeWithPagination: (
        startKey: string,
        endKey: string,
        pageSize: number,
        bookmark?: string,
      ) => {
        const start = startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey;
        try {
          validateSimpleKeys(start, endKey);
        } catch (error) {
          return rejected(error as Error);
        }
        return this.#paginatedQuery({ startKey: start, endKey, pageSize, bookmark });
      },
      getStateByPartialCompositeKey: (objectType: string, attributes: string[]) => {
        const partial = createCompositeKey(objectType, attributes);
        return this.#rangeQuery(partial, partial + MAX_UNICODE_RUNE);
      },
      getStateByPartialCompositeKeyWithPagination: (
        objectType: string,
        attributes: string[],
        pageSize: number,
        bookmark?: string,
      ) => {
        const partial = createCompositeKey(objectType, attributes);
        return this.#paginatedQuery({
          startKey: partial,
          endKey: partial + MAX_UNICODE_RUNE,
          pageSize,
          bookmark,
        });
      },
      getQueryResult: () => rejected(new Error('ExecuteQuery not supported for leveldb')),
      getQueryResultWithPagination: () =>
        rejected(new Error('ExecuteQuery not supported for leveldb')),
      getHistoryForKey: (key: string) => {
        const entries = this.#ledger.history(key).reverse();
        let position = 0;
        const iterator: Iterators.HistoryQueryIterator = {
          next: () => {
            const entry = entries[position];
            if (entry === undefined) {
              return Promise.resolve({
                done: true,
                value: undefined as unknown as Iterators.KeyModification,
              });
            }
            position += 1;
            // The shim gives the timestamp as a plain {seconds: number, nanos} (typed as Long).
            const modification = {
              txId: entry.txId,
              isDelete: entry.isDelete,
              value: Buffer.from(entry.value),
              timestamp: timestampOf(entry.timestamp) as unknown as Timestamp,
            };
            return Promise.resolve({ done: false, value: modification });
          },
          close: () => Promise.resolve(),
        };
        const promise = Promise.resolve(iterator);
        return Object.assign(promise, {
          [Symbol.asyncIterator]: (): AsyncIterator<Iterators.KeyModification> => ({
            next: async () => (await promise).next(),
          }),
        });
      },
      invokeChaincode: (): Promise<ChaincodeResponse> =>
        Promise.reject(unsupported('invokeChaincode')),
      setEvent: (name: string, payload: Uint8Array) => {
        if (typeof name !== 'string' || name === '') {
          throw new Error('Event name must be a non-empty string');
        }
        this.#event = { name, payload: Buffer.from(payload) };
      },
      createCompositeKey,
      splitCompositeKey,
      getPrivateData: (collection: string, key: string) =>
        new Promise<Uint8Array>((resolve) => {
          this.#checkPrivateRead(collection);
          this.#notePrivateRead({ collection, key, kind: 'value' });
          resolve(Buffer.from(this.#ledger.privateGet(collection, key) ?? new Uint8Array()));
        }),
      getPrivateDataHash: (collection: string, key: string) =>
        new Promise<Uint8Array>((resolve) => {
          this.#ledger.collection(collection);
          this.#notePrivateRead({ collection, key, kind: 'hash' });
          resolve(Buffer.from(this.#ledger.privateHash(collection, key) ?? new Uint8Array()));
        }),
      putPrivateData: (collection: string, key: string, value: Uint8Array) =>
        settle(() => {
          this.#checkPrivateWrite(collection, key);
          if (value.length === 0) throw new Error('PutPrivateData: the value is empty');
          this.#privateWrites.set(`${collection}\u0000${key}`, {
            collection,
            key,
            value: Buffer.from(value),
            purge: false,
          });
        }),
      deletePrivateData: (collection: string, key: string) =>
        settle(() => {
          this.#checkPrivateWrite(collection, key);
          this.#privateWrites.set(`${collection}\u0000${key}`, {
            collection,
            key,
            value: undefined,
            purge: false,
          });
        }),
      purgePrivateData: (collection: string, key: string) =>
        settle(() => {
          this.#checkPrivateWrite(collection, key);
          this.#privateWrites.set(`${collection}\u0000${key}`, {
            collection,
            key,
            value: undefined,
            purge: true,
          });
        }),
      setPrivateDataValidationParameter: () => Promise.reject(unsupported('private key policies')),
      getPrivateDataValidationParameter: () => Promise.reject(unsupported('private key policies')),
      getPrivateDataByRange: (collection: string, startKey: string, endKey: string) => {
        try {
          this.#checkPrivateRead(collection);
          this.#checkPrivateQuery();
        } catch (error) {
          return rejected(error as Error);
        }
        return this.#privateRange({ collection, startKey, endKey });
      },
      getPrivateDataByPartialCompositeKey: (
        collection: string,
        objectType: string,
        attributes: string[],
      ) => {
        try {
          this.#checkPrivateRead(collection);
          this.#checkPrivateQuery();
        } catch (error) {
          return rejected(error as Error);
        }
        const partial = createCompositeKey(objectType, attributes);
        return this.#privateRange({
          collection,
          startKey: partial,
          endKey: partial + MAX_UNICODE_RUNE,
        });
      },
      getPrivateDataQueryResult: () =>
        rejected(new Error('ExecuteQuery not supported for leveldb')),
    };
    return stub;
  }
}

/** A fresh, empty in-memory ledger (with the collections given, none by default). */
export function createInMemoryLedger(
  options: Readonly<InMemoryLedgerOptions> = {},
): InMemoryLedger {
  return new Ledger(options);
}
