import { beforeAll, describe, expect, it } from 'vitest';
import {
  noticeDigest,
  type Consent,
  type ConsentInput,
  type ConsentReceipt,
  type Notice,
  type NoticeRef,
  type NoticeSummary,
  type NoticeUse,
} from '@consent-ledger/ledger-api';
import { parseBundle, verifyBundle } from '@consent-ledger/verifier';
import { fhirConsent, fhirConsentTerms } from '../support/fhir-consent.ts';
import {
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Notices and receipts through the gateways on the real network (issue 18): every organization
 * publishes its standard notice when the network starts; an admin publishes later versions; a
 * consent names the notice it was given under (REST and FHIR Consent.policy), which the ledger
 * checks against the published texts; the regulator counts consents per notice version; the
 * patient downloads a receipt of each consent action whose evidence verifies offline.
 */

const PASSWORD = 'notices-receipts-password-1';
const TERTIARY = 'TertiaryHospitalMSP';
const COMMUNITY = 'CommunityHospitalMSP';
const TEXTS = {
  'zh-CN': '本院仅在您同意的范围内使用您的健康信息。',
  en: 'We use your health information only as far as you agree.',
} as const;

const refOf = (notice: NoticeRef): NoticeRef => ({
  org: notice.org,
  noticeId: notice.noticeId,
  version: notice.version,
  sha256: notice.sha256,
});

describe('notices and consent receipts, real network', () => {
  let tertiary: GatewayApi;
  let community: GatewayApi;
  let gov: GatewayApi;
  let tertiaryAdmin: string;
  let regulator: string;
  let patient: GatewayPatient;
  let fresh: Notice;

  beforeAll(async () => {
    tertiary = gateway('tertiary');
    community = gateway('community');
    gov = gateway('gov');
    tertiaryAdmin = await tertiary.loginAdmin();
    regulator = (
      await createSignedInUser(gov, await gov.loginAdmin(), {
        username: uniqueName('notice-regulator'),
        password: PASSWORD,
        role: 'regulator',
      })
    ).token;
    patient = await enrolPatient(community);
    const published = await tertiary.post<Notice>('/notices', {
      token: tertiaryAdmin,
      body: { noticeId: uniqueName('e2e').replace(/[^a-z0-9-]/g, ''), version: 1, texts: TEXTS },
    });
    expect(published.status, published.text).toBe(201);
    fresh = published.body;
  }, 180_000);

  it("serves every organization's standard notice, published at start, in both languages", async () => {
    const listed = await community.get<NoticeSummary[]>(`/notices?org=${COMMUNITY}`, patient.token);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.map((each) => [each.noticeId, each.version])).toContainEqual([
      'consent-sharing',
      1,
    ]);
    const notice = await community.get<Notice>(
      `/notices/${COMMUNITY}/consent-sharing/1`,
      patient.token,
    );
    expect(notice.status, notice.text).toBe(200);
    expect(notice.body.texts.en).toContain('County Community Hospital');
    expect(notice.body.texts['zh-CN']).toContain('个人信息保护法');
    // Anyone recomputes the hash from the texts alone.
    expect(notice.body.sha256).toBe(noticeDigest(notice.body.texts));
    const anonymous = await community.get(`/notices/${COMMUNITY}/consent-sharing/1`);
    expect(anonymous.status).toBe(401);
  });

  it('lets an admin publish the next version only, and no one else', async () => {
    expect(fresh).toMatchObject({ org: TERTIARY, version: 1, sha256: noticeDigest(TEXTS) });
    const gap = await tertiary.post<{ code: string }>('/notices', {
      token: tertiaryAdmin,
      body: { noticeId: fresh.noticeId, version: 3, texts: TEXTS },
    });
    expect(gap.status, gap.text).toBe(409);
    expect(gap.body.code).toBe('CONFLICT');
    const again = await tertiary.post<{ code: string }>('/notices', {
      token: tertiaryAdmin,
      body: { noticeId: fresh.noticeId, version: 1, texts: { ...TEXTS, en: 'Other words.' } },
    });
    expect(again.status, again.text).toBe(409);
    const doctor = await createSignedInUser(tertiary, tertiaryAdmin, {
      username: uniqueName('notice-doctor'),
      password: PASSWORD,
      role: 'clinician',
    });
    const refused = await tertiary.post<{ code: string }>('/notices', {
      token: doctor.token,
      body: { noticeId: 'by-a-doctor', version: 1, texts: TEXTS },
    });
    expect(refused.status, refused.text).toBe(403);
    const blank = await tertiary.post<{ code: string }>('/notices', {
      token: tertiaryAdmin,
      body: { noticeId: fresh.noticeId, version: 2, texts: { ...TEXTS, en: ' ' } },
    });
    expect(blank.status, blank.text).toBe(400);
    expect(blank.body.code).toBe('INVALID_ARGUMENT');
  });

  it('records the notice a consent names, over REST and FHIR, and refuses one the patient was not shown', async () => {
    const terms: ConsentInput = { ...fhirConsentTerms(TERTIARY), notice: refOf(fresh) };
    const { consentId } = await patient.grant(terms);
    const stored = await community.get<Consent>(`/consents/${consentId}`, patient.token);
    expect(stored.body.notice).toEqual(refOf(fresh));
    const read = await community.get<{ policy?: { uri: string }[] }>(
      `/fhir/Consent/${consentId}`,
      patient.token,
    );
    expect(read.body.policy?.[0]?.uri).toMatch(
      new RegExp(`/notices/${TERTIARY}/${fresh.noticeId}/1$`),
    );

    // A FHIR Consent naming the notice in Consent.policy.
    const action = await patient.device.sign('consent:GrantConsent', terms);
    const created = await community.post<{ id: string }>('/fhir/Consent', {
      token: patient.token,
      body: {
        ...fhirConsent({ patientId: patient.patientId, action, grantee: TERTIARY }),
        policy: read.body.policy,
      },
      headers: { accept: 'application/fhir+json' },
    });
    expect(created.status, created.text).toBe(201);
    expect(
      (await community.get<Consent>(`/consents/${created.body.id}`, patient.token)).body.notice,
    ).toEqual(refOf(fresh));

    const post = async (notice: NoticeRef) =>
      community.post<{ code: string }>('/consents', {
        token: patient.token,
        body: {
          action: await patient.device.sign('consent:GrantConsent', { ...terms, notice }),
        },
      });
    // Other words than the published ones: CONFLICT.
    const otherWords = await post({ ...refOf(fresh), sha256: noticeDigest({ ...TEXTS, en: 'x' }) });
    expect(otherWords.status, otherWords.text).toBe(409);
    // A notice of neither the home nor the grantee: RULE_VIOLATION.
    const third = await post({ ...refOf(fresh), org: 'ResearchMSP', noticeId: 'consent-sharing' });
    expect(third.status, third.text).toBe(422);
    expect(third.body.code).toBe('RULE_VIOLATION');
    const unpublished = await post({ ...refOf(fresh), version: 2 });
    expect(unpublished.status, unpublished.text).toBe(404);

    // The regulator counts the consents given under the notice: the REST one and the FHIR one.
    const use = await gov.get<NoticeUse>(`/notices/${TERTIARY}/${fresh.noticeId}/use`, regulator);
    expect(use.status, use.text).toBe(200);
    expect(use.body.versions).toEqual([{ version: 1, consents: 2 }]);
    const notRegulator = await tertiary.get(
      `/notices/${TERTIARY}/${fresh.noticeId}/use`,
      tertiaryAdmin,
    );
    expect(notRegulator.status).toBe(403);
  });

  it('hands the patient a receipt of each consent action, with the notice and evidence that verifies', async () => {
    const { consentId } = await patient.grant({
      ...fhirConsentTerms(TERTIARY),
      notice: refOf(fresh),
    });
    await patient.revoke(consentId);
    const granted = await community.get<ConsentReceipt>(
      `/consents/${consentId}/receipt?version=1`,
      patient.token,
    );
    expect(granted.status, granted.text).toBe(200);
    expect(granted.body).toMatchObject({
      receiptVersion: 1,
      receiptId: `${consentId}.v1`,
      action: 'granted',
      patientId: patient.patientId,
      signedBy: { kind: 'patient', id: patient.patientId },
      issuer: COMMUNITY,
      consent: { consentId, version: 1, status: 'active', notice: refOf(fresh) },
      notice: { ...refOf(fresh), texts: TEXTS },
    });
    expect(granted.body.ledger.txId).toBe(granted.body.consent.txId);
    const report = verifyBundle(parseBundle(granted.body.evidence));
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);

    const revoked = await community.get<ConsentReceipt>(
      `/consents/${consentId}/receipt`,
      patient.token,
    );
    expect(revoked.body).toMatchObject({
      receiptId: `${consentId}.v2`,
      action: 'revoked',
      consent: { status: 'revoked' },
    });
    expect(verifyBundle(parseBundle(revoked.body.evidence)).ok).toBe(true);

    // Another patient's receipt is not this patient's to read; a version that does not exist, 404.
    const other = await enrolPatient(community);
    expect((await community.get(`/consents/${consentId}/receipt`, other.token)).status).toBe(403);
    expect(
      (await community.get(`/consents/${consentId}/receipt?version=9`, patient.token)).status,
    ).toBe(404);
    expect(
      (await community.get(`/consents/${consentId}/receipt?version=zero`, patient.token)).status,
    ).toBe(400);
  });
});
