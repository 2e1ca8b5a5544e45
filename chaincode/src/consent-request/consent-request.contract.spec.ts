import { beforeEach, describe, expect, it } from 'vitest';
import {
  collectionFor,
  DEFAULT_REQUEST_LIMITS,
  requestedConsent,
  type ConsentInput,
  type ConsentRequestTerms,
} from '@consent-ledger/ledger-api';
import {
  bootstrap,
  MSP,
  ok,
  patientClient,
  pid,
  refused,
  registerPatient,
  registerPatients,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';
import { splitCompositeKey } from '../testing/in-memory-ledger';

const DAY = 86_400_000;

describe('consent request contract', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  let bob: TestPatient;

  const terms = (overrides: Partial<ConsentRequestTerms> = {}): ConsentRequestTerms => ({
    grantee: { org: MSP.enterprise, role: 'analyst' },
    purposes: ['insurance'],
    categories: ['inpatient', 'outpatient'],
    validUntil: '2027-03-01T00:00:00.000Z',
    ...overrides,
  });
  const ask = (
    patient: TestPatient,
    overrides: Record<string, unknown> = {},
  ): Record<string, unknown> => ({
    patientId: patient.patientId,
    terms: terms(),
    reason: 'CLAIM_ASSESSMENT',
    ...overrides,
  });
  const requestOf = async (patient: TestPatient, overrides: Record<string, unknown> = {}) =>
    ok(
      await network
        .as(who.enterpriseAnalyst)
        .submit('request:RequestConsent', [ask(patient, overrides)]),
    );

  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    [alice, bob] = (await registerPatients(network, [1, 2])) as [TestPatient, TestPatient];
    network.setTime('2026-11-22T08:00:00.000Z');
  });

  it('asks, lets the patient approve with exactly the terms, and grants that consent', async () => {
    const created = await network
      .as(who.enterpriseAnalyst)
      .submit('request:RequestConsent', [
        ask(alice, { terms: terms({ categories: ['outpatient', 'inpatient', 'outpatient'] }) }),
      ]);
    const request = ok(created);
    expect(request).toEqual({
      requestId: expect.stringMatching(/^req-[0-9a-f]{24}$/) as string,
      patientId: alice.patientId,
      patientHome: MSP.tertiary,
      requesterOrg: MSP.enterprise,
      requestedBy: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      terms: terms(),
      reason: 'CLAIM_ASSESSMENT',
      status: 'open',
      createdAt: created.timestamp,
      expiresAt: '2026-12-22T08:00:00.000Z',
      txId: created.txId,
      salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as string,
    });
    // Only its name is public; everything is in the pair collection of home and requester.
    expect(created.event).toEqual({ name: 'ConsentRequested', payload: {} });
    expect(created.writes).toEqual([]);
    expect(
      created.privateWrites.map((write) => [
        write.collection,
        splitCompositeKey(write.key).objectType,
      ]),
    ).toEqual(
      ['req', 'req~org', 'req~pat', 'req~set'].map((type) => [
        collectionFor(MSP.tertiary, MSP.enterprise),
        type,
      ]),
    );
    const before = await network
      .as(who.enterpriseAnalyst)
      .evaluate('access:CheckAccess', [
        { patientId: alice.patientId, purpose: 'insurance', categories: ['outpatient'] },
      ]);
    expect(ok(before).decision).toBe('deny');

    const approved = await patientClient(network, alice).submit('request:ApproveRequest', {
      requestId: request.requestId,
      consent: requestedConsent(terms()),
    });
    const { request: answered, consent } = ok(approved);
    expect(approved.event).toEqual({ name: 'ConsentRequestAnswered', payload: {} });
    expect(answered).toMatchObject({
      status: 'approved',
      answeredAt: approved.timestamp,
      answeredBy: { kind: 'patient', id: alice.patientId },
      consentId: consent.consentId,
      txId: approved.txId,
    });
    expect(consent).toMatchObject({
      patientId: alice.patientId,
      provision: 'permit',
      grantee: { org: MSP.enterprise, role: 'analyst' },
      purposes: ['insurance'],
      categories: ['inpatient', 'outpatient'],
      validUntil: '2027-03-01T00:00:00.000Z',
      exceptions: [],
      status: 'active',
      signedBy: { kind: 'patient', id: alice.patientId },
    });
    expect(
      ok(await network.as(who.tertiaryAdmin).evaluate('consent:GetConsent', [consent.consentId])),
    ).toEqual(consent);
    const after = await network
      .as(who.enterpriseAnalyst)
      .evaluate('access:CheckAccess', [
        { patientId: alice.patientId, purpose: 'insurance', categories: ['outpatient'] },
      ]);
    expect(ok(after)).toMatchObject({ decision: 'permit', reason: 'PERMITTED_BY_CONSENT' });
    for (const reader of [who.enterpriseAnalyst, who.tertiaryAdmin, who.regulator]) {
      expect(
        ok(await network.as(reader).evaluate('request:GetRequest', [request.requestId])),
      ).toEqual(answered);
    }
    for (const stranger of [who.communityAdmin, who.researcher, who.tertiaryClinician]) {
      refused(
        await network.as(stranger).evaluate('request:GetRequest', [request.requestId]),
        'FORBIDDEN',
      );
    }
  });

  it('refuses an approval whose signed consent differs from the terms asked, writing nothing', async () => {
    const request = await requestOf(alice, {
      terms: terms({ sensitive: ['PSY'], dataFrom: '2026-01-01T00:00:00.000Z' }),
    });
    const asked = requestedConsent(request.terms);
    const variants: ConsentInput[] = [
      { ...asked, categories: ['inpatient'] },
      { ...asked, sensitive: ['HIV', 'PSY'] },
      { ...asked, validUntil: '2027-03-02T00:00:00.000Z' },
      { ...asked, dataFrom: undefined },
      { ...asked, grantee: { org: MSP.enterprise } },
      { ...asked, exceptions: [{ categories: ['inpatient'] }] },
    ];
    for (const consent of variants) {
      const result = await patientClient(network, alice).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent,
      });
      refused(result, { code: 'RULE_VIOLATION', message: /not the one request/ });
      expect(result.privateWrites).toEqual([]);
    }
    ok(
      await patientClient(network, alice).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent: asked,
      }),
    );
  });

  it('takes the notice the patient was shown with the approval, checked as a grant checks it', async () => {
    const notice = ok(
      await network
        .as(who.tertiaryAdmin)
        .submit('notice:PublishNotice', [
          { noticeId: 'consent-sharing', version: 1, texts: { 'zh-CN': '告知书', en: 'Notice' } },
        ]),
    );
    const ref = {
      org: notice.org,
      noticeId: notice.noticeId,
      version: notice.version,
      sha256: notice.sha256,
    };
    const request = await requestOf(alice);
    const asked = requestedConsent(request.terms);
    refused(
      await patientClient(network, alice).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent: { ...asked, notice: { ...ref, sha256: 'f'.repeat(64) } },
      }),
      'CONFLICT',
    );
    const approved = ok(
      await patientClient(network, alice).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent: { ...asked, notice: ref },
      }),
    );
    expect(approved.consent.notice).toEqual(ref);
  });

  it('lets the patient decline once; an answered request takes no second answer', async () => {
    const request = await requestOf(alice);
    const declined = await patientClient(network, alice).submit('request:DeclineRequest', {
      requestId: request.requestId,
      reason: 'TERMS_TOO_BROAD',
    });
    expect(ok(declined)).toMatchObject({
      status: 'declined',
      declineReason: 'TERMS_TOO_BROAD',
      answeredBy: { kind: 'patient', id: alice.patientId },
    });
    expect(declined.event).toEqual({ name: 'ConsentRequestAnswered', payload: {} });
    refused(
      await patientClient(network, alice).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent: requestedConsent(request.terms),
      }),
      { code: 'CONFLICT', message: /already declined/ },
    );
    refused(
      await patientClient(network, alice).submit('request:DeclineRequest', {
        requestId: request.requestId,
      }),
      'CONFLICT',
    );
    refused(
      await network
        .as(who.enterpriseAnalyst)
        .submit('request:WithdrawRequest', [request.requestId]),
      'CONFLICT',
    );
    const approvedOnce = await requestOf(alice);
    const answer = {
      requestId: approvedOnce.requestId,
      consent: requestedConsent(approvedOnce.terms),
    };
    ok(await patientClient(network, alice).submit('request:ApproveRequest', answer));
    refused(await patientClient(network, alice).submit('request:ApproveRequest', answer), {
      code: 'CONFLICT',
      message: /already approved/,
    });
  });

  it('refuses answers by another patient, and unknown or malformed requests', async () => {
    const request = await requestOf(alice);
    const answer = { requestId: request.requestId, consent: requestedConsent(request.terms) };
    const result = await patientClient(network, bob).submit('request:ApproveRequest', answer);
    refused(result, { code: 'FORBIDDEN', message: /another patient/ });
    expect(result.privateWrites).toEqual([]);
    refused(
      await patientClient(network, bob).submit('request:DeclineRequest', {
        requestId: request.requestId,
      }),
      'FORBIDDEN',
    );
    // Alice's statement carried for Bob's ID is not signed by Bob's key.
    refused(
      await patientClient(network, alice)
        .with({ patientId: bob.patientId })
        .submit('request:ApproveRequest', answer),
      'FORBIDDEN',
    );
    refused(
      await patientClient(network, alice).submit('request:DeclineRequest', {
        requestId: 'req-000000000000000000000000',
      }),
      'REQUEST_NOT_FOUND',
    );
    refused(
      await patientClient(network, alice).submit('request:DeclineRequest', {
        requestId: 'con-000000000000000000000000',
      }),
      { code: 'INVALID_ARGUMENT', message: /decline\.requestId/ },
    );
    refused(
      await network.as(who.tertiaryAdmin).evaluate('request:GetRequest', ['nope']),
      'INVALID_ARGUMENT',
    );
    refused(
      await network
        .as(who.tertiaryAdmin)
        .evaluate('request:GetRequest', ['req-000000000000000000000000']),
      'REQUEST_NOT_FOUND',
    );
  });

  it('refuses requests for another organization, bad terms, free text and unknown patients', async () => {
    const submit = (input: Record<string, unknown>) =>
      network.as(who.enterpriseAnalyst).submit('request:RequestConsent', [input]);
    refused(await submit(ask(alice, { terms: terms({ grantee: { org: MSP.research } }) })), {
      code: 'RULE_VIOLATION',
      message: /own organization/,
    });
    refused(await submit(ask(alice, { terms: { ...terms(), grantee: { role: 'analyst' } } })), {
      code: 'INVALID_ARGUMENT',
      message: /grantee\.org/,
    });
    refused(
      await submit(ask(alice, { terms: terms({ validUntil: '2026-11-01T00:00:00.000Z' }) })),
      { code: 'INVALID_ARGUMENT', message: /future/ },
    );
    refused(await submit(ask(alice, { note: 'please, it is urgent' })), 'INVALID_ARGUMENT');
    refused(await submit(ask(alice, { reason: 'Because I want to' })), 'INVALID_ARGUMENT');
    refused(
      await submit(ask(alice, { terms: { ...terms(), exceptions: [] } })),
      'INVALID_ARGUMENT',
    );
    refused(await submit(ask(alice, { patientId: pid(99) })), 'PATIENT_NOT_FOUND');
    refused(
      await network
        .as(who.tertiaryAdmin)
        .submit('request:RequestConsent', [
          ask(alice, { terms: terms({ grantee: { org: MSP.tertiary } }) }),
        ]),
      'FORBIDDEN',
    );
  });

  it('lets only the requester organization withdraw an open request', async () => {
    const request = await requestOf(alice);
    refused(
      await network.as(who.researcher).submit('request:WithdrawRequest', [request.requestId]),
      'FORBIDDEN',
    );
    const withdrawn = await network
      .as(who.enterpriseAnalyst)
      .submit('request:WithdrawRequest', [request.requestId]);
    expect(ok(withdrawn)).toMatchObject({ status: 'withdrawn', answeredAt: withdrawn.timestamp });
    refused(
      await patientClient(network, alice).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent: requestedConsent(request.terms),
      }),
      'CONFLICT',
    );
  });

  it('expires an unanswered request after 30 days', async () => {
    const request = await requestOf(alice);
    const later = '2026-12-22T08:00:00.000Z';
    expect(
      ok(
        await network
          .as(who.tertiaryAdmin, { at: later })
          .evaluate('request:GetRequest', [request.requestId]),
      ).status,
    ).toBe('expired');
    refused(
      await patientClient(network, { ...alice, at: later }).submit('request:ApproveRequest', {
        requestId: request.requestId,
        consent: requestedConsent(request.terms),
      }),
      { code: 'RULE_VIOLATION', message: /expired/ },
    );
  });

  it('limits open requests and requests per 30 days, per requester organization and patient', async () => {
    expect(
      ok(await network.as(who.enterpriseAnalyst).evaluate('request:GetRequestLimits', [])),
    ).toEqual({ ...DEFAULT_REQUEST_LIMITS, source: 'default' });
    const requests = [];
    for (let i = 0; i < DEFAULT_REQUEST_LIMITS.maxOpen; i += 1)
      requests.push(await requestOf(alice));
    const flooded = await network
      .as(who.enterpriseAnalyst)
      .submit('request:RequestConsent', [ask(alice)]);
    refused(flooded, { code: 'RULE_VIOLATION', message: /3 open requests/ });
    expect(flooded.privateWrites).toEqual([]);
    // Other patients, and other requester organizations, have their own counts.
    await requestOf(bob);
    ok(
      await network.as(who.researcher).submit('request:RequestConsent', [
        ask(alice, {
          terms: terms({ grantee: { org: MSP.research } }),
          reason: 'RESEARCH_STUDY',
        }),
      ]),
    );
    // An answer frees an open place; the 30-day count still holds every request made.
    for (const { requestId } of requests) {
      ok(await patientClient(network, alice).submit('request:DeclineRequest', { requestId }));
    }
    await requestOf(alice);
    await requestOf(alice);
    refused(
      await network.as(who.enterpriseAnalyst).submit('request:RequestConsent', [ask(alice)]),
      { code: 'RULE_VIOLATION', message: /5 requests to this patient in 30 days/ },
    );
    // 30 days on, the window has moved and every open request has expired.
    network.advance(30 * DAY + 1);
    ok(await network.as(who.enterpriseAnalyst).submit('request:RequestConsent', [ask(alice)]));
  });

  it('takes the limits the regulator sets, within bounds, and only from the regulator', async () => {
    refused(
      await network
        .as(who.govAdmin)
        .submit('request:SetRequestLimits', [{ maxOpen: 1, maxPerWindow: 1 }]),
      'FORBIDDEN',
    );
    for (const bad of [
      { maxOpen: 0, maxPerWindow: 1 },
      { maxOpen: 1, maxPerWindow: 101 },
      { maxOpen: 3, maxPerWindow: 2 },
      { maxOpen: 1 },
    ]) {
      refused(
        await network.as(who.regulator).submit('request:SetRequestLimits', [bad]),
        'INVALID_ARGUMENT',
      );
    }
    const set = await network
      .as(who.regulator)
      .submit('request:SetRequestLimits', [{ maxOpen: 1, maxPerWindow: 2 }]);
    expect(ok(set)).toEqual({
      maxOpen: 1,
      maxPerWindow: 2,
      source: 'ledger',
      setAt: set.timestamp,
      txId: set.txId,
    });
    expect(set.privateWrites).toEqual([]);
    expect(
      ok(await network.as(who.researcher).evaluate('request:GetRequestLimits', [])),
    ).toMatchObject({ maxOpen: 1, maxPerWindow: 2, source: 'ledger' });
    const first = await requestOf(alice);
    refused(
      await network.as(who.enterpriseAnalyst).submit('request:RequestConsent', [ask(alice)]),
      { code: 'RULE_VIOLATION', message: /at most 1\)/ },
    );
    await network.as(who.enterpriseAnalyst).submit('request:WithdrawRequest', [first.requestId]);
    await requestOf(alice);
  });

  it('lists requests newest first, scoped to the caller', async () => {
    const carol = await registerPatient(network, { n: 3, home: MSP.community });
    const one = await requestOf(alice);
    network.advance(1000);
    const two = await requestOf(alice, { reason: 'FOLLOW_UP' });
    network.advance(1000);
    const three = await requestOf(carol);
    const ids = (page: { items: readonly { requestId: string }[] }) =>
      page.items.map((item) => item.requestId);
    expect(
      ids(
        ok(
          await network
            .as(who.enterpriseAnalyst)
            .evaluate('request:QueryRequests', [{ requesterOrg: MSP.enterprise }]),
        ),
      ),
    ).toEqual([three.requestId, two.requestId, one.requestId]);
    expect(
      ids(
        ok(
          await network
            .as(who.tertiaryAdmin)
            .evaluate('request:QueryRequests', [{ patientId: alice.patientId }]),
        ),
      ),
    ).toEqual([two.requestId, one.requestId]);
    // A home's admin sees its own patients' requests only; the regulator sees all.
    expect(
      ids(ok(await network.as(who.communityAdmin).evaluate('request:QueryRequests', [{}]))),
    ).toEqual([three.requestId]);
    expect(
      ok(await network.as(who.regulator).evaluate('request:QueryRequests', [{}])).items,
    ).toHaveLength(3);
    await patientClient(network, alice).submit('request:DeclineRequest', {
      requestId: one.requestId,
    });
    expect(
      ids(
        ok(
          await network
            .as(who.tertiaryAdmin)
            .evaluate('request:QueryRequests', [{ patientId: alice.patientId, status: 'open' }]),
        ),
      ),
    ).toEqual([two.requestId]);
    refused(
      await network
        .as(who.enterpriseAnalyst)
        .evaluate('request:QueryRequests', [{ requesterOrg: MSP.research }]),
      'FORBIDDEN',
    );
    expect(
      ok(await network.as(who.researcher).evaluate('request:QueryRequests', [{}])).items,
    ).toEqual([]);
    refused(
      await network.as(who.researcher).evaluate('request:QueryRequests', [{ free: 'text' }]),
      'INVALID_ARGUMENT',
    );
  });
});
