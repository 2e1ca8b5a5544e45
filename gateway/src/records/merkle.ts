/**
 * RFC 6962 Merkle trees of record batches, built the way the gateway needs them: all levels in one
 * pass, so that a batch of n items gets all n audit paths in O(n log n) (the verifier's
 * `inclusionProof` recomputes the tree per leaf). Leaf and node hashing are the verifier's; the
 * chaincode keeps its own copy only because its package cannot ship a workspace dependency yet.
 */
import { leafHash, nodeHash } from '@consent-ledger/verifier';

export { leafHash, nodeHash };

/** One item of a batch, as hashed into its leaf. */
export interface BatchItem {
  readonly recordId: string;
  readonly patientId: string;
  readonly category: string;
  readonly sha256: string;
}

/** The leaf bytes of an item: its sorted-key JSON `{"category","patientId","recordId","sha256"}`. */
export function leafBytes(item: BatchItem): Buffer {
  return Buffer.from(
    JSON.stringify({
      category: item.category,
      patientId: item.patientId,
      recordId: item.recordId,
      sha256: item.sha256,
    }),
    'utf8',
  );
}

/**
 * Every level of the tree over `leafHashes`, leaves first, root last. Building bottom-up and
 * carrying an odd last node up unchanged gives exactly RFC 6962's tree (split at the largest
 * power of two below n).
 */
export function treeLevels(leafHashes: readonly Buffer[]): Buffer[][] {
  if (leafHashes.length === 0) throw new RangeError('a Merkle tree needs at least one leaf');
  const levels: Buffer[][] = [[...leafHashes]];
  let level = levels[0] ?? [];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let index = 0; index < level.length; index += 2) {
      const left = level[index];
      const right = level[index + 1];
      if (left === undefined) break;
      next.push(right === undefined ? left : nodeHash(left, right));
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The root of a tree built by {@link treeLevels}. */
export function rootOf(levels: readonly (readonly Buffer[])[]): Buffer {
  const root = levels.at(-1)?.[0];
  if (root === undefined) throw new RangeError('empty tree');
  return root;
}

/** RFC 6962 audit path of leaf `index`, leaf side first, as hex. */
export function auditPath(levels: readonly (readonly Buffer[])[], index: number): string[] {
  const path: string[] = [];
  let position = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = level[position ^ 1];
    if (sibling !== undefined) path.push(sibling.toString('hex'));
    position >>= 1;
  }
  return path;
}

/** Verifies an audit path (RFC 9162, 2.1.3.2). */
export function verifyAuditPath(
  proof: Readonly<{
    leafHash: Buffer;
    index: number;
    size: number;
    path: readonly string[];
    root: Buffer;
  }>,
): boolean {
  if (proof.index < 0 || proof.index >= proof.size) return false;
  let fn = proof.index;
  let sn = proof.size - 1;
  let hash = proof.leafHash;
  for (const hex of proof.path) {
    if (sn === 0) return false;
    const sibling = Buffer.from(hex, 'hex');
    if ((fn & 1) === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      while ((fn & 1) === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && hash.equals(proof.root);
}
