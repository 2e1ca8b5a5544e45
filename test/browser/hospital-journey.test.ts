import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  appGateway,
  dropFile,
  expectAccessible,
  goTo,
  launchBrowser,
  login,
  newPage,
  screenshot,
  waitForResult,
  type AppGateway,
} from '../support/browser.ts';
import { createSignedInUser, uniqueName } from '../support/gateways.ts';

/**
 * Hospital staff, through the web app their gateway serves: anchor a document (hashed in the
 * browser), drop the same document to verify it (verified, with the ledger's evidence), drop an
 * altered copy (altered), and request access to a patient's data (the decision shown). The
 * document itself never reaches the gateway: only its SHA-256 does.
 */

const PASSWORD = 'browser-password-1';

describe('the hospital staff journey in the browser', () => {
  let app: AppGateway;
  let browser: Browser;
  const clinician = { username: uniqueName('web-clinician'), password: PASSWORD };
  let patientId = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([appGateway('tertiary'), launchBrowser()]);
    await app.api.createUser(app.adminToken, { ...clinician, role: 'clinician' });
    const patient = await createSignedInUser(app.api, app.adminToken, {
      username: uniqueName('web-inpatient'),
      password: PASSWORD,
      role: 'patient',
    });
    patientId = String(patient.patientId);
    const grant = await app.api.post('/consents', {
      token: patient.token,
      body: {
        grantee: { org: 'TertiaryHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['laboratory'],
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
});
