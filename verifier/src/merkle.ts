// A copy of chaincode/src/records/merkle.ts (the chaincode is CommonJS and compiled separately):
// keep the two in step; the unit tests of both check the same RFC 6962 vectors.
import { hash } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hashes and inclusion proofs, as in RFC 9162
 * section 2.1: leaf hash `SHA-256(0x00 || leaf)`, node hash `SHA-256(0x01 || left || right)`, the
 * tree over n leaves splitting at the largest power of two below n.
 *
 * Pure and dependency-free apart from node:crypto, so that the gateway and an offline verifier
 * can reuse this very module. Written by hand rather than taken from a library: the generic npm
 * Merkle libraries either duplicate the odd node or omit the leaf/node domain separation, which
 * yields different roots (and second-preimage weaknesses); RFC 6962 is short and exact.
 */

const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

function sha256(...parts: Uint8Array[]): Buffer {
  // One-shot hashing is about twice as fast as createHash() for these small inputs.
  return hash('sha256', Buffer.concat(parts), 'buffer');
}

/** The hash of a leaf: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, leaf);
}

/** The hash of an inner node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/**
 * The levels of the tree over leaf hashes, bottom-up. Pairing neighbours and carrying an odd last
 * node up unchanged builds exactly RFC 6962's tree (its left subtrees are complete).
 */
function levels(leafHashes: readonly Uint8Array[]): Uint8Array[][] {
  const all: Uint8Array[][] = [[...leafHashes]];
  for (let level = all[0] ?? []; level.length > 1;) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i];
      const right = level[i + 1];
      if (left === undefined) break;
      next.push(right === undefined ? left : nodeHash(left, right));
    }
    all.push(next);
    level = next;
  }
  return all;
}

/** The Merkle tree hash of leaf hashes (the empty tree hashes to SHA-256 of nothing). */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return sha256();
  const top = levels(leafHashes).at(-1)?.[0];
  if (top === undefined) throw new Error('unreachable: a non-empty tree has a root');
  return Buffer.from(top);
}

/** The Merkle tree hash (MTH) of a list of leaves. */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/**
 * The inclusion proof (audit path) of the leaf at `index`: the sibling hashes from the leaf up to
 * the root (RFC 6962 PATH(m, D[n])).
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${leaves.length} leaves`);
  }
  const path: Buffer[] = [];
  let position = index;
  for (const level of levels(leaves.map(leafHash))) {
    if (level.length === 1) break;
    const sibling = level[position % 2 === 0 ? position + 1 : position - 1];
    if (sibling !== undefined) path.push(Buffer.from(sibling));
    position = Math.floor(position / 2);
  }
  return path;
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

/** Verifies an inclusion proof (RFC 9162 section 2.1.3.2). */
export function verifyInclusion(claim: Readonly<InclusionClaim>): boolean {
  const { leafIndex, treeSize } = claim;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return false;
  if (leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let hash: Uint8Array = leafHash(claim.leaf);
  for (const sibling of claim.auditPath) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(hash).equals(Buffer.from(claim.root));
}
