import { describe, expect, it } from 'vitest';
import {
  collectionEndorsement,
  collectionFor,
  collectionMembers,
  collectionNames,
  collectionsOf,
  endorsersFor,
  pairCollection,
} from './collections.ts';

const MSPS = [
  'GovMSP',
  'TertiaryHospitalMSP',
  'CommunityHospitalMSP',
  'EnterpriseMSP',
  'ResearchMSP',
] as const;

describe('collections', () => {
  it('keeps what a patient shares with another organization with the two and the regulator', () => {
    expect(collectionFor('CommunityHospitalMSP', 'TertiaryHospitalMSP')).toBe(
      'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
    );
    expect(collectionFor('TertiaryHospitalMSP', 'CommunityHospitalMSP')).toBe(
      'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
    );
    expect(collectionFor('CommunityHospitalMSP', 'CommunityHospitalMSP')).toBe(
      'org_CommunityHospitalMSP',
    );
    expect(collectionFor('CommunityHospitalMSP', 'GovMSP')).toBe('org_CommunityHospitalMSP');
    expect(() => pairCollection('GovMSP', 'GovMSP')).toThrow(RangeError);
  });

  it('names 5 organization and 6 pair collections for five organizations, the regulator in each', () => {
    const names = collectionNames(MSPS);
    expect(names).toHaveLength(11);
    for (const name of names) expect(collectionMembers(name, MSPS)).toContain('GovMSP');
    expect(collectionMembers('org_GovMSP', MSPS)).toEqual(['GovMSP']);
    expect(collectionsOf('GovMSP', MSPS)).toEqual(names);
    expect(collectionsOf('EnterpriseMSP', MSPS)).toEqual([
      'org_EnterpriseMSP',
      'pair_CommunityHospitalMSP_EnterpriseMSP',
      'pair_EnterpriseMSP_ResearchMSP',
      'pair_EnterpriseMSP_TertiaryHospitalMSP',
    ]);
    expect(() => collectionMembers('pair_GovMSP_ResearchMSP', MSPS)).toThrow(RangeError);
  });

  it('lets only members endorse: two of a pair, both of an organization collection', () => {
    expect(collectionEndorsement('org_EnterpriseMSP', MSPS)).toEqual({
      outOf: 2,
      peers: ['EnterpriseMSP', 'GovMSP'],
    });
    expect(collectionEndorsement('org_GovMSP', MSPS)).toEqual({ outOf: 1, peers: ['GovMSP'] });
    expect(collectionEndorsement('pair_CommunityHospitalMSP_TertiaryHospitalMSP', MSPS).outOf).toBe(
      2,
    );
  });

  it('names the caller and the preferred members as endorsers, or nothing when they cannot do', () => {
    const pair = 'pair_CommunityHospitalMSP_TertiaryHospitalMSP';
    expect(
      endorsersFor({
        collections: [pair],
        own: 'TertiaryHospitalMSP',
        preferred: ['CommunityHospitalMSP', 'GovMSP'],
        mspIds: MSPS,
      }),
    ).toEqual(['TertiaryHospitalMSP', 'CommunityHospitalMSP']);
    expect(
      endorsersFor({
        collections: [pair, 'org_CommunityHospitalMSP'],
        own: 'CommunityHospitalMSP',
        preferred: ['TertiaryHospitalMSP', 'GovMSP'],
        mspIds: MSPS,
      }),
    ).toEqual(['CommunityHospitalMSP', 'TertiaryHospitalMSP', 'GovMSP']);
    expect(
      endorsersFor({
        collections: [pair],
        own: 'EnterpriseMSP',
        preferred: ['ResearchMSP'],
        mspIds: MSPS,
      }),
    ).toBeUndefined();
  });
});
