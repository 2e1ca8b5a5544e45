import { createHash } from 'node:crypto';
import {
  batchLeaf,
  leafHash,
  nodeHash,
  rootOfLevels,
  toHex,
  treeLevels,
  verifyInclusion,
} from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { auditPathHex, batchTree } from './records.service.js';

/** RFC 6962 section 2.1, literally: MTH and PATH by recursive splitting. */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const leaves = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => new TextEncoder().encode(`leaf ${i}`));

const fromHexPath = (hex: readonly string[]): Uint8Array[] =>
  hex.map((each) => Uint8Array.from(Buffer.from(each, 'hex')));

/**
 * The RFC 6962 trees and audit paths the gateway builds for its batches (ledger-api's Merkle code,
 * the hex paths POST /records/batches hands out).
 */
describe('RFC 6962 Merkle trees of batches', () => {
  it('matches the RFC definition of the root and every audit path for sizes 1..70', () => {
    for (let n = 1; n <= 70; n += 1) {
      const data = leaves(n);
      const levels = treeLevels(data.map(leafHash));
      expect(toHex(rootOfLevels(levels)), `root of ${n}`).toBe(toHex(mth(data)));
      for (let m = 0; m < n; m += 1) {
        const expected = path(m, data).map(toHex);
        const actual = auditPathHex(levels, m);
        expect(actual, `path ${m} of ${n}`).toEqual(expected);
        expect(
          verifyInclusion({
            leaf: data[m]!,
            leafIndex: m,
            treeSize: n,
            auditPath: fromHexPath(actual),
            root: rootOfLevels(levels),
          }),
        ).toBe(true);
      }
    }
  });

  it('refuses a wrong leaf, index, size or path', () => {
    const data = leaves(13);
    const levels = treeLevels(data.map(leafHash));
    const root = rootOfLevels(levels);
    const proof = {
      leaf: data[5]!,
      leafIndex: 5,
      treeSize: 13,
      auditPath: fromHexPath(auditPathHex(levels, 5)),
      root,
    };
    expect(verifyInclusion(proof)).toBe(true);
    expect(verifyInclusion({ ...proof, leaf: new TextEncoder().encode('tampered') })).toBe(false);
    expect(verifyInclusion({ ...proof, leafIndex: 4 })).toBe(false);
    expect(verifyInclusion({ ...proof, treeSize: 8 })).toBe(false);
    expect(verifyInclusion({ ...proof, auditPath: proof.auditPath.slice(1) })).toBe(false);
    expect(verifyInclusion({ ...proof, leafIndex: 13 })).toBe(false);
  });

  it('hashes an item as its sorted-key JSON, its salt included', () => {
    const item = {
      sha256: 'ab',
      recordId: 'r1',
      patientId: 'pid-x',
      category: 'imaging' as const,
      salt: 'c2FsdA',
    };
    expect(new TextDecoder().decode(batchLeaf(item))).toBe(
      '{"category":"imaging","patientId":"pid-x","recordId":"r1","salt":"c2FsdA","sha256":"ab"}',
    );
    expect(() => batchTree([])).toThrow(RangeError);
  });
});
