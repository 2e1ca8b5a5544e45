import { noticeDigest, type Notice, type NoticeInput } from '@consent-ledger/ledger-api';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bootstrap,
  consentInput,
  grant,
  MSP,
  ok,
  patientClient,
  refused,
  registerPatient,
  who,
  type TestPatient,
} from '../testing/fixtures';
import { createTestNetwork, type TestNetwork } from '../testing/harness';

const TEXTS = {
  'zh-CN': '我们将仅为您同意的目的使用您同意的数据类别。',
  en: 'We use only the categories of data you agree to, for the purposes you agree to.',
} as const;

function noticeInput(overrides: Partial<NoticeInput> = {}): NoticeInput {
  return { noticeId: 'consent-sharing', version: 1, texts: TEXTS, ...overrides };
}

describe('notice contract', () => {
  let network: TestNetwork;
  let alice: TestPatient;
  beforeEach(async () => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
    await bootstrap(network);
    alice = await registerPatient(network, 1);
  });

  async function publish(
    input: NoticeInput = noticeInput(),
    admin = who.enterpriseAdmin,
  ): Promise<Notice> {
    return ok(await network.as(admin).submit('notice:PublishNotice', [input]));
  }

  it("publishes versions in order under the admin's own organization, hashing the texts", async () => {
    const first = await publish();
    expect(first).toMatchObject({
      org: MSP.enterprise,
      noticeId: 'consent-sharing',
      version: 1,
      sha256: noticeDigest(TEXTS),
      texts: TEXTS,
    });
    // The digest is of the sorted-key JSON of the texts, recomputable by anyone.
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    const second = await publish(noticeInput({ version: 2, texts: { ...TEXTS, en: 'Changed.' } }));
    expect(second.sha256).not.toBe(first.sha256);
    expect(
      ok(
        await network
          .as(who.tertiaryClinician)
          .evaluate('notice:GetNotice', [MSP.enterprise, 'consent-sharing', 1]),
      ),
    ).toEqual(first);
    const listed = ok(
      await network.as(who.researcher).evaluate('notice:ListNotices', [MSP.enterprise]),
    );
    expect(listed.map((notice) => [notice.version, notice.sha256])).toEqual([
      [1, first.sha256],
      [2, second.sha256],
    ]);
    expect(listed[0]).not.toHaveProperty('texts');
    expect(ok(await network.as(who.researcher).evaluate('notice:ListNotices', [MSP.gov]))).toEqual(
      [],
    );
  });

  it('never rewrites a version and refuses gaps (CONFLICT)', async () => {
    await publish();
    refused(await network.as(who.enterpriseAdmin).submit('notice:PublishNotice', [noticeInput()]), {
      code: 'CONFLICT',
      message: /already published/,
    });
    refused(
      await network
        .as(who.enterpriseAdmin)
        .submit('notice:PublishNotice', [noticeInput({ version: 3 })]),
      { code: 'CONFLICT', message: /no version 2/ },
    );
    refused(
      await network
        .as(who.enterpriseAdmin)
        .submit('notice:PublishNotice', [noticeInput({ noticeId: 'other', version: 2 })]),
      'CONFLICT',
    );
  });

  it('refuses non-admins, bad IDs, blank or oversized texts and a missing language', async () => {
    refused(
      await network.as(who.enterpriseAnalyst).submit('notice:PublishNotice', [noticeInput()]),
      'FORBIDDEN',
    );
    for (const bad of [
      noticeInput({ noticeId: 'Consent Sharing' }),
      noticeInput({ version: 0 }),
      noticeInput({ texts: { ...TEXTS, en: '   ' } }),
      noticeInput({ texts: { ...TEXTS, en: 'x'.repeat(8001) } }),
      noticeInput({ texts: { ...TEXTS, en: 'bell\u0007' } }),
      { noticeId: 'consent-sharing', version: 1, texts: { 'zh-CN': TEXTS['zh-CN'] } },
    ]) {
      refused(
        await network.as(who.enterpriseAdmin).submit('notice:PublishNotice', [bad]),
        'INVALID_ARGUMENT',
      );
    }
    refused(
      await network
        .as(who.researcher)
        .evaluate('notice:GetNotice', [MSP.enterprise, 'consent-sharing', 1]),
      'NOT_FOUND',
    );
    refused(
      await network.as(who.researcher).evaluate('notice:GetNotice', [MSP.enterprise, 'x', 'one']),
      'INVALID_ARGUMENT',
    );
  });

  it("lets a consent name a notice of the patient's home or of its grantee, checking its hash", async () => {
    const enterprise = await publish();
    const research = await publish(noticeInput(), who.researchAdmin);
    const ref = (notice: Notice) => ({
      org: notice.org,
      noticeId: notice.noticeId,
      version: notice.version,
      sha256: notice.sha256,
    });
    const toEnterprise = (notice: unknown) =>
      consentInput({
        grantee: { org: MSP.enterprise },
        purposes: ['insurance'],
        categories: ['outpatient'],
        notice,
      });
    const { consentId } = await grant(network, {
      patient: alice,
      input: toEnterprise(ref(enterprise)),
    });
    const stored = ok(
      await network.as(who.tertiaryAdmin).evaluate('consent:GetConsent', [consentId]),
    );
    expect(stored.notice).toEqual(ref(enterprise));

    const client = patientClient(network, alice);
    // A notice of a third organization: RULE_VIOLATION.
    refused(await client.submit('consent:GrantConsent', toEnterprise(ref(research))), {
      code: 'RULE_VIOLATION',
      message: /neither the patient's home nor the grantee/,
    });
    // A hash other than the published texts': CONFLICT (the patient saw other words).
    refused(
      await client.submit(
        'consent:GrantConsent',
        toEnterprise({ ...ref(enterprise), sha256: noticeDigest({ ...TEXTS, en: 'Other.' }) }),
      ),
      'CONFLICT',
    );
    // A version never published: NOT_FOUND.
    refused(
      await client.submit('consent:GrantConsent', toEnterprise({ ...ref(enterprise), version: 9 })),
      'NOT_FOUND',
    );
    refused(
      await client.submit('consent:GrantConsent', toEnterprise({ ...ref(enterprise), extra: 1 })),
      'INVALID_ARGUMENT',
    );
  });

  it('counts the consents under each version for the regulator, following updates and erasures', async () => {
    const v1 = await publish();
    const v2 = await publish(noticeInput({ version: 2, texts: { ...TEXTS, en: 'Version 2.' } }));
    const ref = (notice: Notice) => ({
      org: notice.org,
      noticeId: notice.noticeId,
      version: notice.version,
      sha256: notice.sha256,
    });
    const terms = (notice: Notice) =>
      consentInput({
        grantee: { org: MSP.enterprise },
        purposes: ['insurance'],
        categories: ['outpatient'],
        notice: ref(notice),
      });
    const bob = await registerPatient(network, 2);
    const first = await grant(network, { patient: alice, input: terms(v1) });
    await grant(network, { patient: bob, input: terms(v1) });
    await grant(network, { patient: bob, input: consentInput() });
    const count = async () =>
      ok(
        await network
          .as(who.regulator)
          .evaluate('notice:CountConsentsByNotice', [MSP.enterprise, 'consent-sharing']),
      );
    expect(await count()).toEqual({
      org: MSP.enterprise,
      noticeId: 'consent-sharing',
      versions: [{ version: 1, consents: 2 }],
    });
    const client = patientClient(network, alice);
    ok(
      await client.submit('consent:UpdateConsent', {
        ...terms(v2),
        consentId: first.consentId,
        expectedVersion: 1,
      }),
    );
    expect((await count()).versions).toEqual([
      { version: 1, consents: 1 },
      { version: 2, consents: 1 },
    ]);
    ok(
      await client.submit('consent:RevokeConsent', {
        consentId: first.consentId,
        expectedVersion: 2,
      }),
    );
    // A revoked consent was still given under its notice.
    expect((await count()).versions).toEqual([
      { version: 1, consents: 1 },
      { version: 2, consents: 1 },
    ]);
    ok(await client.submit('consent:EraseConsent', { consentId: first.consentId }));
    expect((await count()).versions).toEqual([{ version: 1, consents: 1 }]);
    refused(
      await network
        .as(who.enterpriseAdmin)
        .evaluate('notice:CountConsentsByNotice', [MSP.enterprise, 'consent-sharing']),
      'FORBIDDEN',
    );
  });
});
