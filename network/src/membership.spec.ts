import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedMemberList, checkLeave, MembershipError, writeMemberList } from './membership.ts';
import { topologyFile } from './paths.ts';
import { loadTopology, readMemberList } from './topology.ts';

const founders = loadTopology(topologyFile, { joined: [], left: [] });

function refusal(work: () => unknown): MembershipError {
  try {
    work();
  } catch (error) {
    if (error instanceof MembershipError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('the member list after a join or a leave', () => {
  it('records a candidate that joins, and takes it out again when it leaves', () => {
    const joined = changedMemberList(
      { joined: [], left: [] },
      { name: 'county', joins: true, founder: false },
    );
    expect(joined).toEqual({ joined: ['county'], left: [] });
    expect(changedMemberList(joined, { name: 'county', joins: true, founder: false })).toEqual(
      joined,
    );
    expect(changedMemberList(joined, { name: 'county', joins: false, founder: false })).toEqual({
      joined: [],
      left: ['county'],
    });
  });

  it('lets a founder that left come back without listing it as joined', () => {
    const left = changedMemberList(
      { joined: [], left: [] },
      { name: 'enterprise', joins: false, founder: true },
    );
    expect(left).toEqual({ joined: [], left: ['enterprise'] });
    expect(changedMemberList(left, { name: 'enterprise', joins: true, founder: true })).toEqual({
      joined: [],
      left: [],
    });
  });

  it('writes the list where loadTopology reads it', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'membership-spec-')), 'members.json');
    writeMemberList({ joined: ['county'], left: ['research'] }, file);
    const members = readMemberList(file);
    expect(members).toEqual({ joined: ['county'], left: ['research'] });
    expect(loadTopology(topologyFile, members).organizations.map((org) => org.mspId)).toContain(
      'CountyHospitalMSP',
    );
  });
});

describe('who may leave', () => {
  it('lets a member that runs no orderer leave', () => {
    expect(checkLeave(founders, 'enterprise').mspId).toBe('EnterpriseMSP');
  });

  it('keeps the government, organizations running an orderer, and enough members to endorse', () => {
    expect(refusal(() => checkLeave(founders, 'gov')).code).toBe('GOVERNMENT_STAYS');
    expect(refusal(() => checkLeave(founders, 'county')).code).toBe('NOT_A_MEMBER');
    expect(refusal(() => checkLeave(founders, 'pharmacy')).code).toBe('NOT_A_MEMBER');
    expect(refusal(() => checkLeave(founders, 'tertiary')).code).toBe('RUNS_AN_ORDERER');
    expect(refusal(() => checkLeave(founders, 'community')).code).toBe('RUNS_AN_ORDERER');
    const gov = founders.organizations.find((org) => org.name === 'gov');
    const enterprise = founders.organizations.find((org) => org.name === 'enterprise');
    if (gov === undefined || enterprise === undefined) throw new Error('no founders');
    const two = { ...founders, organizations: [gov, enterprise] };
    expect(refusal(() => checkLeave(two, 'enterprise')).code).toBe('TOO_FEW_MEMBERS');
  });
});
