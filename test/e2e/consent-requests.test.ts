import { beforeAll, describe, expect, it } from 'vitest';
import {
  requestedConsent,
  type AccessOutcome,
  type Consent,
  type ConsentRequest,
  type ConsentRequestPage,
  type ConsentRequestTerms,
  type ConsentRequestWrite,
  type DeclineReceipt,
  type RequestLimitsSetting,
} from '@consent-ledger/ledger-api';
import { parseBundle, verifyBundle } from '@consent-ledger/verifier';
import {
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Consent requests through the gateways on the real network (issue 18; docs/ledger-api.md,
 * "request"): an insurer's analyst asks a patient of the community hospital for a consent at its
 * own gateway; the patient lists it and approves at the home gateway with a statement signed on
 * the device (the consent granted is exactly the one asked, and permits the analyst's access), or
 * declines (with a receipt of the decline whose evidence verifies offline); the requester reads
 * the answer; the default limits stop a flood.
 */

const PASSWORD = 'consent-requests-password-1';
const ENTERPRISE = 'EnterpriseMSP';

describe('consent requests, real network', () => {
  let community: GatewayApi;
  let enterprise: GatewayApi;
  let patient: GatewayPatient;
  let analyst: string;
  /** The request the first test approves (it has no decline receipt). */
  let approvedId = '';

  const terms = (overrides: Partial<ConsentRequestTerms> = {}): ConsentRequestTerms => ({
    grantee: { org: ENTERPRISE, role: 'analyst' },
    purposes: ['insurance'],
    categories: ['inpatient', 'outpatient'],
    validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    ...overrides,
  });
  const ask = (body: Record<string, unknown>) =>
    enterprise.post<ConsentRequestWrite & { code?: string; message?: string }>(
      '/consent-requests',
      {
        token: analyst,
        body: { patientId: patient.patientId, terms: terms(), reason: 'CLAIM_ASSESSMENT', ...body },
      },
    );
  const access = () =>
    enterprise.post<AccessOutcome>('/access-requests', {
      token: analyst,
      body: { patientId: patient.patientId, purpose: 'insurance', categories: ['outpatient'] },
    });

  beforeAll(async () => {
    community = gateway('community');
    enterprise = gateway('enterprise');
    const admin = await enterprise.loginAdmin();
    const username = uniqueName('req-analyst');
    await enterprise.createUser(admin, { username, password: PASSWORD, role: 'analyst' });
    analyst = await enterprise.login(username, PASSWORD);
    patient = await enrolPatient(community);
  }, 180_000);

  it('asks, the patient approves exactly those terms at home, and the consent permits', async () => {
    const before = await access();
    expect(before.status, before.text).toBe(201);
    expect(before.body.decision).toBe('deny');

    const asked = await ask({});
    expect(asked.status, asked.text).toBe(201);
    const { requestId } = asked.body;
    expect(asked.body.request).toMatchObject({
      requestId,
      patientId: patient.patientId,
      requesterOrg: ENTERPRISE,
      reason: 'CLAIM_ASSESSMENT',
      status: 'open',
    });

    // The patient sees it at the home gateway, with exactly what is asked.
    const pending = await community.get<ConsentRequestPage>(
      '/consent-requests?status=open',
      patient.token,
    );
    expect(pending.status, pending.text).toBe(200);
    const shown = pending.body.items.find((each) => each.requestId === requestId);
    expect(shown?.terms).toEqual(asked.body.request.terms);

    // A statement signing other terms is refused, nothing written; the asked ones are granted.
    const wider = await community.post<{ code: string }>(`/consent-requests/${requestId}/approve`, {
      token: patient.token,
      body: {
        action: await patient.device.sign('request:ApproveRequest', {
          requestId,
          consent: { ...requestedConsent(asked.body.request.terms), purposes: ['research'] },
        }),
      },
    });
    expect(wider.status, wider.text).toBe(422);
    expect(wider.body.code).toBe('RULE_VIOLATION');
    const approved = await community.post<ConsentRequestWrite>(
      `/consent-requests/${requestId}/approve`,
      {
        token: patient.token,
        body: {
          action: await patient.device.sign('request:ApproveRequest', {
            requestId,
            consent: requestedConsent(asked.body.request.terms),
          }),
        },
      },
    );
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.request).toMatchObject({ status: 'approved' });
    const consentId = approved.body.consent?.consentId ?? '';
    expect(approved.body.request.consentId).toBe(consentId);
    approvedId = requestId;
    const consent = await community.get<Consent>(`/consents/${consentId}`, patient.token);
    expect(consent.body).toMatchObject({
      provision: 'permit',
      grantee: { org: ENTERPRISE, role: 'analyst' },
      purposes: ['insurance'],
      categories: ['inpatient', 'outpatient'],
      status: 'active',
    });

    // The requester reads the answer at its own gateway; the access is now permitted.
    const answer = await enterprise.get<ConsentRequest>(`/consent-requests/${requestId}`, analyst);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ status: 'approved', consentId });
    const after = await access();
    expect(after.body).toMatchObject({ decision: 'permit', reason: 'PERMITTED_BY_CONSENT' });

    // A second answer is a conflict.
    const again = await community.post<{ code: string }>(`/consent-requests/${requestId}/decline`, {
      token: patient.token,
      body: { action: await patient.device.sign('request:DeclineRequest', { requestId }) },
    });
    expect(again.status, again.text).toBe(409);
  });

  it('lets the patient decline; the requester sees the answer and its code', async () => {
    const asked = await ask({ reason: 'FOLLOW_UP' });
    expect(asked.status, asked.text).toBe(201);
    const { requestId } = asked.body;
    const declined = await community.post<ConsentRequestWrite>(
      `/consent-requests/${requestId}/decline`,
      {
        token: patient.token,
        body: {
          action: await patient.device.sign('request:DeclineRequest', {
            requestId,
            reason: 'TERMS_TOO_BROAD',
          }),
        },
      },
    );
    expect(declined.status, declined.text).toBe(200);
    const mine = await enterprise.get<ConsentRequestPage>(
      // This patient's: other files' requests by the insurer may fill the newest page meanwhile.
      `/consent-requests?requesterOrg=${ENTERPRISE}&patientId=${patient.patientId}&status=declined`,
      analyst,
    );
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.items.find((each) => each.requestId === requestId)).toMatchObject({
      status: 'declined',
      declineReason: 'TERMS_TOO_BROAD',
      answeredBy: { kind: 'patient', id: patient.patientId },
    });

    // The patient downloads a receipt of the decline at home: the terms as asked, the reasons,
    // who signed and when, the declining transaction and its evidence, which verifies offline.
    const path = `/consent-requests/${requestId}/receipt`;
    const receipt = await community.get<DeclineReceipt>(path, patient.token);
    expect(receipt.status, receipt.text).toBe(200);
    expect(receipt.body).toMatchObject({
      receiptVersion: 1,
      receiptId: `${requestId}.declined`,
      action: 'declined',
      time: declined.body.request.answeredAt,
      patientId: patient.patientId,
      signedBy: { kind: 'patient', id: patient.patientId },
      issuer: 'CommunityHospitalMSP',
      requesterOrg: ENTERPRISE,
      asked: asked.body.request.terms,
      requestReason: 'FOLLOW_UP',
      declineReason: 'TERMS_TOO_BROAD',
      request: { requestId, status: 'declined' },
      ledger: { channel: 'health', txId: declined.body.txId },
    });
    const bundle = parseBundle(receipt.body.evidence);
    expect(bundle.subject).toEqual({ kind: 'consent-request', requestId, status: 'declined' });
    expect(bundle.transaction.txId).toBe(declined.body.txId);
    const report = verifyBundle(bundle);
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    // The private value the bundle discloses is the request as the decline left it.
    if (bundle.version !== 2 || bundle.privateWrite === undefined)
      throw new Error('no private write');
    expect(JSON.parse(Buffer.from(bundle.privateWrite.value, 'base64').toString())).toEqual(
      receipt.body.request,
    );
    // Tampering with the subject is caught offline.
    const tampered = verifyBundle({
      ...bundle,
      subject: { kind: 'consent-request', requestId, status: 'approved' },
    });
    expect(tampered.firstFailure).toBe('private-write');

    // The requester's organization may read it too, under the request's read rule, at its own
    // gateway (its peer holds the request's collection).
    const theirs = await enterprise.get<DeclineReceipt>(path, analyst);
    expect(theirs.status, theirs.text).toBe(200);
    expect(theirs.body).toMatchObject({ issuer: ENTERPRISE, ledger: { txId: declined.body.txId } });
    expect(verifyBundle(parseBundle(theirs.body.evidence)).ok).toBe(true);

    // Only a declined request has one; another patient, no token and an unknown ID are refused.
    const notDeclined = await community.get<{ code: string; message: string }>(
      `/consent-requests/${approvedId}/receipt`,
      patient.token,
    );
    expect(notDeclined.status, notDeclined.text).toBe(409);
    expect(notDeclined.body).toMatchObject({ code: 'CONFLICT' });
    expect(notDeclined.body.message).toMatch(/is approved: only a declined request/);
    const other = await enrolPatient(community);
    const stranger = await community.get<{ code: string }>(path, other.token);
    expect(stranger.status, stranger.text).toBe(403);
    expect(stranger.body.code).toBe('FORBIDDEN');
    expect((await community.get(path)).status).toBe(401);
    const unknown = await community.get<{ code: string }>(
      `/consent-requests/req-${'0'.repeat(24)}/receipt`,
      patient.token,
    );
    expect(unknown.status, unknown.text).toBe(404);
    expect((await community.get('/consent-requests/req-1/receipt', patient.token)).status).toBe(
      400,
    );
  });

  it('refuses requests for another organization and free text, and stops a flood at the limits', async () => {
    const other = await ask({ terms: terms({ grantee: { org: 'ResearchMSP' } }) });
    expect(other.status, other.text).toBe(422);
    const text = await ask({ note: 'please sign quickly' });
    expect(text.status, text.text).toBe(400);
    const limits = await enterprise.get<RequestLimitsSetting>('/consent-requests/limits', analyst);
    expect(limits.status, limits.text).toBe(200);
    // Two requests were made above (one approved, one declined): the 30-day count goes on.
    const made = 2;
    const open: string[] = [];
    for (let i = made; i < limits.body.maxPerWindow && open.length < limits.body.maxOpen; i += 1) {
      const asked = await ask({});
      expect(asked.status, asked.text).toBe(201);
      open.push(asked.body.requestId);
    }
    const flooded = await ask({});
    expect(flooded.status, flooded.text).toBe(422);
    expect(flooded.body.code).toBe('RULE_VIOLATION');
    expect(flooded.body.message).toMatch(/request limit/);
    // An open request has no decline receipt.
    const pending = await community.get<{ code: string }>(
      `/consent-requests/${open[0] ?? ''}/receipt`,
      patient.token,
    );
    expect(pending.status, pending.text).toBe(409);
    expect(pending.body.code).toBe('CONFLICT');
  });
});
