import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import {
  keyIdOf,
  verifySignedAction,
  type LedgerInfo,
  type SignedActionRequest,
} from '@consent-ledger/ledger-api';
import {
  PHONE,
  SCREENSHOT_DIR,
  appGateway,
  checkPageInBothLanguages,
  computedStyle,
  deviceKeyInPage,
  expectAccessible,
  expectNoHorizontalOverflow,
  focusedAttribute,
  focusedText,
  launchBrowser,
  ledgerInfoOf,
  login,
  loginWithKeyboard,
  newPage,
  patientViewByApi,
  registerPatientByApi,
  switchLanguage,
  wordsIn,
  wordsPattern,
  type AppGateway,
  downloadOf,
  pdfPages,
} from '../support/browser.ts';
import { createSignedInUser, gateway, uniqueName } from '../support/gateways.ts';

/**
 * A patient, on a phone-sized screen, through the web app their hospital's gateway serves. The
 * hospital's admin registers the patient (POST /patients); the patient's first sign-in with the
 * enrolment code makes a real, non-extractable WebCrypto key in Chromium and binds it by a signed
 * statement; the patient signs in with the keyboard, grants a consent (reviewing the exact
 * statement before signing), sees who accessed their data (an emergency access highlighted),
 * revokes with a keyboard-operated signing confirmation and erases the revoked consent's details.
 * A second browser without the key cannot sign until the first adds it as a device. The
 * clinician's requests are made through the community hospital's REST API.
 */

const PASSWORD = 'browser-pass-phrase-17';
/** The app's words in Chinese, the language a new visitor gets. */
const w = wordsIn('zh-CN');

/** Waits until the page shows `count` items matching `selector`, reloading the view if needed. */
async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await page.locator(selector).count()) >= count) return;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} of ${selector} after 60 s`);
    await page.waitForTimeout(3000);
    if ((await page.locator(selector).count()) < count) {
      await page.getByRole('link', { name: w('nav.consents') }).click();
      await page.getByRole('link', { name: w('nav.timeline') }).click();
    }
  }
}

/** Opens the signing confirmation's technical details and answers the exact statement shown. */
async function statementShown(page: Page, dialogName: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: dialogName });
  await dialog.getByText(w('signing.technical')).click();
  const text = (await dialog.getByTestId('statement-text').textContent()) ?? '';
  expect(text).not.toBe('');
  return text;
}

/** The signed action a request of the page carries. */
function signedBody(request: Request): SignedActionRequest {
  return JSON.parse(request.postData() ?? '{}') as SignedActionRequest;
}

describe('the patient journey in the browser', () => {
  let app: AppGateway;
  let browser: Browser;
  let ledger: LedgerInfo;
  const community = gateway('community');
  const patient = { username: uniqueName('web-patient'), password: PASSWORD };
  const doctor = { username: uniqueName('web-doctor'), password: PASSWORD };
  let patientId = '';
  let enrolmentCode = '';
  let doctorToken = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([appGateway('tertiary'), launchBrowser()]);
    ledger = await ledgerInfoOf(app.api);
    // The hospital's admin registers the patient and hands the code over in person.
    const enrolment = await registerPatientByApi(app.api, app.adminToken);
    patientId = enrolment.patientId;
    enrolmentCode = enrolment.enrolmentCode;
    const communityAdmin = await community.loginAdmin();
    doctorToken = (
      await createSignedInUser(community, communityAdmin, { ...doctor, role: 'clinician' })
    ).token;
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('activates with a browser key, grants, watches the history, revokes and erases; a second browser waits to be added', async () => {
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    const slot = `patient:${patientId}`;

    // A wrong password is a clear error; the login page passes the accessibility check.
    const own = [patient.username];
    await page.goto(`${app.base}/app/`);
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await page.getByLabel(w('login.username')).fill(patient.username);
    await page.getByLabel(w('login.password')).fill('not-the-password');
    await page.getByRole('button', { name: w('login.submit'), exact: true }).click();
    // The gateway's code, worded; the code itself only in the technical details.
    await expect
      .poll(() => page.getByRole('alert').locator('.error').textContent())
      .toBe(w('error.UNAUTHENTICATED'));
    expect(await page.getByRole('alert').textContent()).toContain('UNAUTHENTICATED:');
    await expectAccessible(page, 'the login page with an error');
    await expectNoHorizontalOverflow(page, 'the login page');
    await checkPageInBothLanguages(page, 'patient-0-login-error', own);
    // The browser logs the refused login's 401; nothing else may appear from here on.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('401');
    problems.length = 0;

    // First sign-in: pseudonym, code, a new username and password; the browser makes the key.
    expect(await deviceKeyInPage(page, slot)).toBeNull();
    await page.getByRole('link', { name: w('login.firstSignIn') }).click();
    await page.getByRole('heading', { name: w('first.title') }).waitFor();
    await page.getByLabel(w('patients.pseudonym')).fill(patientId);
    await page.getByLabel(w('patients.code')).fill(enrolmentCode.toLowerCase());
    await page.getByLabel(w('first.username')).fill(patient.username);
    await page.getByLabel(w('first.choosePassword')).fill(patient.password);
    await expectAccessible(page, 'the first sign-in form');
    await expectNoHorizontalOverflow(page, 'the first sign-in form');
    await checkPageInBothLanguages(page, 'patient-1-first-sign-in', own);
    await page.getByRole('button', { name: w('first.submit') }).click();
    const activation = page.getByRole('dialog', { name: w('first.signTitle') });
    await activation.waitFor();
    const activationWords = (await activation.getByTestId('statement-words').textContent()) ?? '';
    expect(activationWords).toContain(patientId);
    expect(activationWords).toMatch(
      wordsPattern(w, 'statement.activate', {
        key: '\\S+',
        patient: patientId,
        code: enrolmentCode,
      }),
    );
    const activationText = await statementShown(page, w('first.signTitle'));
    const activationStatement = JSON.parse(activationText) as {
      action: string;
      channel: string;
      chaincode: string;
      patientId: string;
      signer: { kind: string; id: string; keyId: string };
      payload: { publicKey: string; enrolmentCode: string };
    };
    expect(activationStatement).toMatchObject({
      action: 'patient:ActivatePatient',
      channel: ledger.channel,
      chaincode: ledger.chaincode,
      patientId,
      signer: { kind: 'patient', id: patientId },
      payload: { enrolmentCode },
    });
    expect(activationStatement.signer.keyId).toBe(keyIdOf(activationStatement.payload.publicKey));
    await expectAccessible(page, 'the first sign-in confirmation');
    await expectNoHorizontalOverflow(page, 'the first sign-in confirmation');
    await checkPageInBothLanguages(page, 'patient-2-first-sign-in-confirm', own);
    const [activationRequest] = await Promise.all([
      page.waitForRequest((request) => request.url().endsWith('/patients/activate')),
      activation.getByRole('button', { name: w('first.signConfirm') }).click(),
    ]);
    const sentActivation = signedBody(activationRequest);
    expect(sentActivation.action.statement).toBe(activationText);
    await page.getByRole('button', { name: w('app.signOut') }).waitFor();
    await page.getByRole('heading', { name: w('nav.devices') }).waitFor();
    await page.getByText(w('devices.ready')).waitFor();

    // The key lives in IndexedDB as a non-extractable CryptoKey; the ledger binds its public key.
    const stored = await deviceKeyInPage(page, slot);
    expect(stored).toMatchObject({
      keyId: activationStatement.signer.keyId,
      publicKey: activationStatement.payload.publicKey,
      extractable: false,
      algorithm: 'ECDSA P-256',
    });
    expect(stored?.exportPkcs8).not.toBe('exported');
    expect(await verifySignedAction(sentActivation.action, stored?.publicKey ?? '')).toBe(true);
    const token = await app.api.login(patient.username, patient.password);
    const bound = await patientViewByApi(app.api, token);
    expect(bound.binding.status).toBe('active');
    expect(bound.binding.keys.map((key) => key.keyId)).toEqual([stored?.keyId]);
    expect(bound.history.map((change) => change.change)).toEqual(['registered', 'activated']);
    const thisDevice = page.locator(`li.key[data-key-id="${stored?.keyId ?? ''}"]`);
    expect(await thisDevice.textContent()).toContain(w('devices.thisBrowserBadge'));
    expect(await page.locator('.history li').count()).toBe(2);
    expect(await page.locator('.history li').first().textContent()).toContain(
      w('bindingChange.activated'),
    );
    await expectAccessible(page, 'the devices page');
    await expectNoHorizontalOverflow(page, 'the devices page');
    await checkPageInBothLanguages(page, 'patient-3-devices', own);

    // Sign out, and in again with the keyboard only.
    await page.getByRole('button', { name: w('app.signOut') }).click();
    await loginWithKeyboard(page, app.base, patient);
    await page.getByRole('heading', { name: w('consents.title') }).waitFor();
    // Empty states say what to do next: who can see (no one), and each group.
    await expect.poll(() => page.locator('p.empty').count()).toBe(5);
    await page.getByText(w('consents.noActive')).waitFor();
    expect(await page.getByText(w('consents.whoNone')).count()).toBe(1);
    expect(await page.getByTestId('cannot-sign').count()).toBe(0);
    await expectAccessible(page, 'the empty consent list');
    await expectNoHorizontalOverflow(page, 'the consent list');
    await checkPageInBothLanguages(page, 'patient-4-consents-empty', own);

    // Grant through the form; a missing choice is a clear error first; then review and sign.
    await page
      .getByRole('link', { name: w('nav.grant') })
      .first()
      .click();
    await page.getByRole('heading', { name: w('grant.title') }).waitFor();
    // The consent ends after a year unless the patient changes the date.
    const until = await page.getByLabel(w('grant.until')).inputValue();
    const inAYear = new Date();
    inAYear.setFullYear(inAYear.getFullYear() + 1);
    expect(until).toBe(
      `${String(inAYear.getFullYear())}-${String(inAYear.getMonth() + 1).padStart(2, '0')}-${String(inAYear.getDate()).padStart(2, '0')}`,
    );
    await page.getByRole('button', { name: w('grant.submit') }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(w('grant.problem.org'));
    // An organization of several member institutions offers them (issue 18); another does not.
    await page.getByLabel(w('grant.org'), { exact: true }).selectOption('EnterpriseMSP');
    const institution = page.getByLabel(w('grant.institution'));
    expect(await institution.locator('option').allTextContents()).toEqual([
      w('grant.anyInstitution'),
      w('institution.inst-insurer01'),
      w('institution.inst-insurer02'),
      w('institution.inst-devices01'),
    ]);
    await institution.selectOption('inst-insurer01');
    await expectAccessible(page, 'the grant form with member institutions');
    await expectNoHorizontalOverflow(page, 'the grant form with member institutions');
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectAccessible(page, 'the grant form with member institutions, on a desktop');
    await page.setViewportSize(PHONE);
    await page.getByLabel(w('grant.org'), { exact: true }).selectOption('CommunityHospitalMSP');
    expect(await page.getByLabel(w('grant.institution')).count()).toBe(0);
    await page.getByLabel(w('grant.who')).selectOption('clinician');
    await page.getByRole('checkbox', { name: w('purpose.treatment') }).check();
    await page.getByRole('checkbox', { name: w('category.imaging') }).check();
    await page.getByRole('checkbox', { name: w('category.laboratory') }).check();
    // The home's notice is shown in the page's language before anything can be signed.
    const noticeText = page.getByRole('region', {
      name: w('grant.noticeVersion', { org: w('org.TertiaryHospitalMSP'), version: '1' }),
    });
    await noticeText.waitFor();
    expect(await noticeText.textContent()).toContain('个人信息保护法');
    await page.getByRole('button', { name: w('grant.submit') }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(w('grant.problem.notice'));
    await page.getByRole('checkbox', { name: w('grant.noticeRead') }).check();
    await expectAccessible(page, 'the grant form');
    await expectNoHorizontalOverflow(page, 'the grant form');
    await checkPageInBothLanguages(page, 'patient-5-grant-form', own);
    await page.getByRole('button', { name: w('grant.submit') }).click();
    const review = page.getByRole('dialog', { name: w('grant.reviewTitle') });
    await review.waitFor();
    const reviewWords = (await review.getByTestId('statement-words').textContent()) ?? '';
    expect(reviewWords).toContain(
      w('statement.allow', {
        org: w('org.CommunityHospitalMSP'),
        role: w('statement.onlyRole', { role: w('granteeRole.clinician') }),
        whose: w('statement.your'),
        data: `${w('category.imaging')}和${w('category.laboratory')}`,
        purposes: w('purpose.treatment'),
      }),
    );
    // The end date is in the review too.
    expect(reviewWords).toMatch(wordsPattern(w, 'statement.period', { from: '.+', until: '.+' }));
    const grantText = await statementShown(page, w('grant.reviewTitle'));
    expect((JSON.parse(grantText) as { payload: { validUntil?: string } }).payload.validUntil).toBe(
      new Date(`${until}T23:59:59`).toISOString(),
    );
    expect(JSON.parse(grantText)).toMatchObject({
      action: 'consent:GrantConsent',
      patientId,
      signer: { kind: 'patient', id: patientId, keyId: stored?.keyId },
      payload: {
        grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['imaging', 'laboratory'],
        // The consent names the very notice shown: its version and the SHA-256 of its texts.
        notice: {
          org: 'TertiaryHospitalMSP',
          noticeId: 'consent-sharing',
          version: 1,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
        },
      },
    });
    await expectAccessible(page, 'the consent review');
    await expectNoHorizontalOverflow(page, 'the consent review');
    await checkPageInBothLanguages(page, 'patient-6-grant-review', own);
    const [grantRequest] = await Promise.all([
      page.waitForRequest(
        (request) => request.method() === 'POST' && request.url().endsWith('/consents'),
      ),
      review.getByRole('button', { name: w('grant.confirm') }).click(),
    ]);
    const sentGrant = signedBody(grantRequest);
    // Exactly the statement shown was signed, by the key bound on the ledger.
    expect(sentGrant.action.statement).toBe(grantText);
    expect(await verifySignedAction(sentGrant.action, stored?.publicKey ?? '')).toBe(true);
    await page.getByText(w('grant.done', { org: w('org.CommunityHospitalMSP') })).waitFor();
    await checkPageInBothLanguages(page, 'patient-7-granted', own);

    await page.getByRole('link', { name: w('grant.seeConsents') }).click();
    const active = page.locator('.group-active li.consent');
    await active.first().waitFor();
    expect(await active.count()).toBe(1);
    const consentId = (await active.first().getAttribute('data-consent-id')) ?? '';
    expect(consentId).toMatch(/^con-[0-9a-f]{24}$/);
    // The receipt of the grant: what was agreed, under which notice, with the ledger's evidence.
    const receiptButton = page.getByRole('button', {
      name: w('consents.receiptLabel', { org: w('org.CommunityHospitalMSP'), id: consentId }),
    });
    expect(await receiptButton.textContent()).toBe(w('consents.receipt'));
    const downloaded = page.waitForEvent('download');
    await receiptButton.click();
    const refusal = page.getByRole('alert').filter({ hasText: /\S/ });
    const receiptDownload = await Promise.race([
      downloaded,
      refusal.waitFor().then(async () => {
        throw new Error(`the receipt was refused: ${(await refusal.textContent()) ?? ''}`);
      }),
    ]);
    expect(receiptDownload.suggestedFilename()).toBe(`consent-receipt-${consentId}-v1.json`);
    const receiptFile = path.join(SCREENSHOT_DIR, 'patient-consent-receipt.json');
    await receiptDownload.saveAs(receiptFile);
    expect(JSON.parse(readFileSync(receiptFile, 'utf8')) as unknown).toMatchObject({
      receiptId: `${consentId}.v1`,
      action: 'granted',
      patientId,
      notice: { org: 'TertiaryHospitalMSP', noticeId: 'consent-sharing', version: 1 },
      evidence: { version: 2 },
    });
    const categoriesText = `${w('category.imaging')}和${w('category.laboratory')}`;
    expect(await active.first().textContent()).toContain(
      w('consents.forPurposes', { purposes: w('purpose.treatment') }) +
        w('consents.data', { categories: categoriesText }),
    );
    // The consent's ID is a technical detail: in the fold, not in the patient's view.
    expect(await active.first().getByText(consentId).isVisible()).toBe(false);
    // Who can see what now.
    expect(
      await page.getByRole('region', { name: w('consents.whoTitle') }).textContent(),
    ).toContain(
      w('consents.whoLine', {
        org: w('org.CommunityHospitalMSP'),
        categories: categoriesText,
        purposes: w('purpose.treatment'),
      }),
    );

    // A clinician of the community hospital asks (permitted, then refused), then breaks the glass.
    const ask = (purpose: string, categories: string[]) =>
      community.post<{ decision: string }>('/access-requests', {
        token: doctorToken,
        body: { patientId, purpose, categories },
      });
    const permitted = await ask('treatment', ['imaging']);
    expect(permitted.body.decision, permitted.text).toBe('permit');
    const refused = await ask('treatment', ['genomic']);
    expect(refused.body.decision, refused.text).toBe('deny');
    const emergency = await community.post<{ eventId: string; breakGlass: boolean }>(
      '/access-requests/emergency',
      {
        token: doctorToken,
        body: {
          patientId,
          categories: ['medication'],
          reasonCode: 'UNCONSCIOUS_PATIENT',
          justification: 'brought in unconscious, allergy check',
        },
      },
    );
    expect(emergency.status, emergency.text).toBe(201);

    await page.getByRole('link', { name: w('nav.timeline') }).click();
    await page.getByRole('heading', { name: w('timeline.title') }).waitFor();
    await waitForCount(page, '.timeline li', 3);
    const items = page.locator('.timeline li');
    expect(await items.count()).toBe(3);
    const highlighted = page.locator(`.timeline li[data-event-id="${emergency.body.eventId}"]`);
    expect(await highlighted.getAttribute('class')).toContain('emergency');
    expect(await highlighted.textContent()).toContain(w('timeline.emergency'));
    expect(await highlighted.textContent()).toContain(w('emergencyReason.UNCONSCIOUS_PATIENT'));
    expect(
      await computedStyle(
        page,
        `.timeline li[data-event-id="${emergency.body.eventId}"]`,
        'background-color',
      ),
    ).not.toBe(await computedStyle(page, '.timeline li:not(.emergency)', 'background-color'));
    const refusedItem = page.locator('.timeline li.deny');
    expect(await refusedItem.textContent()).toContain(w('decision.deny'));
    expect(await refusedItem.textContent()).toContain(w('reason.NO_MATCHING_CONSENT'));
    expect(await refusedItem.textContent()).toContain(w('category.genomic'));
    // The patient's own history as CSV, worded in the page's language, newest first.
    const [saved] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: w('timeline.download') }).click(),
    ]);
    const csvFile = path.join(SCREENSHOT_DIR, 'patient-access-history.csv');
    await saved.saveAs(csvFile);
    const csvText = readFileSync(csvFile, 'utf8');
    expect(csvText.startsWith('\uFEFF')).toBe(true);
    const csv = csvText.slice(1).trimEnd().split('\r\n');
    expect(csv[0]).toBe(
      (
        [
          'time',
          'organization',
          'role',
          'data',
          'purpose',
          'decision',
          'reason',
          'emergency',
          'review',
          'eventId',
        ] as const
      )
        .map((column) => w(`historyCsv.${column}`))
        .join(','),
    );
    expect(csv).toHaveLength(4);
    expect(csv[1]).toContain(
      w('historyCsv.yesBecause', { reason: w('emergencyReason.UNCONSCIOUS_PATIENT') }),
    );
    expect(csv[1]?.endsWith(`,${emergency.body.eventId}`)).toBe(true);
    expect(csv.some((line) => line.includes(w('reason.NO_MATCHING_CONSENT')))).toBe(true);
    expect(csvText).not.toContain('NO_MATCHING_CONSENT');
    await page.getByText(w('timeline.saved', { name: 'access-history.csv', count: 3 })).waitFor();
    // And as a PDF in the page's language, the Chinese font inside it: rows read back.
    const zhPdf = await downloadOf(page, page.getByTestId('download-pdf'));
    expect(zhPdf.name).toBe('access-history.pdf');
    const zhText = (await pdfPages(zhPdf.bytes)).join('\n');
    for (const words of [
      w('historyPdf.title'),
      w('historyCsv.eventId'),
      w('org.CommunityHospitalMSP'),
      w('emergencyReason.UNCONSCIOUS_PATIENT'),
      w('reason.NO_MATCHING_CONSENT'),
      patientId,
    ])
      expect(zhText).toContain(words);
    const eventIds = await Promise.all(
      (await items.all()).map((item) => item.getAttribute('data-event-id')),
    );
    expect(eventIds).toHaveLength(3);
    for (const eventId of eventIds) expect(zhText).toContain(eventId ?? 'no event ID');
    await page.getByText(w('timeline.saved', { name: 'access-history.pdf', count: 3 })).waitFor();
    await expectAccessible(page, 'the access history');
    await expectNoHorizontalOverflow(page, 'the access history');
    await checkPageInBothLanguages(page, 'patient-8-timeline', own);

    // A second browser (no key here), in English, signs in with the password: it cannot sign.
    const en = wordsIn('en');
    const second = await newPage(browser, { viewport: PHONE, language: 'en' });
    await login(second.page, app.base, patient);
    expect(await second.page.evaluate('document.documentElement.lang')).toBe('en');
    await second.page.getByRole('heading', { name: en('consents.title') }).waitFor();
    const notice = second.page.getByTestId('cannot-sign');
    await notice.waitFor();
    expect(await notice.textContent()).toContain(en('signing.cannot'));
    expect(await notice.textContent()).toContain(en('signing.noKey'));
    await second.page.locator('.group-active li.consent').first().waitFor();
    await second.page
      .getByRole('button', {
        name: en('consents.revokeLabel', { org: en('org.CommunityHospitalMSP'), id: consentId }),
      })
      .click();
    await expect
      .poll(() => second.page.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringContaining(en('signing.noKey')));
    expect(await second.page.getByRole('dialog').count()).toBe(0);
    expect(await deviceKeyInPage(second.page, slot)).toBeNull();
    await expectAccessible(second.page, 'the consent list of a browser that cannot sign');
    await expectNoHorizontalOverflow(second.page, 'the consent list of a browser that cannot sign');
    await checkPageInBothLanguages(second.page, 'patient-9-second-browser-cannot-sign', own);

    // It makes a key of its own and shows its public key to copy; it still cannot sign.
    await second.page.getByRole('link', { name: en('signing.setUp') }).click();
    await second.page.getByRole('heading', { name: en('nav.devices') }).waitFor();
    await second.page.getByRole('button', { name: en('devices.makeKey') }).click();
    const shown = second.page.getByTestId('public-key');
    await shown.waitFor();
    const secondPublicKey = await shown.inputValue();
    const secondKey = await deviceKeyInPage(second.page, slot);
    expect(secondKey).toMatchObject({ publicKey: secondPublicKey, extractable: false });
    expect(secondKey?.exportPkcs8).not.toBe('exported');
    expect(secondKey?.keyId).not.toBe(stored?.keyId);
    await second.page.getByText(en('devices.notBound')).first().waitFor();
    await expectAccessible(second.page, 'a key waiting to be added');
    await expectNoHorizontalOverflow(second.page, 'a key waiting to be added');
    await checkPageInBothLanguages(second.page, 'patient-10-second-browser-key', own);

    // The first browser adds it with a signed statement.
    await page.getByRole('link', { name: w('nav.devices') }).click();
    await page.getByRole('heading', { name: w('nav.devices') }).waitFor();
    await page.getByLabel(w('devices.publicKey')).fill(secondPublicKey);
    await page.getByRole('button', { name: w('grant.submit') }).click();
    const addDevice = page.getByRole('dialog', { name: w('devices.addQuestion') });
    await addDevice.waitFor();
    expect(await addDevice.getByTestId('statement-words').textContent()).toContain(
      w('statement.addDevice', { key: secondKey?.keyId ?? '', you: w('statement.you') }),
    );
    expect(JSON.parse(await statementShown(page, w('devices.addQuestion')))).toMatchObject({
      action: 'patient:AddDevice',
      payload: { publicKey: secondPublicKey },
    });
    await addDevice.getByRole('button', { name: w('devices.addConfirm') }).click();
    await page.getByText(w('devices.addedDone')).waitFor();
    await page.locator(`li.key[data-key-id="${secondKey?.keyId ?? ''}"]`).waitFor();
    expect(await page.locator('.history li[data-change="device-added"]').count()).toBe(1);
    await checkPageInBothLanguages(page, 'patient-11-device-added', own);

    // The second browser can sign now.
    await second.page.reload();
    await second.page.getByRole('heading', { name: en('nav.devices') }).waitFor();
    await second.page.getByText(en('devices.ready')).waitFor();
    expect(
      await second.page.locator(`li.key[data-key-id="${secondKey?.keyId ?? ''}"]`).textContent(),
    ).toContain(en('devices.thisBrowserBadge'));
    // Its access history as a PDF, in English.
    await second.page.getByRole('link', { name: en('nav.timeline') }).click();
    await second.page.getByRole('heading', { name: en('timeline.title') }).waitFor();
    await waitForCount(second.page, '.timeline li', 3);
    const enPdf = await downloadOf(
      second.page,
      second.page.getByRole('button', { name: en('timeline.downloadPdf') }),
    );
    // English cells wrap between words: read as one line of words.
    const enText = (await pdfPages(enPdf.bytes)).join(' ').replace(/\s+/g, ' ');
    for (const words of [
      en('historyPdf.title'),
      en('historyCsv.eventId'),
      en('org.CommunityHospitalMSP'),
      en('emergencyReason.UNCONSCIOUS_PATIENT'),
      emergency.body.eventId,
    ])
      expect(enText).toContain(words);
    expect(enText).not.toMatch(/[\u4e00-\u9fff]/);
    await expectAccessible(second.page, 'the access history after a PDF download');
    expect(second.problems).toEqual([]);
    await second.context.close();

    // Revoke with the keyboard: Tab to the button, Enter, Escape cancels; Enter, Shift+Tab, Enter.
    await page.getByRole('link', { name: w('nav.consents') }).click();
    await page.locator('.group-active li.consent').first().waitFor();
    const tabTo = async (label: string): Promise<void> => {
      for (let presses = 0; presses < 40; presses += 1) {
        await page.keyboard.press('Tab');
        const focused = await focusedAttribute(page, 'aria-label');
        if (focused?.startsWith(label) === true) return;
      }
      throw new Error(`no focusable ${label}`);
    };
    const revokeLabel = w('consents.revokeLabel', {
      org: w('org.CommunityHospitalMSP'),
      id: consentId,
    });
    await tabTo(revokeLabel);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: w('consents.revokeTitle') });
    await dialog.waitFor();
    expect(await dialog.getByTestId('statement-words').textContent()).toContain(
      w('statement.revoke', {
        whose: w('statement.your'),
        consent: w('statement.namedConsent', {
          org: w('org.CommunityHospitalMSP'),
          data: categoriesText,
          purposes: w('purpose.treatment'),
          id: consentId,
        }),
        version: 1,
      }),
    );
    await checkPageInBothLanguages(page, 'patient-12-confirm', own);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('.group-active li.consent').count()).toBe(1);
    await tabTo(revokeLabel);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await focusedText(page)).toBe(w('common.cancel'));
    await page.keyboard.press('Shift+Tab');
    expect(await focusedText(page)).toBe(w('consents.revokeConfirm'));
    const [revokeRequest] = await Promise.all([
      page.waitForRequest((request) => request.url().endsWith(`/consents/${consentId}/revoke`)),
      page.keyboard.press('Enter'),
    ]);
    const sentRevoke = signedBody(revokeRequest);
    expect(JSON.parse(sentRevoke.action.statement)).toMatchObject({
      action: 'consent:RevokeConsent',
      payload: { consentId, expectedVersion: 1 },
    });
    expect(await verifySignedAction(sentRevoke.action, stored?.publicKey ?? '')).toBe(true);
    await page.getByText(w('consents.revoked'), { exact: true }).waitFor();
    await page.locator(`.group-revoked li[data-consent-id="${consentId}"]`).waitFor();
    expect(await page.locator('.group-active li.consent').count()).toBe(0);
    await expectAccessible(page, 'the consent list after revoking');
    await expectNoHorizontalOverflow(page, 'the consent list after revoking');
    await checkPageInBothLanguages(page, 'patient-13-revoked', own);

    // The clinician is refused now.
    const after = await ask('treatment', ['imaging']);
    expect(after.body.decision).toBe('deny');

    // Erase the revoked consent's details: signed, then listed with when it was erased.
    await page
      .getByRole('button', {
        name: w('consents.eraseLabel', { org: w('org.CommunityHospitalMSP'), id: consentId }),
      })
      .click();
    const erase = page.getByRole('dialog', { name: w('consents.eraseTitle') });
    await erase.waitFor();
    expect(JSON.parse(await statementShown(page, w('consents.eraseTitle')))).toMatchObject({
      action: 'consent:EraseConsent',
      payload: { consentId },
    });
    await erase.getByRole('button', { name: w('consents.eraseConfirm') }).click();
    await page.getByText(w('consents.erased'), { exact: true }).waitFor();
    const erased = page.locator(`.group-erased li[data-subject="${consentId}"]`);
    await erased.waitFor();
    expect(await erased.locator('time').count()).toBe(1);
    await expect
      .poll(() => page.locator(`.group-revoked li[data-consent-id="${consentId}"]`).count())
      .toBe(0);
    await expectAccessible(page, 'the consent list after erasing');
    await expectNoHorizontalOverflow(page, 'the consent list after erasing');
    await checkPageInBothLanguages(page, 'patient-14-erased', own);

    // Sensitive data is a consent of its own (PIPL art. 29): each kind ticked, and a separate
    // agreement ticked, before the review; the review and the consent say which.
    await page
      .getByRole('link', { name: w('nav.grant') })
      .first()
      .click();
    await page.getByRole('heading', { name: w('grant.title') }).waitFor();
    await page.getByLabel(w('grant.org'), { exact: true }).selectOption('TertiaryHospitalMSP');
    await page.getByRole('checkbox', { name: w('purpose.treatment') }).check();
    await page.getByRole('checkbox', { name: w('category.genomic') }).check();
    await page.getByRole('button', { name: w('grant.submit') }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(w('grant.problem.genomic'));
    const sensitiveGroup = page.getByRole('group', { name: w('grant.sensitive') });
    await sensitiveGroup.getByRole('checkbox', { name: w('sensitivity.GDIS') }).check();
    await sensitiveGroup.getByRole('checkbox', { name: w('sensitivity.PSY') }).check();
    await page.getByRole('button', { name: w('grant.submit') }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(w('grant.problem.sensitiveAgreed'));
    await page.getByRole('checkbox', { name: w('grant.sensitiveAgreed') }).check();
    await page.getByRole('checkbox', { name: w('grant.noticeRead') }).check();
    await expectAccessible(page, 'the grant form with sensitive data');
    await expectNoHorizontalOverflow(page, 'the grant form with sensitive data');
    await checkPageInBothLanguages(page, 'patient-15-sensitive-form', own);
    await page.getByRole('button', { name: w('grant.submit') }).click();
    const sensitiveReview = page.getByRole('dialog', { name: w('grant.reviewTitle') });
    await sensitiveReview.waitFor();
    const labelsText = `${w('sensitivity.GDIS')}和${w('sensitivity.PSY')}`;
    expect(await sensitiveReview.getByTestId('statement-words').textContent()).toContain(
      w('statement.sensitiveAllow', { labels: labelsText }),
    );
    expect(JSON.parse(await statementShown(page, w('grant.reviewTitle'))) as unknown).toMatchObject(
      { payload: { categories: ['genomic'], sensitive: ['GDIS', 'PSY'] } },
    );
    await checkPageInBothLanguages(page, 'patient-16-sensitive-review', own);
    await sensitiveReview.getByRole('button', { name: w('grant.confirm') }).click();
    await page.getByText(w('grant.done', { org: w('org.TertiaryHospitalMSP') })).waitFor();
    await page.getByRole('link', { name: w('grant.seeConsents') }).click();
    const sensitiveCard = page.locator('.group-active li.consent');
    await sensitiveCard.first().waitFor();
    expect(await sensitiveCard.first().textContent()).toContain(
      w('consents.sensitive', { labels: labelsText }),
    );
    await checkPageInBothLanguages(page, 'patient-17-sensitive-consent', own);

    // Live updates arrived over the authenticated event stream (fetch, not EventSource), in words.
    await expect
      .poll(() => page.locator('footer .live').textContent(), { timeout: 60_000 })
      .toMatch(wordsPattern(w, 'live.latest', { text: '.+' }));
    // The same announcement in English once English is chosen (worded again, not kept as text).
    await switchLanguage(page, 'en');
    expect(await page.locator('footer .live').textContent()).toMatch(
      wordsPattern(wordsIn('en'), 'live.latest', { text: '[^\\u4e00-\\u9fff]+' }),
    );
    expect(problems).toEqual([]);
    await context.close();
  });
});
