import { describe, expect, it } from 'vitest';
import type { Caller } from './ledger-context';
import {
  canRead,
  isAdminOf,
  isRegulator,
  readableCollections,
  requireHomeReader,
  requireMemberOf,
  requireReader,
  scopedForHome,
  scopedOrganization,
} from './guards';

const MSPS = ['GovMSP', 'HospA', 'HospB', 'Lab'];
const base = { idHash: 'h', orgType: 'hospital' as const };
const homeAdmin: Caller = { ...base, mspId: 'HospA', role: 'admin' };
const clinician: Caller = { ...base, mspId: 'HospA', role: 'clinician' };
const otherAdmin: Caller = { ...base, mspId: 'HospB', role: 'admin' };
const regulator: Caller = { ...base, mspId: 'GovMSP', role: 'regulator', orgType: 'government' };
const govAdmin: Caller = { ...base, mspId: 'GovMSP', role: 'admin', orgType: 'government' };
const foreignRegulator: Caller = { ...base, mspId: 'HospB', role: 'regulator' };
const subject = { home: 'HospA', orgs: ['Lab'], what: 'thing' };

describe('guards', () => {
  it('knows the regulator (GovMSP only) and admins of an organization', () => {
    expect(isRegulator(regulator)).toBe(true);
    expect(isRegulator(foreignRegulator)).toBe(false);
    expect(isRegulator(govAdmin)).toBe(false);
    expect(isAdminOf(homeAdmin, 'HospA')).toBe(true);
    expect(isAdminOf(clinician, 'HospA')).toBe(false);
  });

  it("lets the regulator, the home's admins and the parties read; nobody else", () => {
    for (const reader of [regulator, homeAdmin]) requireReader(reader, subject);
    requireReader({ ...base, mspId: 'Lab', role: 'analyst' }, subject);
    for (const stranger of [clinician, otherAdmin, foreignRegulator, govAdmin]) {
      expect(canRead(stranger, subject)).toBe(false);
      expect(() => {
        requireReader(stranger, subject);
      }).toThrow(/^FORBIDDEN: thing is not visible/);
    }
    // A deny to everyone has no party: its home and the regulator only.
    expect(() => {
      requireReader(clinician, { home: 'HospA', what: 'deny to everyone' });
    }).toThrow(/FORBIDDEN/);
    requireHomeReader(homeAdmin, subject);
    expect(() => {
      requireHomeReader({ ...base, mspId: 'Lab', role: 'admin' }, subject);
    }).toThrow(/FORBIDDEN/);
  });

  it('reads only the collections its organization holds, the regulator all of them', () => {
    expect(readableCollections(regulator, MSPS)).toHaveLength(7);
    expect(readableCollections(foreignRegulator, MSPS)).toEqual([
      'org_HospB',
      'pair_HospA_HospB',
      'pair_HospB_Lab',
    ]);
    expect(readableCollections(govAdmin, MSPS)).toEqual(readableCollections(regulator, MSPS));
    expect(() => {
      requireMemberOf(otherAdmin, { collection: 'org_HospA', members: ['HospA', 'GovMSP'] });
    }).toThrow(/^FORBIDDEN: HospB does not hold org_HospA/);
    requireMemberOf(regulator, { collection: 'org_HospA', members: ['HospA', 'GovMSP'] });
  });

  it('forces the organization of queries, but for the regulator and admins reading as a home', () => {
    expect(scopedOrganization(clinician, undefined)).toBe('HospA');
    expect(() => scopedOrganization(clinician, 'HospB')).toThrow(/FORBIDDEN/);
    expect(scopedOrganization(regulator, 'HospB')).toBe('HospB');
    expect(scopedOrganization(regulator, undefined)).toBeUndefined();
    expect(() => scopedOrganization(homeAdmin, 'HospB')).toThrow(/FORBIDDEN/);
    expect(scopedForHome(homeAdmin, 'HospB')).toBe('HospB');
    expect(scopedForHome(homeAdmin, undefined)).toBeUndefined();
    expect(scopedForHome(clinician, undefined)).toBe('HospA');
    expect(() => scopedForHome(clinician, 'HospB')).toThrow(/FORBIDDEN/);
    expect(scopedForHome(regulator, 'HospB')).toBe('HospB');
  });
});
