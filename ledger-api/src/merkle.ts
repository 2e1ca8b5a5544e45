import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { BatchItem } from './records.api.ts';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hashes and inclusion proofs, as in RFC 9162
 * section 2.1: leaf hash `SHA-256(0x00 || leaf)`, node hash `SHA-256(0x01 || left || right)`, the
 * tree over n leaves splitting at the largest power of two below n. The one implementation of the
 * project: the chaincode anchors batch roots with it, the gateway hands out every item's proof,
 * the offline verifier checks proofs, and the web app can verify in the browser.
 *
 * Written by hand rather than taken from a library: the generic npm Merkle libraries either
 * duplicate the odd node or omit the leaf/node domain separation, which yields different roots (and
 * second-preimage weaknesses); RFC 6962 is short and exact. SHA-256 is @noble/hashes' (audited,
 * synchronous, the same in Node.js and browsers), not node:crypto, so that this module runs
 * everywhere the package is imported.
 */

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

function prefixed(prefix: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 1);
  const out = new Uint8Array(length);
  out[0] = prefix;
  let offset = 1;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The hash of a leaf: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256(prefixed(LEAF_PREFIX, leaf));
}

/** The hash of an inner node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(prefixed(NODE_PREFIX, left, right));
}

/**
 * Every level of the tree over leaf hashes, leaves first, root last. Pairing neighbours and
 * carrying an odd last node up unchanged builds exactly RFC 6962's tree (its left subtrees are
 * complete). One pass gives every audit path ({@link auditPathOf}) in O(n log n).
 */
export function treeLevels(leafHashes: readonly Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [[...leafHashes]];
  for (let level = levels[0] ?? []; level.length > 1;) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i];
      const right = level[i + 1];
      if (left === undefined) break;
      next.push(right === undefined ? left : nodeHash(left, right));
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The root of a tree built by {@link treeLevels} (the empty tree hashes to SHA-256 of nothing). */
export function rootOfLevels(levels: readonly (readonly Uint8Array[])[]): Uint8Array {
  const top = levels.at(-1);
  if (top === undefined || top.length === 0) return sha256(new Uint8Array(0));
  const root = top[0];
  if (root === undefined) throw new Error('unreachable: a non-empty level has a first node');
  return root;
}

/** The Merkle tree hash of leaf hashes. */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  return rootOfLevels(treeLevels(leafHashes));
}

/** The Merkle tree hash (MTH) of a list of leaves. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/**
 * The audit path of the leaf at `index` in a tree built by {@link treeLevels}: the sibling hashes
 * from the leaf up to the root (RFC 6962 PATH(m, D[n])).
 */
export function auditPathOf(
  levels: readonly (readonly Uint8Array[])[],
  index: number,
): Uint8Array[] {
  const size = levels[0]?.length ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
  }
  const path: Uint8Array[] = [];
  let position = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = level[position ^ 1];
    if (sibling !== undefined) path.push(sibling);
    position >>= 1;
  }
  return path;
}

/** The inclusion proof (audit path) of the leaf at `index` among `leaves`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return auditPathOf(treeLevels(leaves.map(leafHash)), index);
}

/** What {@link verifyInclusion} checks. */
export interface InclusionClaim {
  /** The leaf's data (hashed as a leaf). */
  readonly leaf: Uint8Array;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly auditPath: readonly Uint8Array[];
  readonly root: Uint8Array;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** Verifies an inclusion proof (RFC 9162 section 2.1.3.2). */
export function verifyInclusion(claim: Readonly<InclusionClaim>): boolean {
  const { leafIndex, treeSize } = claim;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return false;
  if (leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let hash = leafHash(claim.leaf);
  for (const sibling of claim.auditPath) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(hash, claim.root);
}

/**
 * The Merkle leaf of a batch item: the UTF-8 of its sorted-key JSON
 * `{"category","patientId","recordId","salt","sha256"}` (the fields are validated IDs, base64url
 * and hex, so this is exactly the chaincode's sorted-key JSON of the item). The salt makes the
 * leaf's hash useless for guessing a reading. Any five strings are accepted, so that a verifier can
 * rebuild the leaf a bundle claims without first judging its category.
 */
export function batchLeaf(item: Readonly<Record<keyof BatchItem, string>>): Uint8Array {
  return utf8ToBytes(
    JSON.stringify({
      category: item.category,
      patientId: item.patientId,
      recordId: item.recordId,
      salt: item.salt,
      sha256: item.sha256,
    }),
  );
}

/** Bytes as lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Hex as bytes (throws on malformed hex). */
export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}
