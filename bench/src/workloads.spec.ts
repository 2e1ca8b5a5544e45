import { describe, expect, it } from 'vitest';
import { batchLeaf, SALT_PATTERN, type Purpose } from '@consent-ledger/ledger-api';
import { batchInput, unrelatedConsent, type UnrelatedGrantee } from './workloads.ts';

const grantees: UnrelatedGrantee[] = [
  { org: 'GovMSP', type: 'government' },
  { org: 'TertiaryHospitalMSP', type: 'hospital' },
  { org: 'EnterpriseMSP', type: 'enterprise' },
  { org: 'ResearchMSP', type: 'research' },
];

describe('workload inputs', () => {
  it('spreads unrelated consents over the other organizations, each with a fitting role and purpose', () => {
    const consents = Array.from({ length: 8 }, (_, n) => unrelatedConsent(grantees, n));
    expect(consents.map((consent) => consent.grantee?.org)).toEqual([
      ...grantees.map((grantee) => grantee.org),
      ...grantees.map((grantee) => grantee.org),
    ]);
    const purposes: (Purpose | undefined)[] = consents.slice(0, 4).map((c) => c.purposes?.[0]);
    expect(purposes).toEqual(['public-health', 'treatment', 'insurance', 'research']);
    expect(consents[3]?.grantee?.role).toBe('researcher');
    expect(() => unrelatedConsent([], 0)).toThrow(RangeError);
  });

  it('salts every batch item with its own salt', () => {
    const batch = batchInput('bat-test', 3, 'pid-aaaaaaaaaaaaaaaa');
    expect(batch.items).toHaveLength(3);
    const salts = batch.items.map((item) => item.salt);
    for (const salt of salts) expect(salt).toMatch(SALT_PATTERN);
    expect(new Set(salts).size).toBe(3);
    // The same item under another salt makes another leaf.
    const [first, second] = batch.items;
    if (first === undefined || second === undefined) throw new Error('no items');
    expect(batchLeaf({ ...first, salt: second.salt })).not.toEqual(batchLeaf(first));
  });
});
