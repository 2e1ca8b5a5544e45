import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditPathOf,
  batchLeaf,
  fromHex,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromLeafHashes,
  rootOfLevels,
  toHex,
  treeLevels,
  verifyInclusion,
} from './merkle.ts';

// The RFC 6962 test vectors of certificate-transparency (merkle_tree_test): the leaves, the
// roots of the trees over their first n leaves, and some audit paths. The chaincode's former
// node:crypto implementation met the same vectors, so roots and proofs are byte for byte the same.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(fromHex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const PATHS: { index: number; size: number; path: string[] }[] = [
  { index: 0, size: 1, path: [] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const EMPTY_TREE = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const EMPTY = new Uint8Array(0);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const hash = (...parts: readonly Uint8Array[]): Uint8Array => sha256(concat(...parts));

/** RFC 6962 section 2.1, literally: MTH({d(0)}) = H(0x00 || d(0)), split at the largest 2^k < n. */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hash();
  if (leaves.length === 1) return hash(bytes(0), leaves[0] ?? EMPTY);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hash(bytes(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** The leaves 0, 1, ..., n-1, one byte each. */
const counting = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => bytes(i));

describe('RFC 6962 Merkle tree', () => {
  it('hashes leaves and nodes with their domain prefixes', () => {
    expect(toHex(leafHash(EMPTY))).toBe(ROOTS[0]);
    expect(nodeHash(utf8('a'), utf8('b'))).toEqual(hash(bytes(1), utf8('a'), utf8('b')));
    const [a, b, c] = counting(3).map(leafHash);
    expect(merkleRoot(counting(3))).toEqual(nodeHash(nodeHash(a!, b!), c!));
  });

  it('matches the known roots for trees of 1 to 8 leaves, and the empty tree', () => {
    ROOTS.forEach((root, i) => {
      expect(toHex(merkleRoot(LEAVES.slice(0, i + 1)))).toBe(root);
    });
    expect(toHex(merkleRoot([]))).toBe(EMPTY_TREE);
    expect(toHex(rootFromLeafHashes(LEAVES.map(leafHash)))).toBe(ROOTS[7]);
    expect(toHex(rootOfLevels(treeLevels([])))).toBe(EMPTY_TREE);
  });

  it('produces and verifies the known audit paths', () => {
    for (const { index, size, path } of PATHS) {
      const leaves = LEAVES.slice(0, size);
      expect(inclusionProof(leaves, index).map(toHex)).toEqual(path);
      expect(auditPathOf(treeLevels(leaves.map(leafHash)), index).map(toHex)).toEqual(path);
      expect(
        verifyInclusion({
          leaf: LEAVES[index] ?? EMPTY,
          leafIndex: index,
          treeSize: size,
          auditPath: path.map(fromHex),
          root: fromHex(ROOTS[size - 1] ?? ''),
        }),
      ).toBe(true);
    }
  });

  it('refuses impossible indexes and sizes', () => {
    expect(() => inclusionProof(LEAVES, 8)).toThrow(RangeError);
    expect(() => inclusionProof(LEAVES, -1)).toThrow(RangeError);
    const claim = { leaf: LEAVES[0] ?? EMPTY, auditPath: [], root: fromHex(ROOTS[0] ?? '') };
    expect(verifyInclusion({ ...claim, leafIndex: 0, treeSize: 1 })).toBe(true);
    expect(verifyInclusion({ ...claim, leafIndex: 1, treeSize: 1 })).toBe(false);
    expect(verifyInclusion({ ...claim, leafIndex: 0, treeSize: 0 })).toBe(false);
    expect(verifyInclusion({ ...claim, leafIndex: 0.5, treeSize: 1 })).toBe(false);
    // A path longer than the tree is deep is refused.
    expect(
      verifyInclusion({ ...claim, leafIndex: 0, treeSize: 1, auditPath: [new Uint8Array(32)] }),
    ).toBe(false);
  });

  it('rejects a flipped byte anywhere in the audit path', () => {
    const all = counting(11);
    const root = merkleRoot(all);
    const auditPath = inclusionProof(all, 6);
    auditPath.forEach((_, level) => {
      const changed = auditPath.map((node) => Uint8Array.from(node));
      changed[level]![0] = changed[level]![0]! ^ 0x01;
      expect(
        verifyInclusion({ leaf: all[6]!, leafIndex: 6, treeSize: 11, auditPath: changed, root }),
      ).toBe(false);
    });
  });
});

const leavesArbitrary = fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 70 });

describe('Merkle properties', () => {
  it('equals the recursive RFC 6962 definition for every size, powers of two or not', () => {
    fc.assert(
      fc.property(leavesArbitrary, (leaves) => {
        expect(merkleRoot(leaves)).toEqual(referenceRoot(leaves));
      }),
      { numRuns: 150 },
    );
    for (let size = 1; size <= 33; size += 1) {
      const leaves = counting(size);
      expect(merkleRoot(leaves)).toEqual(referenceRoot(leaves));
    }
  });

  it('verifies every member of trees up to 70 leaves and rejects other positions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (size, pick) => {
        const all = counting(size);
        const index = pick % size;
        const root = merkleRoot(all);
        const auditPath = inclusionProof(all, index);
        const claim = { leaf: all[index]!, leafIndex: index, treeSize: size, auditPath, root };
        expect(verifyInclusion(claim)).toBe(true);
        if (size > 1) {
          expect(verifyInclusion({ ...claim, leafIndex: (index + 1) % size })).toBe(false);
        }
        expect(verifyInclusion({ ...claim, leaf: bytes(0xff) })).toBe(false);
      }),
    );
  });

  it('verifies every generated proof, and no proof once any byte is flipped', () => {
    fc.assert(
      fc.property(
        leavesArbitrary.chain((leaves) =>
          fc.tuple(fc.constant(leaves), fc.nat(leaves.length - 1), fc.nat(), fc.nat(255)),
        ),
        ([leaves, index, where, bit]) => {
          const root = merkleRoot(leaves);
          const auditPath = inclusionProof(leaves, index);
          const leaf = leaves[index] ?? EMPTY;
          const claim = { leaf, leafIndex: index, treeSize: leaves.length, auditPath, root };
          expect(verifyInclusion(claim)).toBe(true);

          const flip = (data: Uint8Array, at: number): Uint8Array => {
            const copy = Uint8Array.from(data);
            const position = at % copy.length;
            copy[position] = (copy[position] ?? 0) ^ (1 << (bit % 8));
            return copy;
          };
          expect(verifyInclusion({ ...claim, root: flip(root, where) })).toBe(false);
          if (leaf.length > 0)
            expect(verifyInclusion({ ...claim, leaf: flip(leaf, where) })).toBe(false);
          expect(verifyInclusion({ ...claim, leaf: concat(leaf, bytes(bit)) })).toBe(false);
          if (auditPath.length > 0) {
            const node = where % auditPath.length;
            const tampered = auditPath.map((each, i) => (i === node ? flip(each, where) : each));
            expect(verifyInclusion({ ...claim, auditPath: tampered })).toBe(false);
            expect(verifyInclusion({ ...claim, auditPath: auditPath.slice(0, -1) })).toBe(false);
          }
          if (leaves.length > 1) {
            const other = (index + 1 + (where % (leaves.length - 1))) % leaves.length;
            if (toHex(leaves[other] ?? EMPTY) !== toHex(leaf)) {
              expect(verifyInclusion({ ...claim, leafIndex: other })).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives audit paths of the RFC 6962 length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, pick) => {
        const leaves = Array.from({ length: size }, (_, i) => utf8(String(i)));
        const index = pick % size;
        const expected = (n: number, m: number): number => {
          if (n <= 1) return 0;
          let k = 1;
          while (k * 2 < n) k *= 2;
          return 1 + (m < k ? expected(k, m) : expected(n - k, m - k));
        };
        expect(inclusionProof(leaves, index)).toHaveLength(expected(size, index));
      }),
      { numRuns: 200 },
    );
  });
});

describe('batch leaves and hex', () => {
  it('makes a batch item its sorted-key JSON with its salt, whatever the order of its fields', () => {
    const item = {
      sha256: 'ab'.repeat(32),
      salt: 'c2FsdHNhbHRzYWx0c2FsdA',
      recordId: 'his:2026.1',
      patientId: 'pid-abcdefghijklmnop',
      category: 'imaging',
    } as const;
    expect(new TextDecoder().decode(batchLeaf(item))).toBe(
      `{"category":"imaging","patientId":"pid-abcdefghijklmnop","recordId":"his:2026.1","salt":"c2FsdHNhbHRzYWx0c2FsdA","sha256":"${'ab'.repeat(32)}"}`,
    );
  });

  it('gives the same reading different leaf hashes under different salts', () => {
    const reading = {
      sha256: 'cd'.repeat(32),
      recordId: 'hr:1',
      patientId: 'pid-abcdefghijklmnop',
      category: 'wearable',
    } as const;
    const one = leafHash(batchLeaf({ ...reading, salt: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    const two = leafHash(batchLeaf({ ...reading, salt: 'AAAAAAAAAAAAAAAAAAAAAB' }));
    expect(toHex(one)).not.toBe(toHex(two));
  });

  it('round-trips lower-case hex', () => {
    expect(toHex(bytes(0, 1, 0xab, 0xff))).toBe('0001abff');
    expect(fromHex('0001abff')).toEqual(bytes(0, 1, 0xab, 0xff));
    expect(() => fromHex('abc')).toThrow();
  });
});
