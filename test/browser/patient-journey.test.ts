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
  appGateway,
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
  screenshot,
  type AppGateway,
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

/** Waits until the page shows `count` items matching `selector`, reloading the view if needed. */
async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await page.locator(selector).count()) >= count) return;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} of ${selector} after 60 s`);
    await page.waitForTimeout(3000);
    if ((await page.locator(selector).count()) < count) {
      await page.getByRole('link', { name: 'My consents' }).click();
      await page.getByRole('link', { name: 'Access history' }).click();
    }
  }
}

/** Opens the signing confirmation's technical details and answers the exact statement shown. */
async function statementShown(page: Page, dialogName: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: dialogName });
  await dialog.getByText('Technical details: the exact statement').click();
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
    await page.goto(`${app.base}/app/`);
    await page.getByLabel('Username').fill(patient.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('(UNAUTHENTICATED)');
    await expectAccessible(page, 'the login page with an error');
    await expectNoHorizontalOverflow(page, 'the login page');
    await screenshot(page, 'patient-0-login-error');
    // The browser logs the refused login's 401; nothing else may appear from here on.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('401');
    problems.length = 0;

    // First sign-in: pseudonym, code, a new username and password; the browser makes the key.
    expect(await deviceKeyInPage(page, slot)).toBeNull();
    await page.getByRole('link', { name: 'First sign-in with an enrolment code' }).click();
    await page.getByRole('heading', { name: 'First sign-in' }).waitFor();
    await page.getByLabel('Pseudonym (patient ID)').fill(patientId);
    await page.getByLabel('Enrolment code').fill(enrolmentCode.toLowerCase());
    await page.getByLabel('Choose a username').fill(patient.username);
    await page.getByLabel('Choose a password').fill(patient.password);
    await expectAccessible(page, 'the first sign-in form');
    await expectNoHorizontalOverflow(page, 'the first sign-in form');
    await screenshot(page, 'patient-1-first-sign-in');
    await page.getByRole('button', { name: 'Make my key and review' }).click();
    const activation = page.getByRole('dialog', { name: 'Sign your first sign-in?' });
    await activation.waitFor();
    expect(await activation.getByTestId('statement-words').textContent()).toContain(
      `to your pseudonym ${patientId}, proven with your enrolment code ${enrolmentCode}`,
    );
    const activationText = await statementShown(page, 'Sign your first sign-in?');
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
    await screenshot(page, 'patient-2-first-sign-in-confirm');
    const [activationRequest] = await Promise.all([
      page.waitForRequest((request) => request.url().endsWith('/patients/activate')),
      activation.getByRole('button', { name: 'Sign and activate' }).click(),
    ]);
    const sentActivation = signedBody(activationRequest);
    expect(sentActivation.action.statement).toBe(activationText);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { name: 'Devices and guardians' }).waitFor();
    await page.getByText('This browser can sign for you.').waitFor();

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
    expect(await thisDevice.textContent()).toContain('this browser');
    expect(await page.locator('.history li').count()).toBe(2);
    await expectAccessible(page, 'the devices page');
    await expectNoHorizontalOverflow(page, 'the devices page');
    await screenshot(page, 'patient-3-devices');

    // Sign out, and in again with the keyboard only.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await loginWithKeyboard(page, app.base, patient);
    await page.getByRole('heading', { name: 'My consents' }).waitFor();
    await expect.poll(() => page.getByText('None.').count()).toBe(4);
    expect(await page.getByTestId('cannot-sign').count()).toBe(0);
    await expectAccessible(page, 'the empty consent list');
    await expectNoHorizontalOverflow(page, 'the consent list');
    await screenshot(page, 'patient-4-consents-empty');

    // Grant through the form; a missing choice is a clear error first; then review and sign.
    await page.getByRole('link', { name: 'Grant a consent' }).first().click();
    await page.getByRole('heading', { name: 'Grant a consent' }).waitFor();
    await page.getByRole('button', { name: 'Review and sign' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('choose an organization');
    await page.getByLabel('Organization').selectOption('CommunityHospitalMSP');
    await page.getByLabel('Who in it').selectOption('clinician');
    await page.getByRole('checkbox', { name: 'treatment' }).check();
    await page.getByRole('checkbox', { name: 'imaging' }).check();
    await page.getByRole('checkbox', { name: 'laboratory' }).check();
    await expectAccessible(page, 'the grant form');
    await expectNoHorizontalOverflow(page, 'the grant form');
    await screenshot(page, 'patient-5-grant-form');
    await page.getByRole('button', { name: 'Review and sign' }).click();
    const review = page.getByRole('dialog', { name: 'Review and sign this consent' });
    await review.waitFor();
    expect(await review.getByTestId('statement-words').textContent()).toContain(
      'Allow Community hospital (clinicians only) to use your imaging, laboratory data for treatment.',
    );
    const grantText = await statementShown(page, 'Review and sign this consent');
    expect(JSON.parse(grantText)).toMatchObject({
      action: 'consent:GrantConsent',
      patientId,
      signer: { kind: 'patient', id: patientId, keyId: stored?.keyId },
      payload: {
        grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['imaging', 'laboratory'],
      },
    });
    await expectAccessible(page, 'the consent review');
    await expectNoHorizontalOverflow(page, 'the consent review');
    await screenshot(page, 'patient-6-grant-review');
    const [grantRequest] = await Promise.all([
      page.waitForRequest(
        (request) => request.method() === 'POST' && request.url().endsWith('/consents'),
      ),
      review.getByRole('button', { name: 'Sign and grant' }).click(),
    ]);
    const sentGrant = signedBody(grantRequest);
    // Exactly the statement shown was signed, by the key bound on the ledger.
    expect(sentGrant.action.statement).toBe(grantText);
    expect(await verifySignedAction(sentGrant.action, stored?.publicKey ?? '')).toBe(true);
    await page.getByText('Consent granted to Community hospital').waitFor();
    await screenshot(page, 'patient-7-granted');

    await page.getByRole('link', { name: 'See my consents' }).click();
    const active = page.locator('.group-active li.consent');
    await active.first().waitFor();
    expect(await active.count()).toBe(1);
    const consentId = (await active.first().getAttribute('data-consent-id')) ?? '';
    expect(consentId).toMatch(/^con-[0-9a-f]{24}$/);
    expect(await active.first().textContent()).toContain(
      'For treatment; data: imaging, laboratory',
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

    await page.getByRole('link', { name: 'Access history' }).click();
    await page.getByRole('heading', { name: 'Who looked at my data' }).waitFor();
    await waitForCount(page, '.timeline li', 3);
    const items = page.locator('.timeline li');
    expect(await items.count()).toBe(3);
    const highlighted = page.locator(`.timeline li[data-event-id="${emergency.body.eventId}"]`);
    expect(await highlighted.getAttribute('class')).toContain('emergency');
    expect(await highlighted.textContent()).toContain('Emergency access (break-glass)');
    expect(await highlighted.textContent()).toContain('unconscious patient');
    expect(
      await computedStyle(
        page,
        `.timeline li[data-event-id="${emergency.body.eventId}"]`,
        'background-color',
      ),
    ).not.toBe(await computedStyle(page, '.timeline li:not(.emergency)', 'background-color'));
    expect(await page.locator('.timeline li.deny').textContent()).toContain('refused');
    await expectAccessible(page, 'the access history');
    await expectNoHorizontalOverflow(page, 'the access history');
    await screenshot(page, 'patient-8-timeline');

    // A second browser (no key here) signs in with the password: it cannot sign.
    const second = await newPage(browser, { viewport: PHONE });
    await login(second.page, app.base, patient);
    await second.page.getByRole('heading', { name: 'My consents' }).waitFor();
    const notice = second.page.getByTestId('cannot-sign');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('This browser cannot sign for you.');
    expect(await notice.textContent()).toContain('holds no key for you');
    await second.page.locator('.group-active li.consent').first().waitFor();
    await second.page
      .getByRole('button', { name: `Revoke consent to Community hospital (${consentId})` })
      .click();
    await expect
      .poll(() => second.page.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringContaining('holds no key for you'));
    expect(await second.page.getByRole('dialog').count()).toBe(0);
    expect(await deviceKeyInPage(second.page, slot)).toBeNull();
    await expectAccessible(second.page, 'the consent list of a browser that cannot sign');
    await expectNoHorizontalOverflow(second.page, 'the consent list of a browser that cannot sign');
    await screenshot(second.page, 'patient-9-second-browser-cannot-sign');

    // It makes a key of its own and shows its public key to copy; it still cannot sign.
    await second.page.getByRole('link', { name: 'Set up this browser as a device' }).click();
    await second.page.getByRole('heading', { name: 'Devices and guardians' }).waitFor();
    await second.page.getByRole('button', { name: 'Make a key on this browser' }).click();
    const shown = second.page.getByTestId('public-key');
    await shown.waitFor();
    const secondPublicKey = await shown.inputValue();
    const secondKey = await deviceKeyInPage(second.page, slot);
    expect(secondKey).toMatchObject({ publicKey: secondPublicKey, extractable: false });
    expect(secondKey?.exportPkcs8).not.toBe('exported');
    expect(secondKey?.keyId).not.toBe(stored?.keyId);
    await second.page.getByText('not one of your devices yet').first().waitFor();
    await expectAccessible(second.page, 'a key waiting to be added');
    await expectNoHorizontalOverflow(second.page, 'a key waiting to be added');
    await screenshot(second.page, 'patient-10-second-browser-key');

    // The first browser adds it with a signed statement.
    await page.getByRole('link', { name: 'Devices and guardians' }).click();
    await page.getByRole('heading', { name: 'Devices and guardians' }).waitFor();
    await page.getByLabel('Public key of the new device').fill(secondPublicKey);
    await page.getByRole('button', { name: 'Review and sign' }).click();
    const addDevice = page.getByRole('dialog', { name: 'Add this device?' });
    await addDevice.waitFor();
    expect(await addDevice.getByTestId('statement-words').textContent()).toContain(
      `Add the device whose key ID is ${secondKey?.keyId ?? ''}`,
    );
    expect(JSON.parse(await statementShown(page, 'Add this device?'))).toMatchObject({
      action: 'patient:AddDevice',
      payload: { publicKey: secondPublicKey },
    });
    await addDevice.getByRole('button', { name: 'Sign and add' }).click();
    await page.getByText('Device added (transaction').waitFor();
    await page.locator(`li.key[data-key-id="${secondKey?.keyId ?? ''}"]`).waitFor();
    expect(await page.locator('.history li[data-change="device-added"]').count()).toBe(1);
    await screenshot(page, 'patient-11-device-added');

    // The second browser can sign now.
    await second.page.reload();
    await second.page.getByRole('heading', { name: 'Devices and guardians' }).waitFor();
    await second.page.getByText('This browser can sign for you.').waitFor();
    expect(
      await second.page.locator(`li.key[data-key-id="${secondKey?.keyId ?? ''}"]`).textContent(),
    ).toContain('this browser');
    expect(second.problems).toEqual([]);
    await second.context.close();

    // Revoke with the keyboard: Tab to the button, Enter, Escape cancels; Enter, Shift+Tab, Enter.
    await page.getByRole('link', { name: 'My consents' }).click();
    await page.locator('.group-active li.consent').first().waitFor();
    const tabTo = async (label: string): Promise<void> => {
      for (let presses = 0; presses < 40; presses += 1) {
        await page.keyboard.press('Tab');
        const focused = await focusedAttribute(page, 'aria-label');
        if (focused?.startsWith(label) === true) return;
      }
      throw new Error(`no focusable ${label}`);
    };
    await tabTo('Revoke consent to Community hospital');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke this consent?' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('statement-words').textContent()).toContain(
      `Revoke your consent to Community hospital for imaging, laboratory data for treatment (consent ${consentId}), at version 1.`,
    );
    await screenshot(page, 'patient-12-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('.group-active li.consent').count()).toBe(1);
    await tabTo('Revoke consent to Community hospital');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await focusedText(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedText(page)).toBe('Yes, revoke');
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
    await page.getByText(`Consent ${consentId} revoked`).waitFor();
    await page.locator(`.group-revoked li[data-consent-id="${consentId}"]`).waitFor();
    expect(await page.locator('.group-active li.consent').count()).toBe(0);
    await expectAccessible(page, 'the consent list after revoking');
    await expectNoHorizontalOverflow(page, 'the consent list after revoking');
    await screenshot(page, 'patient-13-revoked');

    // The clinician is refused now.
    const after = await ask('treatment', ['imaging']);
    expect(after.body.decision).toBe('deny');

    // Erase the revoked consent's details: signed, then listed with when it was erased.
    await page
      .getByRole('button', {
        name: `Erase details of the consent to Community hospital (${consentId})`,
      })
      .click();
    const erase = page.getByRole('dialog', { name: 'Erase this consent’s details?' });
    await erase.waitFor();
    expect(JSON.parse(await statementShown(page, 'Erase this consent’s details?'))).toMatchObject({
      action: 'consent:EraseConsent',
      payload: { consentId },
    });
    await erase.getByRole('button', { name: 'Yes, erase' }).click();
    await page.getByText(`The details of consent ${consentId} were erased`).waitFor();
    const erased = page.locator(`.group-erased li[data-subject="${consentId}"]`);
    await erased.waitFor();
    expect(await erased.locator('time').count()).toBe(1);
    await expect
      .poll(() => page.locator(`.group-revoked li[data-consent-id="${consentId}"]`).count())
      .toBe(0);
    await expectAccessible(page, 'the consent list after erasing');
    await expectNoHorizontalOverflow(page, 'the consent list after erasing');
    await screenshot(page, 'patient-14-erased');

    // Live updates arrived over the authenticated event stream (fetch, not EventSource).
    await expect
      .poll(() => page.locator('footer .live').textContent(), { timeout: 60_000 })
      .toContain('Latest:');
    expect(problems).toEqual([]);
    await context.close();
  });
});
