import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, merkleRoot, nodeHash, verifyInclusion } from './merkle.ts';

const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.of(i));

describe('RFC 6962 Merkle verification (the verifier’s copy)', () => {
  it('hashes leaves and nodes with domain separation', () => {
    expect(merkleRoot([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    // RFC 6962 test vector: the hash of the empty leaf.
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const [a, b, c] = leaves(3).map(leafHash);
    expect(merkleRoot(leaves(3))).toEqual(nodeHash(nodeHash(a!, b!), c!));
  });

  it('verifies every member of trees up to 70 leaves and rejects other positions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (size, pick) => {
        const all = leaves(size);
        const index = pick % size;
        const root = merkleRoot(all);
        const auditPath = inclusionProof(all, index);
        const claim = { leaf: all[index]!, leafIndex: index, treeSize: size, auditPath, root };
        expect(verifyInclusion(claim)).toBe(true);
        if (size > 1) {
          expect(verifyInclusion({ ...claim, leafIndex: (index + 1) % size })).toBe(false);
        }
        expect(verifyInclusion({ ...claim, leaf: Buffer.of(0xff) })).toBe(false);
      }),
    );
  });

  it('rejects a flipped byte anywhere in the audit path', () => {
    const all = leaves(11);
    const root = merkleRoot(all);
    const auditPath = inclusionProof(all, 6);
    auditPath.forEach((_, level) => {
      const changed = auditPath.map((hash) => Buffer.from(hash));
      changed[level]![0] = changed[level]![0]! ^ 0x01;
      expect(
        verifyInclusion({ leaf: all[6]!, leafIndex: 6, treeSize: 11, auditPath: changed, root }),
      ).toBe(false);
    });
  });
});
