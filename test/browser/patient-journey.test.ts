import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  PHONE,
  appGateway,
  computedStyle,
  expectAccessible,
  expectNoHorizontalOverflow,
  focusedAttribute,
  focusedText,
  launchBrowser,
  loginWithKeyboard,
  newPage,
  screenshot,
  type AppGateway,
} from '../support/browser.ts';
import { bootstrapAdmin, createSignedInUser, gateway, uniqueName } from '../support/gateways.ts';

/**
 * A patient, on a phone-sized screen, through the web app their hospital's gateway serves: signs
 * in with the keyboard, grants a consent with the form, sees who accessed their data (an
 * emergency access highlighted) and revokes the consent with a keyboard-operated confirmation.
 * The clinician's requests are made through the community hospital's REST API.
 */

const PASSWORD = 'browser-password-1';

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

describe('the patient journey in the browser', () => {
  let app: AppGateway;
  let browser: Browser;
  const community = gateway('community');
  const patient = { username: uniqueName('web-patient'), password: PASSWORD };
  const doctor = { username: uniqueName('web-doctor'), password: PASSWORD };
  let patientId = '';
  let doctorToken = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([appGateway('tertiary'), launchBrowser()]);
    const created = await app.api.createUser(app.adminToken, { ...patient, role: 'patient' });
    patientId = String(created.patientId);
    const communityAdmin = await community.login(bootstrapAdmin.username, bootstrapAdmin.password);
    doctorToken = (
      await createSignedInUser(community, communityAdmin, { ...doctor, role: 'clinician' })
    ).token;
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('grants, watches the access history, and revokes, on a phone, partly by keyboard', async () => {
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });

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

    await loginWithKeyboard(page, app.base, patient);
    await page.getByRole('heading', { name: 'My consents' }).waitFor();
    await expect.poll(() => page.getByText('None.').count()).toBe(3);
    await expectAccessible(page, 'the empty consent list');
    await expectNoHorizontalOverflow(page, 'the consent list');
    await screenshot(page, 'patient-1-consents-empty');

    // Grant through the form; a missing choice is a clear error first.
    await page.getByRole('link', { name: 'Grant a consent' }).first().click();
    await page.getByRole('heading', { name: 'Grant a consent' }).waitFor();
    await page.getByRole('button', { name: 'Grant consent' }).click();
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
    await screenshot(page, 'patient-2-grant-form');
    await page.getByRole('button', { name: 'Grant consent' }).click();
    await page.getByText('Consent granted to Community hospital').waitFor();
    await screenshot(page, 'patient-3-granted');

    await page.getByRole('link', { name: 'See my consents' }).click();
    const active = page.locator('.group-active li.consent');
    await active.first().waitFor();
    expect(await active.count()).toBe(1);
    const consentId = await active.first().getAttribute('data-consent-id');
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
    await screenshot(page, 'patient-4-timeline');

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
    await screenshot(page, 'patient-5-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('.group-active li.consent').count()).toBe(1);
    await tabTo('Revoke consent to Community hospital');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await focusedText(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedText(page)).toBe('Yes, revoke');
    await page.keyboard.press('Enter');
    await page.getByText(`Consent ${consentId ?? ''} revoked`).waitFor();
    await page.locator(`.group-revoked li[data-consent-id="${consentId ?? ''}"]`).waitFor();
    expect(await page.locator('.group-active li.consent').count()).toBe(0);
    await expectAccessible(page, 'the consent list after revoking');
    await expectNoHorizontalOverflow(page, 'the consent list after revoking');
    await screenshot(page, 'patient-6-revoked');

    // The clinician is refused now.
    const after = await ask('treatment', ['imaging']);
    expect(after.body.decision).toBe('deny');

    // Live updates arrived over the authenticated event stream (fetch, not EventSource).
    await expect
      .poll(() => page.locator('footer .live').textContent(), { timeout: 60_000 })
      .toContain('Latest:');
    expect(problems).toEqual([]);
    await context.close();
  });
});
