import { LedgerError } from '../common/errors.js';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.js';
import { FakeLedgerClient } from '../testing/fake-ledger.client.js';
import {
  createEndorsers,
  createPatientHomes,
  organizationsOf,
  planFor,
  type Endorsers,
} from './endorsers.js';

const PATIENT = 'pid-abcdefghijklmnop';

/** The endorsers of a gateway of `own`; the patient is homed at the community hospital. */
function endorsersOf(own: string, ledger = new FakeLedgerClient()): Endorsers {
  ledger.place(PATIENT, 'CommunityHospitalMSP');
  return createEndorsers({ ledger, own, homes: createPatientHomes(openDatabase(':memory:')) });
}

describe('the endorsers of each transaction', () => {
  it("names the patient's home and the regulator for what the patient signs and the binding", async () => {
    for (const own of ['CommunityHospitalMSP', 'GovMSP', 'TertiaryHospitalMSP']) {
      const endorsers = endorsersOf(own);
      for (const transaction of [
        'consent:GrantConsent',
        'consent:EraseConsent',
        'patient:ActivatePatient',
        'patient:ApproveRecovery',
      ] as const) {
        const plan = await endorsers.plan(transaction, { patientId: PATIENT });
        expect(plan?.collections).toEqual(['org_CommunityHospitalMSP']);
        expect([...(plan?.organizations ?? [])].sort()).toEqual(['CommunityHospitalMSP', 'GovMSP']);
        // Both are needed (AND): there is no fallback.
        expect(plan?.fallback).toBeUndefined();
      }
    }
  });

  it("names the accessor and the patient's home for an access, the regulator when the home is out of reach", async () => {
    const plan = await endorsersOf('EnterpriseMSP').plan('access:RequestAccess', {
      patientId: PATIENT,
    });
    expect(plan).toEqual({
      collections: ['pair_CommunityHospitalMSP_EnterpriseMSP'],
      organizations: ['EnterpriseMSP', 'CommunityHospitalMSP'],
      fallback: ['EnterpriseMSP', 'GovMSP'],
    });
    // The home's own clinician: its collection, with the regulator.
    expect(
      await endorsersOf('CommunityHospitalMSP').plan('records:AnchorRecord', {
        patientId: PATIENT,
      }),
    ).toEqual({
      collections: ['org_CommunityHospitalMSP'],
      organizations: ['CommunityHospitalMSP', 'GovMSP'],
    });
  });

  it('names the two hospitals of a referral, and the regulator and either party for a review', async () => {
    expect(
      await endorsersOf('TertiaryHospitalMSP').plan('referral:CreateReferral', {
        patientId: PATIENT,
        with: 'CommunityHospitalMSP',
      }),
    ).toEqual({
      collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
      organizations: ['TertiaryHospitalMSP', 'CommunityHospitalMSP'],
      fallback: ['TertiaryHospitalMSP', 'GovMSP'],
    });
    expect(
      await endorsersOf('GovMSP').plan('audit:ReviewEmergencyAccess', {
        patientId: PATIENT,
        with: 'TertiaryHospitalMSP',
      }),
    ).toEqual({
      collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
      organizations: ['GovMSP', 'TertiaryHospitalMSP'],
      fallback: ['GovMSP', 'CommunityHospitalMSP'],
    });
  });

  it('names the caller and the regulator for cohorts and batches, a collection’s members for a purge, and none for public writes', async () => {
    const research = endorsersOf('ResearchMSP');
    expect(await research.plan('cohort:RequestCohort', {})).toEqual({
      collections: [],
      organizations: ['ResearchMSP', 'GovMSP'],
    });
    expect(await endorsersOf('GovMSP').plan('audit:RollupStatistics', {})).toEqual({
      collections: [],
      organizations: ['GovMSP'],
    });
    expect(
      await endorsersOf('GovMSP').plan('audit:PurgeExpired', {
        collection: 'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
      }),
    ).toEqual({
      collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
      organizations: ['GovMSP', 'CommunityHospitalMSP'],
      fallback: ['GovMSP', 'TertiaryHospitalMSP'],
    });
    expect(await research.plan('registry:RegisterOrganization', {})).toBeUndefined();
  });

  it('reads collection names, and refuses a choice that meets no policy', () => {
    expect(organizationsOf('org_GovMSP')).toEqual(['GovMSP']);
    expect(organizationsOf('pair_A.msp_B-msp')).toEqual(['A.msp', 'B-msp']);
    for (const name of ['pair_A', 'org_A_B', 'other_A', 'org_'])
      expect(() => organizationsOf(name)).toThrow(RangeError);
    expect(() =>
      planFor({
        collections: ['org_CommunityHospitalMSP'],
        own: 'ResearchMSP',
        preferred: ['EnterpriseMSP'],
      }),
    ).toThrow(RangeError);
  });
});

describe("a patient's home", () => {
  it('is asked of the ledger once (patient:LocatePatient, as the service identity), then remembered, also across restarts', async () => {
    const db = openDatabase(':memory:');
    const ledger = new FakeLedgerClient().place(PATIENT, 'CommunityHospitalMSP');
    const first = createEndorsers({ ledger, own: 'GovMSP', homes: createPatientHomes(db) });
    expect(await first.homeOf(PATIENT)).toBe('CommunityHospitalMSP');
    expect(await first.homeOf(PATIENT)).toBe('CommunityHospitalMSP');
    await first.plan('consent:GrantConsent', { patientId: PATIENT });
    const located = ledger.callsOf('patient:LocatePatient');
    expect(located).toHaveLength(1);
    expect(located[0]).toMatchObject({ kind: 'evaluate', identity: 'gateway-service' });
    expect(located[0]?.args).toEqual([PATIENT]);
    // A restarted gateway reads it from its database.
    const restarted = createEndorsers({ ledger, own: 'GovMSP', homes: createPatientHomes(db) });
    expect(await restarted.homeOf(PATIENT)).toBe('CommunityHospitalMSP');
    expect(ledger.callsOf('patient:LocatePatient')).toHaveLength(1);
  });

  it('is remembered when this gateway registers the patient, and an unknown patient is not', async () => {
    const ledger = new FakeLedgerClient().on('patient:LocatePatient', () => {
      throw new LedgerError({
        code: 'PATIENT_NOT_FOUND',
        message: 'no such patient',
        transaction: 'patient:LocatePatient',
      });
    });
    const endorsers = createEndorsers({
      ledger,
      own: 'TertiaryHospitalMSP',
      homes: createPatientHomes(openDatabase(':memory:')),
    });
    await expect(endorsers.homeOf(PATIENT)).rejects.toMatchObject({ code: 'PATIENT_NOT_FOUND' });
    await expect(endorsers.homeOf(PATIENT)).rejects.toMatchObject({ code: 'PATIENT_NOT_FOUND' });
    expect(ledger.callsOf('patient:LocatePatient')).toHaveLength(2);
    const known = await endorsers.plan('patient:RegisterPatient', {
      patientId: PATIENT,
      home: 'TertiaryHospitalMSP',
    });
    expect(known?.organizations).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
    endorsers.remember(PATIENT, 'TertiaryHospitalMSP');
    expect(await endorsers.homeOf(PATIENT)).toBe('TertiaryHospitalMSP');
    expect(ledger.callsOf('patient:LocatePatient')).toHaveLength(2);
  });
});
