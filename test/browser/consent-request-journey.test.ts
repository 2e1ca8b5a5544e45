import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ConsentRequest, ConsentRequestWrite } from '@consent-ledger/ledger-api';
import {
  PHONE,
  appGateway,
  checkPageInBothLanguages,
  downloadOf,
  expectAccessible,
  expectNoHorizontalOverflow,
  goTo,
  launchBrowser,
  login,
  newPage,
  registerPatientByApi,
  wordsIn,
  type AppGateway,
} from '../support/browser.ts';
import { createSignedInUser, uniqueName } from '../support/gateways.ts';

/**
 * Consent requests in the browser (issue 18): an insurer's analyst asks a patient of the tertiary
 * hospital for two consents, one naming mental-health data, through the enterprise's app; the
 * patient, on a phone, sees exactly what is asked, approves the first through the signing
 * confirmation after the separate sensitive-data agreement, and declines the second with a coded
 * reason, downloading the decline's receipt; the analyst sees both answers. Both pages pass axe at 390x844 and 1280x900.
 */

const PASSWORD = 'request-journey-pass-phrase-3';
const ENTERPRISE = 'EnterpriseMSP';
const w = wordsIn('zh-CN');
const DESKTOP = { width: 1280, height: 900 } as const;

describe('the consent request journey in the browser', () => {
  let home: AppGateway;
  let insurer: AppGateway;
  let browser: Browser;
  const patient = { username: uniqueName('req-patient'), password: PASSWORD };
  const analyst = { username: uniqueName('req-analyst'), password: PASSWORD };
  let patientId = '';
  let enrolmentCode = '';
  let analystToken = '';

  beforeAll(async () => {
    [home, insurer, browser] = await Promise.all([
      appGateway('tertiary'),
      appGateway('enterprise'),
      launchBrowser(),
    ]);
    ({ patientId, enrolmentCode } = await registerPatientByApi(home.api, home.adminToken));
    analystToken = (
      await createSignedInUser(insurer.api, insurer.adminToken, { ...analyst, role: 'analyst' })
    ).token;
  });
  afterAll(async () => {
    await browser.close();
    await home.close();
    await insurer.close();
  });

  it('asks in the app, the patient approves one request (sensitive data agreed apart) and declines the other', async () => {
    // The analyst asks through the form of the enterprise's app.
    const staff = await newPage(browser, { viewport: DESKTOP });
    await login(staff.page, insurer.base, analyst);
    await goTo(staff.page, w('nav.ask'), w('requests.askTitle'));
    await staff.page.getByLabel(w('requests.patientId')).fill(patientId);
    await staff.page.getByLabel(w('requests.reason')).selectOption('CLAIM_ASSESSMENT');
    await staff.page.getByRole('checkbox', { name: w('purpose.insurance') }).check();
    await staff.page.getByRole('checkbox', { name: w('category.inpatient') }).check();
    const sensitiveGroup = staff.page.getByRole('group', { name: w('requests.sensitiveLabels') });
    await sensitiveGroup.getByRole('checkbox', { name: w('sensitivity.PSY') }).check();
    await expectAccessible(staff.page, 'the request form');
    await checkPageInBothLanguages(staff.page, 'request-1-ask', [analyst.username]);
    await staff.page.getByRole('button', { name: w('requests.submit') }).click();
    await staff.page.getByText(w('requests.asked')).waitFor();
    // The second request through the REST API.
    const second = await insurer.api.post<ConsentRequestWrite>('/consent-requests', {
      token: analystToken,
      body: {
        patientId,
        terms: {
          grantee: { org: ENTERPRISE },
          purposes: ['insurance'],
          categories: ['outpatient'],
          validUntil: new Date(Date.now() + 60 * 86_400_000).toISOString(),
        },
        reason: 'FOLLOW_UP',
      },
    });
    expect(second.status, second.text).toBe(201);

    // The patient's first sign-in gives this browser the key; then the requests page.
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await page.goto(`${home.base}/app/`);
    await page.getByRole('link', { name: w('login.firstSignIn') }).click();
    await page.getByRole('heading', { name: w('first.title') }).waitFor();
    await page.getByLabel(w('patients.pseudonym')).fill(patientId);
    await page.getByLabel(w('patients.code')).fill(enrolmentCode);
    await page.getByLabel(w('first.username')).fill(patient.username);
    await page.getByLabel(w('first.choosePassword')).fill(patient.password);
    await page.getByRole('button', { name: w('first.submit') }).click();
    await page
      .getByRole('dialog', { name: w('first.signTitle') })
      .getByRole('button', { name: w('first.signConfirm') })
      .click();
    await page.getByText(w('devices.ready')).waitFor();
    await goTo(page, w('nav.requests'), w('requests.title'));
    const pending = page.locator('li.card');
    await expect.poll(() => pending.count(), { timeout: 30_000 }).toBe(2);
    const sensitiveCard = page.locator('li.card', {
      hasText: w('requests.sensitive', { labels: w('sensitivity.PSY') }),
    });
    expect(await sensitiveCard.textContent()).toContain(
      w('requests.asks', {
        org: w('org.EnterpriseMSP'),
        reason: w('requestReason.CLAIM_ASSESSMENT'),
      }),
    );
    await expectAccessible(page, 'the requests page on a phone');
    await expectNoHorizontalOverflow(page, 'the requests page on a phone');
    await checkPageInBothLanguages(page, 'request-2-pending', [patient.username]);
    await page.setViewportSize(DESKTOP);
    await expectAccessible(page, 'the requests page on a desktop');
    await page.setViewportSize(PHONE);

    // Approving sensitive data needs the separate agreement first; then the signing confirmation.
    await sensitiveCard.getByRole('button', { name: w('requests.approve') }).click();
    await expect
      .poll(() => sensitiveCard.getByRole('alert').textContent())
      .toContain(w('requests.needAgreement'));
    await sensitiveCard.getByRole('checkbox', { name: w('requests.sensitiveAgreed') }).check();
    await sensitiveCard.getByRole('button', { name: w('requests.approve') }).click();
    const review = page.getByRole('dialog', { name: w('requests.approveTitle') });
    await review.waitFor();
    const words = (await review.getByTestId('statement-words').textContent()) ?? '';
    expect(words).toContain(w('sensitivity.PSY'));
    await expectAccessible(page, 'the approval confirmation');
    await review.getByRole('button', { name: w('requests.approveConfirm') }).click();
    await page.getByText(w('requests.approved')).waitFor();

    // Declining the other with a reason.
    const otherCard = page.locator('li.card', {
      hasText: w('requestReason.FOLLOW_UP'),
    });
    await otherCard.getByLabel(w('requests.declineReason')).selectOption('UNKNOWN_REQUESTER');
    await otherCard.getByRole('button', { name: w('requests.decline') }).click();
    const decline = page.getByRole('dialog', { name: w('requests.declineTitle') });
    await decline.getByRole('button', { name: w('requests.declineConfirm') }).click();
    await page.getByText(w('requests.declined')).waitFor();
    await expect
      .poll(() => page.locator('section[aria-labelledby="requests-pending"] li.card').count(), {
        timeout: 30_000,
      })
      .toBe(0);
    // The declined request has a receipt to download (the approved one has none of its own: its
    // consent's receipt is under My consents).
    const answered = page.locator('section[aria-labelledby="requests-answered"] li.card');
    await expect.poll(() => answered.count(), { timeout: 30_000 }).toBe(2);
    const receiptButtons = page.getByRole('button', { name: w('requests.receipt') });
    expect(await receiptButtons.count()).toBe(1);
    const declinedCard = answered.filter({ hasText: w('requestReason.FOLLOW_UP') });
    const requestId = second.body.requestId;
    const receiptButton = declinedCard.getByRole('button', {
      name: w('requests.receiptLabel', { org: w('org.EnterpriseMSP'), id: requestId }),
    });
    const receipt = await downloadOf(page, receiptButton);
    expect(receipt.name).toBe(`decline-receipt-${requestId}.json`);
    expect(JSON.parse(new TextDecoder().decode(receipt.bytes)) as unknown).toMatchObject({
      receiptId: `${requestId}.declined`,
      action: 'declined',
      patientId,
      requesterOrg: ENTERPRISE,
      declineReason: 'UNKNOWN_REQUESTER',
      evidence: { version: 2, subject: { kind: 'consent-request', status: 'declined' } },
    });
    await page
      .getByText(w('requests.receiptSaved', { name: `decline-receipt-${requestId}.json` }))
      .waitFor();
    await checkPageInBothLanguages(page, 'request-3-answered', [patient.username]);

    // The requester reads both answers, through the API and on its page.
    const mine = await insurer.api.get<{ items: ConsentRequest[] }>(
      `/consent-requests?requesterOrg=${ENTERPRISE}&patientId=${patientId}`,
      analystToken,
    );
    expect(mine.body.items.map((each) => each.status).sort()).toEqual(['approved', 'declined']);
    expect(mine.body.items.find((each) => each.status === 'declined')?.declineReason).toBe(
      'UNKNOWN_REQUESTER',
    );
    await staff.page.reload();
    await staff.page.getByRole('heading', { name: w('requests.mineTitle') }).waitFor();
    await expect
      .poll(() =>
        staff.page.locator('section[aria-labelledby="ask-mine"] li.card').allTextContents(),
      )
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining(w('requestStatus.approved')),
          expect.stringContaining(w('requestStatus.declined')),
        ]),
      );
    await expectAccessible(staff.page, 'the requester page with answers');
    expect(problems).toEqual([]);
    expect(staff.problems).toEqual([]);
    await context.close();
    await staff.context.close();
  });

  it("shows the patient's inbox: the unread count in the menu, the items, marked read", async () => {
    // A break-glass access by a clinician of the home hospital, after the requests answered above.
    const clinician = await createSignedInUser(home.api, home.adminToken, {
      username: uniqueName('inbox-clinician'),
      password: PASSWORD,
      role: 'clinician',
    });
    const emergency = await home.api.post('/access-requests/emergency', {
      token: clinician.token,
      body: {
        patientId,
        categories: ['outpatient'],
        reasonCode: 'LIFE_THREATENING',
        justification: 'browser journey',
      },
    });
    expect(emergency.status, emergency.text).toBe(201);

    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await login(page, home.base, patient);
    // The menu tells of the one unread item (the two requests were answered: read already).
    const inboxLink = page.getByRole('link', { name: w('nav.inboxUnread', { n: '1' }) });
    await inboxLink.waitFor({ timeout: 30_000 });
    // On the inbox page the counts come with the items: the menu does not ask for them apart.
    const countsAsked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/inbox/unread') countsAsked.push(request.url());
    });
    await inboxLink.click();
    await page.getByRole('heading', { name: w('inbox.title'), level: 1 }).waitFor();
    const cards = page.locator('li.card');
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(3);
    const unread = page.locator('li.card.unread');
    expect(await unread.count()).toBe(1);
    expect(await unread.textContent()).toContain(
      w('inbox.breakGlassTitle', { org: w('org.TertiaryHospitalMSP') }),
    );
    expect(
      await page
        .locator('li.card', { hasText: w('inbox.requestTitle', { org: w('org.EnterpriseMSP') }) })
        .count(),
    ).toBe(2);
    await expectAccessible(page, 'the inbox on a phone');
    await expectNoHorizontalOverflow(page, 'the inbox on a phone');
    await checkPageInBothLanguages(page, 'inbox-1-unread', [patient.username]);

    expect(countsAsked).toEqual([]);
    await unread.getByRole('button', { name: w('inbox.markRead') }).click();
    await expect.poll(() => page.locator('li.card.unread').count()).toBe(0);
    // Marking an item read asks for the counts once, for the menu.
    expect(countsAsked).toHaveLength(1);
    // The count leaves the menu; the items stay, read.
    await page.getByRole('link', { name: w('nav.inbox'), exact: true }).waitFor();
    expect(await cards.count()).toBe(3);
    await page.setViewportSize(DESKTOP);
    await expectAccessible(page, 'the inbox on a desktop, all read');
    expect(problems).toEqual([]);
    await context.close();
  });
});
