import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  PHONE,
  activatePatientByApi,
  appGateway,
  dropFile,
  expectAccessible,
  expectNoHorizontalOverflow,
  goTo,
  launchBrowser,
  login,
  newPage,
  newPatientByApi,
  patientViewByApi,
  screenshot,
  waitForResult,
  type AppGateway,
} from '../support/browser.ts';
import { bootstrapAdmin, uniqueName } from '../support/gateways.ts';

/**
 * Hospital staff, through the web app their gateway serves: anchor a document (hashed in the
 * browser), drop the same document to verify it (verified, with the ledger's evidence), drop an
 * altered copy (altered), and request access to a patient's data (the decision shown). The
 * document itself never reaches the gateway: only its SHA-256 does. The hospital's admin registers
 * a patient on the Patients page (the enrolment slip, shown once) and the patient activates with
 * the slip's code. Patients are registered by the admin and hold their own keys (here, keys held by
 * this test through ledger-api's patient client).
 */

const PASSWORD = 'browser-pass-phrase-17';

describe('the hospital staff journey in the browser', () => {
  let app: AppGateway;
  let browser: Browser;
  const clinician = { username: uniqueName('web-clinician'), password: PASSWORD };
  let patientId = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([appGateway('tertiary'), launchBrowser()]);
    await app.api.createUser(app.adminToken, { ...clinician, role: 'clinician' });
    const patient = await newPatientByApi(app.api, app.adminToken, {
      username: uniqueName('web-inpatient'),
      password: PASSWORD,
    });
    patientId = patient.patientId;
    const grant = await app.api.post('/consents', {
      token: patient.token,
      body: {
        action: await patient.sign('consent:GrantConsent', {
          grantee: { org: 'TertiaryHospitalMSP', role: 'clinician' },
          purposes: ['treatment'],
          categories: ['laboratory'],
        }),
      },
    });
    expect(grant.status, grant.text).toBe(201);
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('anchors, verifies by drop (verified, then altered), and requests access', async () => {
    const { page, problems, context } = await newPage(browser);
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') sent.push(request.postData() ?? '');
    });
    const recordId = uniqueName('lab-report');
    const content = `Laboratory report ${recordId}\nHaemoglobin 13.9 g/dL\nPlatelets 250 x10^9/L\n`;
    const sha256 = createHash('sha256').update(content).digest('hex');

    await login(page, app.base, clinician);
    await page.getByRole('heading', { name: 'Verify a document' }).waitFor();

    // Anchor through the form; the file is chosen with the file input.
    await goTo(page, 'Anchor a record');
    await page.getByLabel('Record ID').fill(recordId);
    await page.getByLabel('Patient ID').fill(patientId);
    await page.getByLabel('Category').selectOption('laboratory');
    await page.getByLabel('Document').setInputFiles({
      name: 'report.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(content),
    });
    await expectAccessible(page, 'the anchor form');
    await page.getByRole('button', { name: 'Anchor' }).click();
    await waitForResult(page, 'anchored');
    const anchored = page.getByTestId('anchored');
    expect(await anchored.textContent()).toContain(`Anchored ${recordId}, version 1.`);
    expect(await anchored.textContent()).toContain(sha256);
    const anchorTx = (await anchored.locator('dd').nth(1).textContent()) ?? '';
    expect(anchorTx).toMatch(/^[0-9a-f]{64}$/);
    await screenshot(page, 'hospital-1-anchored');

    // Verify: drop the same file on the page.
    await goTo(page, 'Verify a document');
    await page.getByLabel('Record ID').fill(recordId);
    await dropFile(page, '[data-testid="drop-zone"]', { name: 'report.txt', content });
    await waitForResult(page, 'verdict');
    const verdict = page.getByTestId('verdict');
    expect(await verdict.getAttribute('class')).toContain('verified');
    expect(await verdict.textContent()).toContain('Verified: this document is the anchored one');
    expect(await page.getByTestId('evidence-tx').textContent()).toBe(anchorTx);
    expect(await page.getByTestId('evidence-block').textContent()).toMatch(/^\d+$/);
    // This hospital's own record of the ID (record IDs are scoped by their owner).
    expect(await page.getByTestId('evidence-owner').textContent()).toBe('TertiaryHospitalMSP');
    await expectAccessible(page, 'a verified document');
    await screenshot(page, 'hospital-2-verified');

    // An altered copy: one character changed.
    await dropFile(page, '[data-testid="drop-zone"]', {
      name: 'report-altered.txt',
      content: content.replace('13.9', '19.3'),
    });
    await page.getByText('Altered or unknown: this document does not match').waitFor();
    expect(await verdict.getAttribute('class')).toContain('altered');
    expect(await verdict.textContent()).toContain(anchorTx);
    await expectAccessible(page, 'an altered document');
    await screenshot(page, 'hospital-3-altered');

    // Request access: laboratory is consented, genomic is not.
    await goTo(page, 'Request access');
    await page.getByLabel('Patient ID').fill(patientId);
    await page.getByLabel('Purpose').selectOption('treatment');
    await page.getByRole('checkbox', { name: 'laboratory' }).check();
    await page.getByRole('button', { name: 'Request access', exact: true }).click();
    await waitForResult(page, 'decision');
    const decision = page.getByTestId('decision');
    await page.getByRole('heading', { name: 'Access permitted' }).waitFor();
    expect(await decision.textContent()).toContain('PERMITTED_BY_CONSENT');
    await screenshot(page, 'hospital-4-permitted');
    await page.getByRole('checkbox', { name: 'laboratory' }).uncheck();
    await page.getByRole('checkbox', { name: 'genomic' }).check();
    await page.getByRole('button', { name: 'Request access', exact: true }).click();
    await page.getByRole('heading', { name: 'Access denied' }).waitFor();
    await expectAccessible(page, 'an access decision');
    await screenshot(page, 'hospital-5-denied');

    // Only digests left the browser, never the document.
    expect(sent.some((body) => body.includes(sha256))).toBe(true);
    expect(sent.every((body) => !body.includes('Haemoglobin'))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('registers a patient on the Patients page; the slip’s code activates the patient once', async () => {
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await login(page, app.base, bootstrapAdmin('tertiary'));
    await goTo(page, 'Patients');
    await expectAccessible(page, 'the Patients page');
    await expectNoHorizontalOverflow(page, 'the Patients page');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    const slip = page.getByTestId('enrolment-slip');
    await waitForResult(page, 'enrolment-slip');
    const registered = (await slip.getByTestId('slip-patient-id').textContent()) ?? '';
    const code = (await slip.getByTestId('slip-code').textContent()) ?? '';
    expect(registered).toMatch(/^pid-[a-z2-7]{16,32}$/);
    expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(await slip.textContent()).toContain('First sign-in with an enrolment code');
    await expectAccessible(page, 'an enrolment slip');
    await expectNoHorizontalOverflow(page, 'an enrolment slip');
    await screenshot(page, 'hospital-6-enrolment-slip');
    // Printed, only the slip shows.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('heading', { name: 'Register a patient' }).isVisible()).toBe(false);
    expect(await slip.getByTestId('slip-code').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    // The code is shown once: hidden when handed over.
    await slip.getByRole('button', { name: 'Handed over: hide the code' }).click();
    await slip.waitFor({ state: 'detached' });

    // The patient activates with the slip (through the API here); the binding is active.
    const patient = await activatePatientByApi(app.api, {
      patientId: registered,
      enrolmentCode: code,
      username: uniqueName('web-registered'),
      password: PASSWORD,
    });
    const view = await patientViewByApi(app.api, app.adminToken, registered);
    expect(view.binding).toMatchObject({ status: 'active', home: 'TertiaryHospitalMSP' });
    expect(view.binding.keys.map((key) => key.keyId)).toEqual([patient.key.keyId]);
    // The same code does not work twice.
    const again = await app.api.post('/patients/activate', {
      body: {
        username: uniqueName('web-registered'),
        password: PASSWORD,
        action: await patient.sign('patient:ActivatePatient', {
          publicKey: patient.key.publicKey,
          enrolmentCode: code,
        }),
      },
    });
    expect(again.status, again.text).toBeGreaterThanOrEqual(400);

    // The look-up on the page shows the binding.
    const lookup = page.getByRole('region', { name: 'Look up a patient’s keys' });
    await lookup.getByLabel('Patient ID').fill(registered);
    await lookup.getByRole('button', { name: 'Look up' }).click();
    await waitForResult(page, 'binding');
    expect(
      await page.locator(`[data-testid="binding"] li[data-key-id="${patient.key.keyId}"]`).count(),
    ).toBe(1);
    await expectAccessible(page, 'a binding looked up by the admin');
    await expectNoHorizontalOverflow(page, 'a binding looked up by the admin');
    await screenshot(page, 'hospital-7-binding');

    // The admin disables the clinician on the Users page: the clinician's sessions end at once.
    const clinicianToken = await app.api.login(clinician.username, clinician.password);
    await goTo(page, 'Users');
    await waitForResult(page, 'users');
    const row = page.locator(`tr[data-username="${clinician.username}"]`);
    expect(await row.textContent()).toContain('Active');
    await expectAccessible(page, 'the Users page');
    await expectNoHorizontalOverflow(page, 'the Users page');
    await row.getByRole('button', { name: `Disable ${clinician.username}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable', exact: true }).click();
    await row.getByRole('button', { name: `Enable ${clinician.username}` }).waitFor();
    expect(await row.textContent()).toContain('Disabled');
    const refused = await app.api.get('/identities/me', clinicianToken);
    expect(refused.status).toBe(401);
    await screenshot(page, 'hospital-8-users');
    await row.getByRole('button', { name: `Enable ${clinician.username}` }).click();
    await row.getByRole('button', { name: `Disable ${clinician.username}` }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
