import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  AccessOutcome,
  ConsentRequestWrite,
  InboxCounts,
  InboxItem,
  InboxItemKind,
  InboxPage,
  InboxReadAll,
} from '@consent-ledger/ledger-api';
import { fhirConsentTerms } from '../support/fhir-consent.ts';
import {
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * The patient's inbox at the home gateway on the real network (issue 18): a break-glass access by
 * another hospital, a consent request from an insurer, a consent about to end and an erasure each
 * reach the inbox of the patient's home gateway through its block listener (built from what its
 * own peer received), with unread counts; the patient reads them one by one or all at once, and
 * they are kept, read. Only the patient's (or a guardian's) session reaches it.
 */

const PASSWORD = 'inbox-e2e-password-1';
const COMMUNITY = 'CommunityHospitalMSP';
const ENTERPRISE = 'EnterpriseMSP';
const DAY_MS = 86_400_000;

describe("the patient's inbox at the home gateway, real network", () => {
  let tertiary: GatewayApi;
  let community: GatewayApi;
  let enterprise: GatewayApi;
  let patient: GatewayPatient;
  let clinician: string;
  let analyst: string;
  let homeClinician: string;
  let requestId: string;
  let breakGlassEventId: string;
  let expiringConsent: string;
  let erasedConsent: string;

  const inbox = async (query = ''): Promise<InboxPage> => {
    const page = await tertiary.get<InboxPage>(`/inbox${query}`, patient.token);
    expect(page.status, page.text).toBe(200);
    return page.body;
  };

  /** The inbox once it holds an item of every kind in `kinds` (the listener is asynchronous). */
  const inboxWith = async (kinds: readonly InboxItemKind[]): Promise<InboxPage> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const page = await inbox('?pageSize=100');
      const have = new Set(page.items.map((item) => item.kind));
      if (kinds.every((kind) => have.has(kind)) || Date.now() > deadline) return page;
      await sleep(500);
    }
  };

  const itemOf = <K extends InboxItemKind>(
    page: InboxPage,
    kind: K,
  ): Extract<InboxItem, { kind: K }> | undefined =>
    page.items.find((item): item is Extract<InboxItem, { kind: K }> => item.kind === kind);

  beforeAll(async () => {
    tertiary = gateway('tertiary');
    community = gateway('community');
    enterprise = gateway('enterprise');
    const user = async (api: GatewayApi, role: string): Promise<string> =>
      (
        await createSignedInUser(api, await api.loginAdmin(), {
          username: uniqueName(`inbox-${role}`),
          password: PASSWORD,
          role,
        })
      ).token;
    clinician = await user(community, 'clinician');
    analyst = await user(enterprise, 'analyst');
    homeClinician = await user(tertiary, 'clinician');
    patient = await enrolPatient(tertiary);

    // What the inbox is to tell: a break-glass access by the other hospital; an insurer's
    // request; a consent ending in three days; a consent revoked and erased.
    const emergency = await community.post<AccessOutcome>('/access-requests/emergency', {
      token: clinician,
      body: {
        patientId: patient.patientId,
        categories: ['outpatient'],
        reasonCode: 'LIFE_THREATENING',
        justification: 'unconscious on arrival',
      },
    });
    expect(emergency.status, emergency.text).toBe(201);
    breakGlassEventId = emergency.body.eventId;
    const asked = await enterprise.post<ConsentRequestWrite>('/consent-requests', {
      token: analyst,
      body: {
        patientId: patient.patientId,
        terms: {
          grantee: { org: ENTERPRISE },
          purposes: ['insurance'],
          categories: ['outpatient'],
          validUntil: new Date(Date.now() + 90 * DAY_MS).toISOString(),
        },
        reason: 'CLAIM_ASSESSMENT',
      },
    });
    expect(asked.status, asked.text).toBe(201);
    requestId = asked.body.requestId;
    expiringConsent = (
      await patient.grant({
        ...fhirConsentTerms(COMMUNITY),
        validUntil: new Date(Date.now() + 3 * DAY_MS).toISOString(),
      })
    ).consentId;
    erasedConsent = (await patient.grant(fhirConsentTerms(ENTERPRISE))).consentId;
    await patient.revoke(erasedConsent);
    await patient.erase(erasedConsent);
  }, 240_000);

  it('holds a break-glass access, a consent request, a consent about to end and an erasure, unread', async () => {
    const page = await inboxWith(['break-glass', 'consent-request', 'consent-expiring', 'erasure']);
    expect(itemOf(page, 'break-glass')).toMatchObject({
      patientId: patient.patientId,
      details: {
        eventId: breakGlassEventId,
        accessorOrg: COMMUNITY,
        purpose: 'emergency',
        categories: ['outpatient'],
      },
    });
    expect(itemOf(page, 'consent-request')).toMatchObject({
      details: { requestId, requesterOrg: ENTERPRISE, status: 'open' },
    });
    const expiring = itemOf(page, 'consent-expiring');
    expect(expiring).toMatchObject({
      details: { consentId: expiringConsent, version: 1, granteeOrg: COMMUNITY },
    });
    expect(Date.parse(expiring?.details.validUntil ?? '')).toBeGreaterThan(Date.now());
    expect(itemOf(page, 'erasure')).toMatchObject({
      details: { kind: 'consent', consentId: erasedConsent },
    });
    expect(page.items.every((item) => item.readAt === undefined)).toBe(true);
    // Each item names the transaction that caused it, newest first.
    expect(page.items.every((item) => /^[0-9a-f]{64}$/.test(item.txId))).toBe(true);
    const ids = page.items.map((item) => item.itemId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(page.counts).toEqual({
      unread: 4,
      byKind: { 'break-glass': 1, 'consent-request': 1, 'consent-expiring': 1, erasure: 1 },
    });
    // The consent without an end, and the revoked one, raise no warning.
    expect(page.items.filter((item) => item.kind === 'consent-expiring')).toHaveLength(1);
  });

  it('marks an item read when the patient answers the request, and keeps it', async () => {
    const declined = await tertiary.post(`/consent-requests/${requestId}/decline`, {
      token: patient.token,
      body: { action: await patient.device.sign('request:DeclineRequest', { requestId }) },
    });
    expect(declined.status, declined.text).toBe(200);
    const deadline = Date.now() + 60_000;
    let request = itemOf(await inbox('?pageSize=100'), 'consent-request');
    while (request?.details.status !== 'declined' && Date.now() < deadline) {
      await sleep(500);
      request = itemOf(await inbox('?pageSize=100'), 'consent-request');
    }
    expect(request?.details.status).toBe('declined');
    expect(request?.readAt).toBeDefined();
    const counts = await tertiary.get<InboxCounts>('/inbox/unread', patient.token);
    expect(counts.body).toMatchObject({ unread: 3, byKind: { 'consent-request': 0 } });
  });

  it('marks one item read, then all, and keeps them read', async () => {
    const before = await inbox('?unread=true');
    const breakGlass = itemOf(before, 'break-glass');
    expect(breakGlass).toBeDefined();
    const read = await tertiary.post<InboxItem>(`/inbox/${String(breakGlass?.itemId)}/read`, {
      token: patient.token,
    });
    expect(read.status, read.text).toBe(200);
    expect(read.body.readAt).toBeDefined();
    expect((await inbox('?unread=true')).items.map((item) => item.kind).sort()).toEqual([
      'consent-expiring',
      'erasure',
    ]);

    const newest = before.items[0]?.itemId;
    const all = await tertiary.post<InboxReadAll>('/inbox/read-all', {
      token: patient.token,
      body: { upTo: newest },
    });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toMatchObject({ marked: 2, counts: { unread: 0 } });
    const kept = await inbox();
    expect(kept.items.length).toBeGreaterThanOrEqual(4);
    expect(kept.items.every((item) => item.readAt !== undefined)).toBe(true);
  });

  it('serves no one but the patient: staff are refused, no token is 401, an item of another is 404', async () => {
    const staff = await tertiary.get<{ code: string }>('/inbox', homeClinician);
    expect(staff.status, staff.text).toBe(403);
    expect(staff.body.code).toBe('FORBIDDEN');
    expect((await tertiary.get('/inbox')).status).toBe(401);
    expect((await tertiary.get('/inbox/unread')).status).toBe(401);
    const other = await enrolPatient(tertiary);
    const mine = (await inbox()).items[0];
    const theirs = await tertiary.post<{ code: string }>(`/inbox/${String(mine?.itemId)}/read`, {
      token: other.token,
    });
    expect(theirs.status, theirs.text).toBe(404);
    expect(theirs.body.code).toBe('NOT_FOUND');
    const empty = await tertiary.get<InboxPage>('/inbox', other.token);
    expect(empty.body.items).toEqual([]);
  });
});
