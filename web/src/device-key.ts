import { generatePatientKey, type ActionSigner, type PatientKey } from '@consent-ledger/ledger-api';

/**
 * The patient's (or guardian's) signing key on this device (docs/patient-keys.md): a WebCrypto
 * ECDSA P-256 key made here as non-extractable, kept in this browser's IndexedDB as the CryptoKey
 * object itself (IndexedDB stores it as it is; its private part can sign but can never be read
 * out, not even by this app). One key per signer: per pseudonym, and per guardian ID.
 */

/** The IndexedDB database and object store the keys live in. */
export const KEY_DATABASE = 'consent-ledger';
/** The object store of {@link StoredKey} records, keyed by `slot`. */
export const KEY_STORE = 'device-keys';

/** A key as this browser keeps it. */
export interface StoredKey extends PatientKey {
  /** Whose key it is ({@link keySlot}). */
  readonly slot: string;
  readonly createdAt: string;
}

/** Where the records live (IndexedDB in the browser; a map in unit tests). */
export interface KeyRecords {
  get(slot: string): Promise<StoredKey | undefined>;
  put(record: StoredKey): Promise<void>;
  delete(slot: string): Promise<void>;
}

/** The keys of this device. */
export interface DeviceKeyStore {
  /** The key this browser holds for a slot; undefined when it holds none. */
  load(slot: string): Promise<StoredKey | undefined>;
  /** Makes a new non-extractable key and keeps it for the slot (replacing any other). */
  create(slot: string): Promise<StoredKey>;
  /**
   * Makes a new key for a first sign-in: it is kept aside (so that storage is known to work before
   * the ledger binds it) while `use` binds it, and becomes the slot's key only once `use` succeeded.
   * A failed or cancelled `use` leaves the slot's current key as it was.
   */
  createFor<T>(slot: string, use: (key: StoredKey) => Promise<T>): Promise<T>;
  /** Forgets the slot's key. */
  remove(slot: string): Promise<void>;
}

/** The slot of a signer's key: `patient:<pseudonym>` or `guardian:<guardian ID>`. */
export function keySlot(signer: Readonly<Pick<ActionSigner, 'kind' | 'id'>>): string {
  return `${signer.kind}:${signer.id}`;
}

/** Where {@link DeviceKeyStore.createFor} keeps a key until it is bound. */
export function pendingSlot(slot: string): string {
  return `pending:${slot}`;
}

/** Whether this browser can make and keep keys (WebCrypto in a secure context, IndexedDB). */
export function deviceKeysSupported(): boolean {
  return (
    typeof indexedDB !== 'undefined' &&
    typeof crypto !== 'undefined' &&
    typeof crypto.subtle !== 'undefined'
  );
}

/** Options of {@link createDeviceKeyStore}. */
export interface DeviceKeyStoreOptions {
  /** IndexedDB by default. */
  readonly records?: KeyRecords;
  /** ledger-api's generatePatientKey (non-extractable) by default. */
  readonly generate?: () => Promise<PatientKey>;
  readonly now?: () => Date;
}

/** The device's key store. */
export function createDeviceKeyStore(
  options: Readonly<DeviceKeyStoreOptions> = {},
): DeviceKeyStore {
  const records = options.records ?? indexedDbKeyRecords();
  const generate = options.generate ?? (() => generatePatientKey({ extractable: false }));
  const now = options.now ?? (() => new Date());
  const make = async (slot: string): Promise<StoredKey> => {
    const key = await generate();
    return { ...key, slot, createdAt: now().toISOString() };
  };
  return {
    load: (slot) => records.get(slot),
    async create(slot) {
      const record = await make(slot);
      await records.put(record);
      return record;
    },
    async createFor(slot, use) {
      const aside = await make(pendingSlot(slot));
      await records.put(aside);
      const result = await use(aside);
      await records.put({ ...aside, slot });
      await records.delete(aside.slot);
      return result;
    },
    remove: (slot) => records.delete(slot),
  };
}

/** Records in a map (unit tests). */
export function memoryKeyRecords(): KeyRecords & { readonly slots: () => string[] } {
  const map = new Map<string, StoredKey>();
  return {
    get: (slot) => Promise.resolve(map.get(slot)),
    put: (record) => {
      map.set(record.slot, record);
      return Promise.resolve();
    },
    delete: (slot) => {
      map.delete(slot);
      return Promise.resolve();
    },
    slots: () => [...map.keys()].sort(),
  };
}

/** A request's outcome as a promise. */
function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB request failed'));
    };
  });
}

/** Records in this browser's IndexedDB ({@link KEY_DATABASE}, store {@link KEY_STORE}). */
export function indexedDbKeyRecords(): KeyRecords {
  let database: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(KEY_DATABASE, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(KEY_STORE, { keyPath: 'slot' });
      };
      request.onsuccess = () => {
        resolve(request.result);
      };
      request.onerror = () => {
        database = undefined;
        reject(
          new Error('This browser does not let the app keep a key (IndexedDB is unavailable).', {
            cause: request.error,
          }),
        );
      };
    });
    return database;
  };
  const read = async (slot: string): Promise<StoredKey | undefined> => {
    const store = (await open()).transaction(KEY_STORE, 'readonly').objectStore(KEY_STORE);
    return (await settled(store.get(slot))) as StoredKey | undefined;
  };
  // A write counts once its transaction has committed, not when its request succeeded.
  const write = async (change: (store: IDBObjectStore) => void): Promise<void> => {
    const transaction = (await open()).transaction(KEY_STORE, 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => {
        resolve();
      };
      transaction.onerror = transaction.onabort = () => {
        reject(transaction.error ?? new Error('The key could not be saved in this browser.'));
      };
    });
    change(transaction.objectStore(KEY_STORE));
    await done;
  };
  return {
    get: read,
    put: (record) =>
      write((store) => {
        store.put(record);
      }),
    delete: (slot) =>
      write((store) => {
        store.delete(slot);
      }),
  };
}
