import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auditPath,
  leafBytes,
  leafHash,
  nodeHash,
  rootOf,
  treeLevels,
  verifyAuditPath,
} from './merkle.js';

/** RFC 6962 section 2.1, literally: MTH and PATH by recursive splitting. */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const leaves = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));

describe('RFC 6962 Merkle trees', () => {
  it('matches the RFC definition of the root and every audit path for sizes 1..70', () => {
    for (let n = 1; n <= 70; n += 1) {
      const data = leaves(n);
      const levels = treeLevels(data.map(leafHash));
      expect(rootOf(levels).equals(mth(data)), `root of ${n}`).toBe(true);
      for (let m = 0; m < n; m += 1) {
        const expected = path(m, data).map((hash) => hash.toString('hex'));
        const actual = auditPath(levels, m);
        expect(actual, `path ${m} of ${n}`).toEqual(expected);
        expect(
          verifyAuditPath({
            leafHash: leafHash(data[m]!),
            index: m,
            size: n,
            path: actual,
            root: rootOf(levels),
          }),
        ).toBe(true);
      }
    }
  });

  it('refuses a wrong leaf, index, size or path', () => {
    const data = leaves(13);
    const levels = treeLevels(data.map(leafHash));
    const root = rootOf(levels);
    const proof = {
      leafHash: leafHash(data[5]!),
      index: 5,
      size: 13,
      path: auditPath(levels, 5),
      root,
    };
    expect(verifyAuditPath(proof)).toBe(true);
    expect(verifyAuditPath({ ...proof, leafHash: leafHash(Buffer.from('tampered')) })).toBe(false);
    expect(verifyAuditPath({ ...proof, index: 4 })).toBe(false);
    expect(verifyAuditPath({ ...proof, size: 8 })).toBe(false);
    expect(verifyAuditPath({ ...proof, path: proof.path.slice(1) })).toBe(false);
    expect(verifyAuditPath({ ...proof, index: 13 })).toBe(false);
  });

  it('hashes an item as its sorted-key JSON', () => {
    const item = { sha256: 'ab', recordId: 'r1', patientId: 'pid-x', category: 'imaging' };
    expect(leafBytes(item).toString('utf8')).toBe(
      '{"category":"imaging","patientId":"pid-x","recordId":"r1","sha256":"ab"}',
    );
    expect(() => treeLevels([])).toThrow(RangeError);
  });
});
