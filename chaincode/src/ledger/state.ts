import type { ChaincodeStub } from 'fabric-shim-api';
import {
  INDEX_VALUE,
  KEY_TYPES,
  stateKey,
  type DocumentKeyType,
  type IndexKeyType,
  type KeyPath,
  type StateValues,
} from './keys';
import { marshal, unmarshal } from './marshal';

/**
 * Typed access to the world state: documents through marshal()/unmarshal() with the value type
 * keys.ts declares for their key type, index entries as {@link INDEX_VALUE}. Reads see committed
 * state only (as on a peer), never this transaction's own writes.
 */

/**
 * The document stored under a key of a type. State is only written by this chaincode, through
 * {@link writeDocument} with the same type, so the decoded value is trusted to have it.
 */
export function decodeDocument<K extends DocumentKeyType>(
  _type: K,
  bytes: Uint8Array,
): StateValues[K] {
  return unmarshal(bytes) as StateValues[K];
}

/** The document under a key, or undefined when the key does not exist. */
export async function readDocument<K extends DocumentKeyType>(
  stub: ChaincodeStub,
  path: KeyPath<K>,
): Promise<StateValues[K] | undefined> {
  const bytes = await stub.getState(stateKey(stub, path));
  return bytes.length === 0 ? undefined : decodeDocument(path[0], bytes);
}

/** A document to write: its key and its value. */
export interface DocumentWrite<K extends DocumentKeyType> {
  readonly key: KeyPath<K>;
  readonly value: StateValues[K];
}

/** Writes a document under a key. */
export async function writeDocument<K extends DocumentKeyType>(
  stub: ChaincodeStub,
  write: Readonly<DocumentWrite<K>>,
): Promise<void> {
  await stub.putState(stateKey(stub, write.key), marshal(write.value));
}

/** Writes an index entry. */
export async function writeIndex(stub: ChaincodeStub, path: KeyPath<IndexKeyType>): Promise<void> {
  await stub.putState(stateKey(stub, path), INDEX_VALUE);
}

/** Deletes an index entry. */
export async function deleteIndex(stub: ChaincodeStub, path: KeyPath<IndexKeyType>): Promise<void> {
  await stub.deleteState(stateKey(stub, path));
}

/** One entry of a composite-key range: its key, its attributes and its value. */
export interface IndexEntry {
  readonly key: string;
  readonly attributes: readonly string[];
  readonly value: Uint8Array;
}

/**
 * Every entry under a partial composite key, in key order, without pagination (usable in submit
 * transactions, where Fabric refuses paginated queries). Stop early by breaking out of the loop.
 */
export async function* entriesUnder(
  stub: ChaincodeStub,
  path: KeyPath,
): AsyncGenerator<IndexEntry> {
  const [type, ...prefix] = path;
  const iterator = await stub.getStateByPartialCompositeKey(KEY_TYPES[type], prefix);
  let exhausted = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      yield toEntry(stub, next.value);
    }
  } finally {
    // The peer frees an iterator itself once it has sent the last result (and every iterator at
    // the end of the transaction): closing an exhausted one only costs another chaincode-to-peer
    // round trip. An iterator left early (a break in the caller's loop) is closed.
    if (!exhausted) await iterator.close();
  }
}

/** Every document under a partial composite key, in key order. */
export async function* documentsUnder<K extends DocumentKeyType>(
  stub: ChaincodeStub,
  path: KeyPath<K>,
): AsyncGenerator<StateValues[K]> {
  for await (const entry of entriesUnder(stub, path)) yield decodeDocument(path[0], entry.value);
}

/** An entry from a key and value returned by a range query. */
export function toEntry(
  stub: ChaincodeStub,
  kv: { readonly key: string; readonly value: Uint8Array },
): IndexEntry {
  return { key: kv.key, attributes: stub.splitCompositeKey(kv.key).attributes, value: kv.value };
}
