import { describe, expect, it } from 'vitest';
import {
  homeEndorsers,
  partyEndorsers,
  publicEndorsers,
  regulatorEndorsers,
  seedingEndorsers,
} from './endorsers.ts';

const orgs = {
  mspIds: ['GovMSP', 'TertiaryHospitalMSP', 'CommunityHospitalMSP', 'EnterpriseMSP', 'ResearchMSP'],
};

describe('endorsers of the workloads', () => {
  it("names the patient's home and the regulator for signed actions", () => {
    expect(homeEndorsers('TertiaryHospitalMSP')).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
  });

  it("names the caller's organization and the patient's home for a write in their pair", () => {
    expect(
      partyEndorsers(orgs, { own: 'CommunityHospitalMSP', home: 'TertiaryHospitalMSP' }),
    ).toEqual(['CommunityHospitalMSP', 'TertiaryHospitalMSP']);
    // The home's own collection needs the home and the regulator.
    expect(
      partyEndorsers(orgs, { own: 'TertiaryHospitalMSP', home: 'TertiaryHospitalMSP' }),
    ).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
  });

  it('names two organizations for public writes, every one for seeding, the regulator for batches', () => {
    expect(publicEndorsers(orgs, 'TertiaryHospitalMSP')).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
    expect(publicEndorsers(orgs, 'GovMSP')).toEqual(['GovMSP', 'TertiaryHospitalMSP']);
    expect(seedingEndorsers(orgs)).toEqual(orgs.mspIds);
    expect(regulatorEndorsers('TertiaryHospitalMSP')).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
    expect(regulatorEndorsers('GovMSP')).toEqual(['GovMSP']);
  });
});
