import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PATIENT_ID_PATTERN,
  verifySignedAction,
  type ArgsOf,
  type EvaluateName,
  type PatientBinding,
  type ResultOf,
  type SignedAction,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import type { LedgerCalls, Submitted } from './calls.ts';
import { keptPatient, newPatientId } from './patients.ts';

/** A home admin's calls that record submits and answer GetBinding from `binding`. */
class FakeCarrier implements LedgerCalls {
  readonly mspId = 'TertiaryHospitalMSP';
  readonly chaincode = 'consent-ledger-bench';
  readonly submits: { name: string; args: readonly unknown[]; endorsers: readonly string[] }[] = [];
  binding: ((patientId: string) => PatientBinding) | undefined;

  submit<N extends SubmitName>(
    name: N,
    args: ArgsOf<N>,
    endorsers: readonly string[],
  ): Promise<Submitted<ResultOf<N>>> {
    this.submits.push({ name, args, endorsers });
    return Promise.resolve({ result: undefined as ResultOf<N>, txId: 'tx' });
  }

  evaluate<N extends EvaluateName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>> {
    const [patientId] = args;
    if (
      name !== 'patient:GetBinding' ||
      this.binding === undefined ||
      typeof patientId !== 'string'
    )
      return Promise.reject(new Error('PATIENT_NOT_FOUND: no such patient'));
    return Promise.resolve(this.binding(patientId) as ResultOf<N>);
  }
}

const scope = { channel: 'health', chaincode: 'consent-ledger-bench' };
let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function binding(patientId: string, keyId: string): PatientBinding {
  const now = '2026-12-06T00:00:00.000Z';
  return {
    patientId,
    home: 'TertiaryHospitalMSP',
    status: 'active',
    keys: [{ keyId, publicKey: 'k', addedAt: now }],
    guardians: [],
    version: 2,
    createdAt: now,
    updatedAt: now,
    txId: 'tx',
    salt: 's',
  };
}

describe("the benchmark's patients", () => {
  it('makes pseudonyms of the ledger shape', () => {
    expect(newPatientId()).toMatch(PATIENT_ID_PATTERN);
  });

  it('registers and activates a patient with a key of its own, kept in a 0600 key file', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-patients-'));
    const carrier = new FakeCarrier();
    const { patient, created } = await keptPatient({ dir, name: 'grant', carrier, scope });
    expect(created).toBe(true);
    expect(carrier.submits.map((each) => each.name)).toEqual([
      'patient:RegisterPatient',
      'patient:ActivatePatient',
    ]);
    for (const each of carrier.submits)
      expect(each.endorsers).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
    const [activation] = carrier.submits[1]?.args ?? [];
    expect(await verifySignedAction(activation as SignedAction, patient.key.publicKey)).toBe(true);
    const statement = JSON.parse((activation as SignedAction).statement) as Record<string, unknown>;
    expect(statement).toMatchObject({
      action: 'patient:ActivatePatient',
      chaincode: 'consent-ledger-bench',
      channel: 'health',
      patientId: patient.patientId,
    });
    const keyFile = path.join(dir, 'consent-ledger-bench', 'grant.key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // The ledger still binds the key: the next run reuses the patient and its key file.
    carrier.binding = (patientId) => binding(patientId, patient.key.keyId);
    const again = await keptPatient({ dir, name: 'grant', carrier, scope });
    expect(again.created).toBe(false);
    expect(again.patient.patientId).toBe(patient.patientId);
    expect(again.patient.key.keyId).toBe(patient.key.keyId);
    expect(carrier.submits).toHaveLength(2);
    const grant = await again.patient.sign('consent:GrantConsent', { purposes: ['treatment'] });
    expect(await verifySignedAction(grant, patient.key.publicKey)).toBe(true);
  });

  it('registers anew when the ledger no longer binds the kept key (a fresh network)', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-patients-'));
    const carrier = new FakeCarrier();
    const first = await keptPatient({ dir, name: 'access', carrier, scope });
    const second = await keptPatient({ dir, name: 'access', carrier, scope });
    expect(second.created).toBe(true);
    expect(second.patient.patientId).not.toBe(first.patient.patientId);
    expect(carrier.submits).toHaveLength(4);
  });
});
