import type { ConsentRequest } from '@consent-ledger/ledger-api';
import type { EvidenceBundle } from '@consent-ledger/verifier';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '../common/errors.js';
import { ConsentRequestsService } from '../consent-requests/consent-requests.service.js';
import { ConsentsService } from '../consents/consents.service.js';
import type { EvidenceService } from '../evidence/evidence.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient } from '../testing/fake-ledger.client.js';
import { patientSession, principal } from '../testing/principals.js';
import { testProfile } from '../testing/test-app.js';
import { ReceiptsService, declineReceipt, declinedRequest } from './receipts.service.js';

const REQUEST_ID = 'req-000000000000000000000001';
const patient = patientSession();
const declined: ConsentRequest = {
  requestId: REQUEST_ID,
  patientId: patient.patientId,
  patientHome: 'TertiaryHospitalMSP',
  requesterOrg: 'EnterpriseMSP',
  requestedBy: 'a'.repeat(64),
  terms: {
    grantee: { org: 'EnterpriseMSP' },
    purposes: ['insurance'],
    categories: ['inpatient', 'outpatient'],
    validUntil: '2099-01-01T00:00:00.000Z',
  },
  reason: 'CLAIM_ASSESSMENT',
  status: 'declined',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2026-12-31T00:00:00.000Z',
  answeredAt: '2026-12-02T08:00:00.000Z',
  answeredBy: { kind: 'patient', id: patient.patientId },
  declineReason: 'TERMS_TOO_BROAD',
  txId: 'tx-decline',
  salt: 'AAAAAAAAAAAAAAAAAAAAAA',
};
/** Stands for the bundle the evidence service builds (its content is EvidenceService's spec). */
const BUNDLE = { version: 2, transaction: { txId: 'tx-decline' } } as unknown as EvidenceBundle;

function setup(request: ConsentRequest = declined) {
  const ledger = new FakeLedgerClient().on('request:GetRequest', () => request);
  const endorsers = testEndorsers(ledger);
  const proofs: ConsentRequest[] = [];
  const evidence = {
    consentRequestProof: (_caller: unknown, read: ConsentRequest) => {
      proofs.push(read);
      return Promise.resolve(BUNDLE);
    },
  } as unknown as EvidenceService;
  const service = new ReceiptsService(
    new ConsentsService(ledger, endorsers, testProfile()),
    new NoticesService(ledger, endorsers),
    evidence,
    new ConsentRequestsService(ledger, endorsers, testProfile()),
    testProfile(),
  );
  return { ledger, proofs, service };
}

describe('decline receipts', () => {
  it('words a decline: the terms as asked, the coded reasons, who signed and when, the transaction', () => {
    const receipt = declineReceipt({
      request: declinedRequest(declined),
      profile: testProfile(),
      evidence: BUNDLE,
    });
    expect(receipt).toEqual({
      receiptVersion: 1,
      receiptId: `${REQUEST_ID}.declined`,
      action: 'declined',
      time: '2026-12-02T08:00:00.000Z',
      patientId: patient.patientId,
      signedBy: { kind: 'patient', id: patient.patientId },
      issuer: 'TertiaryHospitalMSP',
      requesterOrg: 'EnterpriseMSP',
      asked: declined.terms,
      requestReason: 'CLAIM_ASSESSMENT',
      declineReason: 'TERMS_TOO_BROAD',
      request: declined,
      ledger: { channel: 'health', chaincode: 'consent-ledger', txId: 'tx-decline' },
      evidence: BUNDLE,
    });
    // A decline without a reason has none on its receipt (not an empty one).
    const { declineReason: _reason, ...unexplained } = declined;
    const bare = declineReceipt({
      request: declinedRequest(unexplained),
      profile: testProfile(),
      evidence: BUNDLE,
    });
    expect(bare).not.toHaveProperty('declineReason');
  });

  it('refuses a request in any other status with CONFLICT', () => {
    for (const status of ['open', 'expired', 'approved', 'withdrawn'] as const) {
      expect(() => declinedRequest({ ...declined, status })).toThrow(ConflictError);
      expect(() => declinedRequest({ ...declined, status })).toThrow(
        `request ${REQUEST_ID} is ${status}: only a declined request has a decline receipt`,
      );
    }
    const { answeredBy: _by, ...unsigned } = declined;
    expect(() => declinedRequest(unsigned)).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }) as Error,
    );
  });

  it("builds the patient's receipt from the request read under its rule, with its decline's evidence", async () => {
    const { ledger, proofs, service } = setup();
    const receipt = await service.declineReceipt(patient, REQUEST_ID);
    expect(receipt).toMatchObject({
      receiptId: `${REQUEST_ID}.declined`,
      action: 'declined',
      ledger: { txId: 'tx-decline' },
      evidence: BUNDLE,
    });
    expect(proofs).toEqual([declined]);
    // A patient's session reads through the gateway's service identity.
    expect(ledger.callsOf('request:GetRequest').map((call) => call.identity)).toEqual([
      'gateway-service',
    ]);
    // The requester's member reads it as itself (the chaincode applies the read rule).
    const analyst = principal('analyst', { mspId: 'EnterpriseMSP', orgType: 'enterprise' });
    await service.declineReceipt(analyst, REQUEST_ID);
    expect(ledger.callsOf('request:GetRequest').at(-1)?.identity).toBe(analyst.walletLabel);
  });

  it("builds no evidence for another patient's request, nor for one not declined", async () => {
    const other = setup({ ...declined, patientId: 'pid-someoneelseaaaaaa' });
    await expect(other.service.declineReceipt(patient, REQUEST_ID)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(other.proofs).toEqual([]);
    const open = setup({ ...declined, status: 'open' });
    await expect(open.service.declineReceipt(patient, REQUEST_ID)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(open.proofs).toEqual([]);
  });
});
