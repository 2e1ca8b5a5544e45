import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../common/errors.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { AccessController } from './access.controller.js';
import { AccessService, justificationHash } from './access.service.js';

const event = {
  eventId: 'evt-000000000000000000000001',
  decision: 'permit',
  reason: 'PERMITTED_BY_CONSENT',
  consentIds: ['con-000000000000000000000001', 'con-000000000000000000000002'],
  breakGlass: false,
};

/** The service as the community hospital's gateway runs it. */
const serviceOf = (ledger: FakeLedgerClient): AccessService =>
  new AccessService(ledger, testEndorsers(ledger, 'CommunityHospitalMSP'));

describe('AccessService', () => {
  const clinician = principal('clinician', { mspId: 'CommunityHospitalMSP' });
  const question = {
    patientId: 'pid-abcdefghijklmnop',
    purpose: 'treatment' as const,
    categories: ['imaging' as const],
  };

  it('records a request and answers the decision with its transaction', async () => {
    const ledger = new FakeLedgerClient().on('access:RequestAccess', () => event);
    const outcome = await serviceOf(ledger).request(clinician, question);
    expect(outcome).toEqual({
      eventId: event.eventId,
      decision: 'permit',
      consentId: 'con-000000000000000000000001',
      consentIds: event.consentIds,
      reason: 'PERMITTED_BY_CONSENT',
      breakGlass: false,
      txId: 'tx-1',
    });
    expect(ledger.submits[0]).toMatchObject({ kind: 'submit', identity: 'user:clinician-1' });
    expect(jsonArg(ledger.submits[0])).toEqual(question);
  });

  it("names the accessor's organization and the patient's home as endorsers, the regulator as fallback", async () => {
    const ledger = new FakeLedgerClient().on('access:RequestAccess', () => event);
    await serviceOf(ledger).request(clinician, question);
    expect(ledger.callsOf('patient:LocatePatient')).toHaveLength(1);
    expect(ledger.submits[0]?.endorsers).toEqual({
      collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
      organizations: ['CommunityHospitalMSP', 'TertiaryHospitalMSP'],
      fallback: ['CommunityHospitalMSP', 'GovMSP'],
    });
  });

  it('evaluates a decision without writing', async () => {
    const ledger = new FakeLedgerClient().on('access:CheckAccess', () => ({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
      consentIds: [],
    }));
    const decision = await serviceOf(ledger).check(clinician, question);
    expect(decision).toMatchObject({ decision: 'deny' });
    expect(ledger.submits).toHaveLength(0);
    expect(ledger.calls[0]?.endorsers).toBeUndefined();
  });

  it('sends only the SHA-256 of an emergency justification', async () => {
    const ledger = new FakeLedgerClient().on('access:RequestEmergencyAccess', () => ({
      ...event,
      breakGlass: true,
      consentIds: [],
    }));
    const justification = 'Unconscious patient arrived by ambulance, suspected anaphylaxis';
    const outcome = await serviceOf(ledger).emergency(clinician, {
      patientId: 'pid-abcdefghijklmnop',
      categories: ['medication'],
      reasonCode: 'UNCONSCIOUS_PATIENT',
      justification,
    });
    expect(outcome).toMatchObject({ breakGlass: true, txId: 'tx-1' });
    expect(outcome).not.toHaveProperty('consentId');
    const sent = ledger.submits[0]?.args?.join('') ?? '';
    expect(sent).not.toContain('ambulance');
    expect(jsonArg(ledger.submits[0])).toEqual({
      patientId: 'pid-abcdefghijklmnop',
      categories: ['medication'],
      reasonCode: 'UNCONSCIOUS_PATIENT',
      justificationHash: createHash('sha256').update(justification).digest('hex'),
    });
    expect(justificationHash(justification)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses roles and organizations that may not ask', async () => {
    const ledger = new FakeLedgerClient();
    const service = serviceOf(ledger);
    await expect(
      throughRoute(
        { handler: AccessController.prototype.request, caller: principal('patient') },
        (as) => service.request(as, question),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      throughRoute(
        { handler: AccessController.prototype.emergency, caller: principal('analyst') },
        (as) =>
          service.emergency(as, {
            ...question,
            reasonCode: 'OTHER',
            justification: 'x',
          }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      service.request(clinician, {
        ...question,
        dataFrom: '2021-01-01T00:00:00.000Z',
        dataUntil: '2020-01-01T00:00:00.000Z',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(ledger.calls).toHaveLength(0);
  });
});
