import {
  requestedConsent,
  type ConsentRequest,
  type ConsentRequestTerms,
} from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidArgumentError, RuleViolationError } from '../common/errors.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { patientSession, principal } from '../testing/principals.js';
import { signed } from '../testing/statements.js';
import { testProfile } from '../testing/test-app.js';
import { ConsentRequestsService } from './consent-requests.service.js';

const REQUEST_ID = 'req-000000000000000000000001';
const patient = patientSession();
const analyst = principal('analyst', { mspId: 'EnterpriseMSP', orgType: 'enterprise' });
const terms: ConsentRequestTerms = {
  grantee: { org: 'EnterpriseMSP' },
  purposes: ['insurance'],
  categories: ['inpatient', 'outpatient'],
  validUntil: '2099-01-01T00:00:00.000Z',
};
const open: ConsentRequest = {
  requestId: REQUEST_ID,
  patientId: patient.patientId,
  patientHome: 'TertiaryHospitalMSP',
  requesterOrg: 'EnterpriseMSP',
  requestedBy: 'a'.repeat(64),
  terms,
  reason: 'CLAIM_ASSESSMENT',
  status: 'open',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2026-12-31T00:00:00.000Z',
  txId: 'tx-0',
  salt: 'AAAAAAAAAAAAAAAAAAAAAA',
};

function setup(request: ConsentRequest = open) {
  const ledger = new FakeLedgerClient()
    .on('request:RequestConsent', () => open)
    .on('request:GetRequest', () => request)
    .on('request:ApproveRequest', () => ({
      request: { ...request, status: 'approved', consentId: 'con-000000000000000000000001' },
      consent: { consentId: 'con-000000000000000000000001' },
    }))
    .on('request:DeclineRequest', () => ({ ...request, status: 'declined' }))
    .on('request:QueryRequests', () => ({ items: [], bookmark: '' }));
  const service = new ConsentRequestsService(ledger, testEndorsers(ledger), testProfile());
  return { ledger, service };
}

describe('ConsentRequestsService', () => {
  it("asks as the requester, endorsed with the patient's home", async () => {
    const { ledger, service } = setup();
    const result = await service.create(analyst, {
      patientId: patient.patientId,
      terms,
      reason: 'CLAIM_ASSESSMENT',
    });
    expect(result).toMatchObject({ requestId: REQUEST_ID, txId: 'tx-1' });
    const [submit] = ledger.submits;
    expect(submit).toMatchObject({ contract: 'request', transaction: 'RequestConsent' });
    // Endorsed as an access is: this gateway's organization and the patient's home.
    expect(submit?.endorsers?.organizations).toContain('TertiaryHospitalMSP');
    expect(jsonArg(submit)).toEqual({
      patientId: patient.patientId,
      terms,
      reason: 'CLAIM_ASSESSMENT',
    });
  });

  it('refuses a request for another organization and a period already over, submitting nothing', async () => {
    const { ledger, service } = setup();
    await expect(
      service.create(analyst, {
        patientId: patient.patientId,
        terms: { ...terms, grantee: { org: 'ResearchMSP' } },
        reason: 'CLAIM_ASSESSMENT',
      }),
    ).rejects.toBeInstanceOf(RuleViolationError);
    await expect(
      service.create(analyst, {
        patientId: patient.patientId,
        terms: { ...terms, validUntil: '2001-01-01T00:00:00.000Z' },
        reason: 'CLAIM_ASSESSMENT',
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.submits).toEqual([]);
  });

  it("carries the patient's approval of exactly the terms asked, and refuses any other before endorsing", async () => {
    const { ledger, service } = setup();
    const other = await signed('request:ApproveRequest', {
      requestId: REQUEST_ID,
      consent: { ...requestedConsent(terms), categories: ['inpatient'] },
    });
    await expect(service.approve(patient, REQUEST_ID, other)).rejects.toBeInstanceOf(
      RuleViolationError,
    );
    const elsewhere = await signed('request:ApproveRequest', {
      requestId: 'req-000000000000000000000002',
      consent: requestedConsent(terms),
    });
    await expect(service.approve(patient, REQUEST_ID, elsewhere)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      service.approve(
        patient,
        REQUEST_ID,
        await signed('request:DeclineRequest', { requestId: REQUEST_ID }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    // A malformed consent is bad input (400), not another consent (422).
    for (const consent of [null, [], { ...requestedConsent(terms), purposes: ['maybe'] }]) {
      const malformed = await signed('request:ApproveRequest', {
        requestId: REQUEST_ID,
        consent: consent as never,
      });
      await expect(service.approve(patient, REQUEST_ID, malformed)).rejects.toHaveProperty(
        'code',
        'INVALID_ARGUMENT',
      );
    }
    // The same consent with its lists in another order is the one asked.
    const reordered = await signed('request:ApproveRequest', {
      requestId: REQUEST_ID,
      consent: { ...requestedConsent(terms), categories: ['outpatient', 'inpatient'] },
    });
    await expect(service.approve(patient, REQUEST_ID, reordered)).resolves.toMatchObject({
      requestId: REQUEST_ID,
    });
    ledger.calls.length = 0;
    expect(ledger.submits).toEqual([]);
    const action = await signed('request:ApproveRequest', {
      requestId: REQUEST_ID,
      consent: requestedConsent(terms),
    });
    const approved = await service.approve(patient, REQUEST_ID, action);
    expect(approved.request.status).toBe('approved');
    expect(approved.consent?.consentId).toBe('con-000000000000000000000001');
    const [submit] = ledger.submits;
    expect(submit).toMatchObject({
      identity: 'gateway-service',
      contract: 'request',
      transaction: 'ApproveRequest',
    });
    expect(jsonArg(submit)).toEqual({ statement: action.statement, signature: action.signature });
  });

  it("refuses another patient's answer, and keeps a patient's list to their own requests", async () => {
    const { ledger, service } = setup({ ...open, patientId: 'pid-someoneelseaaaaaa' });
    await expect(
      service.decline(
        patient,
        REQUEST_ID,
        await signed(
          'request:DeclineRequest',
          { requestId: REQUEST_ID },
          { patientId: 'pid-someoneelseaaaaaa' },
        ),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.get(patient, REQUEST_ID)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      service.query(patient, { patientId: 'pid-someoneelseaaaaaa' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await service.query(patient, { status: 'open' });
    expect(jsonArg(ledger.callsOf('request:QueryRequests').at(-1))).toEqual({
      patientId: patient.patientId,
      status: 'open',
    });
    expect(ledger.submits).toEqual([]);
  });
});
