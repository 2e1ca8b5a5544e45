import { describe, expect, it } from 'vitest';
import type { Caller } from './ledger-context';
import {
  readScope,
  requireOwnPatient,
  requirePatientSelf,
  requireReader,
  scopedOrganization,
  scopedPatient,
} from './guards';

const base = { idHash: 'h', orgType: 'hospital' as const };
const patient: Caller = { ...base, mspId: 'HospA', role: 'patient', patientId: 'pid-a' };
const clinician: Caller = { ...base, mspId: 'HospA', role: 'clinician' };
const regulator: Caller = { ...base, mspId: 'GovMSP', role: 'regulator', orgType: 'government' };
const foreignRegulator: Caller = { ...base, mspId: 'HospB', role: 'regulator' };
const subject = { patientId: 'pid-a', orgs: ['HospA'], what: 'thing' };

describe('guards', () => {
  it('derives read scopes: patient, GovMSP regulator, organization', () => {
    expect(readScope(patient)).toEqual({ kind: 'patient', patientId: 'pid-a' });
    expect(readScope(regulator)).toEqual({ kind: 'regulator' });
    expect(readScope(foreignRegulator)).toEqual({ kind: 'organization', mspId: 'HospB' });
    expect(readScope(clinician)).toEqual({ kind: 'organization', mspId: 'HospA' });
  });

  it('checks ownership and readers', () => {
    expect(() => {
      requireOwnPatient(patient, { ...subject, patientId: 'pid-b' });
    }).toThrow(/^FORBIDDEN: thing is about another patient/);
    requireOwnPatient(patient, subject);
    requireOwnPatient(clinician, { ...subject, patientId: 'pid-b' });
    requirePatientSelf(patient, subject);
    expect(() => {
      requirePatientSelf(clinician, subject);
    }).toThrow(/^FORBIDDEN/);
    for (const reader of [patient, clinician, regulator]) requireReader(reader, subject);
    for (const stranger of [foreignRegulator, { ...patient, patientId: 'pid-b' }]) {
      expect(() => {
        requireReader(stranger, subject);
      }).toThrow(/^FORBIDDEN: thing is not visible/);
    }
    expect(() => {
      requireReader(clinician, { patientId: 'pid-a', what: 'deny to everyone' });
    }).toThrow(/FORBIDDEN/);
  });

  it('forces the scope of queries', () => {
    expect(scopedPatient(patient, undefined)).toBe('pid-a');
    expect(() => scopedPatient(patient, 'pid-b')).toThrow(/FORBIDDEN/);
    expect(scopedPatient(clinician, 'pid-b')).toBe('pid-b');
    expect(scopedOrganization(clinician, undefined)).toBe('HospA');
    expect(() => scopedOrganization(clinician, 'HospB')).toThrow(/FORBIDDEN/);
    expect(scopedOrganization(regulator, 'HospB')).toBe('HospB');
    expect(scopedOrganization(patient, undefined)).toBeUndefined();
  });
});
