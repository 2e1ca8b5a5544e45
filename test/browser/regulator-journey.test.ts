import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { NoticeRef, PatientView } from '@consent-ledger/ledger-api';
import {
  PHONE,
  SCREENSHOT_DIR,
  appGateway,
  checkPageInBothLanguages,
  expectAccessible,
  expectNoHorizontalOverflow,
  launchBrowser,
  login,
  newPage,
  newPatientByApi,
  patientViewByApi,
  proposeGuardianByApi,
  screenshot,
  wordsIn,
  wordsPattern,
  type AppGateway,
  type KeyHolder,
} from '../support/browser.ts';
import { createSignedInUser, gateway, uniqueName } from '../support/gateways.ts';

/**
 * The regulator, through the web app the government gateway serves: audit search with filters
 * and paging, CSV and FHIR exports, the break-glass review queue, the activity charts, the
 * statistics by region, and the approvals of a recovery and of a guardianship the tertiary
 * hospital asked for. The patients are registered by the hospital's admin and activated with keys
 * held by this test (ledger-api's patient client); the audited accesses are made through the
 * hospitals' REST APIs.
 */

const PASSWORD = 'browser-pass-phrase-17';
/** The app's words in Chinese, the language a new visitor gets. */
const w = wordsIn('zh-CN');

/** A `datetime-local` value `minutes` from now, in the browser's (and this machine's) zone. */
function localInput(minutes: number): string {
  const time = new Date(Date.now() + minutes * 60_000);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}`;
}

/** The instants of the rows shown, in their order. */
async function timesShown(page: Page): Promise<string[]> {
  const times: string[] = [];
  for (const time of await page.locator('table.events tbody time').all())
    times.push((await time.getAttribute('datetime')) ?? '');
  return times;
}

async function rowsShown(page: Page): Promise<number> {
  return page.locator('table.events tbody tr').count();
}

describe('the regulator journey in the browser', () => {
  let app: AppGateway;
  let browser: Browser;
  const tertiary = gateway('tertiary');
  const community = gateway('community');
  const regulator = { username: uniqueName('web-regulator'), password: PASSWORD };
  let patientId = '';
  let emergencyEventId = '';
  let tertiaryAdmin = '';
  // A second patient, whose recovery and guardian the regulator approves.
  let ward: KeyHolder;
  let guardianId = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([appGateway('gov'), launchBrowser()]);
    await app.api.createUser(app.adminToken, { ...regulator, role: 'regulator' });
    // Six accesses to one new patient: three permitted, two refused, one break-glass.
    const [tertiaryToken, communityAdmin] = await Promise.all([
      tertiary.loginAdmin(),
      community.loginAdmin(),
    ]);
    tertiaryAdmin = tertiaryToken;
    const patient = await newPatientByApi(tertiary, tertiaryAdmin, {
      username: uniqueName('web-audited'),
      password: PASSWORD,
    });
    const doctor = await createSignedInUser(community, communityAdmin, {
      username: uniqueName('web-auditee'),
      password: PASSWORD,
      role: 'clinician',
    });
    patientId = patient.patientId;
    const patientToken = patient.token;
    const doctorToken = doctor.token;
    const grant = await tertiary.post('/consents', {
      token: patientToken,
      body: {
        action: await patient.sign('consent:GrantConsent', {
          grantee: { org: 'CommunityHospitalMSP' },
          purposes: ['treatment'],
          categories: ['imaging'],
        }),
      },
    });
    expect(grant.status, grant.text).toBe(201);
    for (const categories of [['imaging'], ['imaging'], ['imaging'], ['genomic'], ['genomic']]) {
      const asked = await community.post('/access-requests', {
        token: doctorToken,
        body: { patientId, purpose: 'treatment', categories },
      });
      expect(asked.status, asked.text).toBe(201);
    }
    const emergency = await community.post<{ eventId: string }>('/access-requests/emergency', {
      token: doctorToken,
      body: {
        patientId,
        categories: ['medication'],
        reasonCode: 'LIFE_THREATENING',
        justification: 'anaphylaxis in the waiting room',
      },
    });
    expect(emergency.status, emergency.text).toBe(201);
    emergencyEventId = emergency.body.eventId;
    // The hospital proposes a guardian for another patient (their recovery comes later).
    ward = await newPatientByApi(tertiary, tertiaryAdmin, {
      username: uniqueName('web-ward'),
      password: PASSWORD,
    });
    const day = 24 * 60 * 60_000;
    guardianId = (
      await proposeGuardianByApi(tertiary, tertiaryAdmin, {
        patientId: ward.patientId,
        relationship: 'legal-proxy',
        validFrom: new Date(Date.now() - day).toISOString(),
        validUntil: new Date(Date.now() + 365 * day).toISOString(),
      })
    ).guardianId;
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('searches, pages, exports, reviews, and reads the charts and regional statistics', async () => {
    const { page, problems, context } = await newPage(browser);
    await login(page, app.base, regulator);
    await page.getByRole('heading', { name: w('audit.title') }).waitFor();
    const own = [regulator.username];

    // Filters: this patient, the last hour, five per page -> 5 + 1.
    await page.getByLabel(w('audit.patientId')).fill(patientId);
    await page.getByLabel(w('audit.from')).fill(localInput(-60));
    await page.getByLabel(w('audit.to')).fill(localInput(60));
    await page.getByLabel(w('audit.pageSize')).selectOption('5');
    await page.getByRole('button', { name: w('audit.search') }).click();
    await page.getByText(w('audit.page', { page: 1, count: 5 })).waitFor();
    expect(await rowsShown(page)).toBe(5);
    // Newest first, with the total over every page in words: the break-glass access came last.
    await page.getByText(w('audit.total', { count: 6 }), { exact: true }).waitFor();
    const firstRow = page.locator('table.events tbody tr').first();
    expect(await firstRow.getAttribute('data-event-id')).toBe(emergencyEventId);
    const shownTimes = await timesShown(page);
    expect(shownTimes).toEqual([...shownTimes].sort().reverse());
    // Decisions, reasons and organizations in words, in their own columns.
    expect(await firstRow.textContent()).toContain(w('org.CommunityHospitalMSP'));
    expect(await firstRow.textContent()).toContain(w('reason.EMERGENCY_ACCESS'));
    const secondRow = page.locator('table.events tbody tr').nth(1);
    expect(await secondRow.textContent()).toContain(w('purpose.treatment'));
    expect(await secondRow.textContent()).toContain(w('reason.NO_MATCHING_CONSENT'));
    await expectAccessible(page, 'the audit search');
    await checkPageInBothLanguages(page, 'regulator-1-audit-page-1', own);
    await page.getByRole('button', { name: w('audit.next') }).click();
    await page.getByText(w('audit.pageLast', { page: 2, count: 1 })).waitFor();
    expect(await rowsShown(page)).toBe(1);
    expect(await page.getByRole('button', { name: w('audit.next') }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: w('audit.previous') }).click();
    await page.getByText(w('audit.page', { page: 1, count: 5 })).waitFor();
    // Oldest first on request: the first permitted access leads, the same total.
    await page.getByLabel(w('audit.order')).selectOption('asc');
    await page.getByRole('button', { name: w('audit.search') }).click();
    await page.getByText(w('audit.page', { page: 1, count: 5 })).waitFor();
    await page.getByText(w('audit.total', { count: 6 }), { exact: true }).waitFor();
    const ascending = await timesShown(page);
    expect(ascending).toEqual([...ascending].sort());
    expect(await page.locator(`tr[data-event-id="${emergencyEventId}"]`).count()).toBe(0);
    await page.getByLabel(w('audit.order')).selectOption('desc');
    await page.getByRole('button', { name: w('audit.search') }).click();
    await page.getByText(w('audit.page', { page: 1, count: 5 })).waitFor();
    await firstRow.and(page.locator(`[data-event-id="${emergencyEventId}"]`)).waitFor();

    // The event's detail, in words, with its evidence bundle.
    await firstRow.getByRole('button').click();
    const detail = page.getByRole('region', { name: w('eventDetail.title') });
    await detail.waitFor();
    const detailText = (await detail.textContent()) ?? '';
    for (const words of [
      w('decision.permit'),
      w('reason.EMERGENCY_ACCESS'),
      w('emergencyReason.LIFE_THREATENING'),
      w('org.CommunityHospitalMSP'),
      w('org.TertiaryHospitalMSP'),
      w('reviewStatus.pending'),
    ])
      expect(detailText).toContain(words);
    // Identifiers stay folded until asked for.
    expect(await detail.getByText(emergencyEventId).isVisible()).toBe(false);
    await expectAccessible(page, 'an access event in detail');
    await checkPageInBothLanguages(page, 'regulator-1b-event-detail', own);

    // Exports of the same filter.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const download = async (label: string, file: string): Promise<string> => {
      const [saved] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label }).click(),
      ]);
      const target = path.join(SCREENSHOT_DIR, file);
      await saved.saveAs(target);
      return readFileSync(target, 'utf8');
    };
    const bundleFile = JSON.parse(
      await download(w('eventDetail.downloadBundle'), 'regulator-event.evidence.json'),
    ) as { transaction: { txId: string } };
    const shown = await app.api.get<{ txId: string }>(
      `/audit/access-events/${emergencyEventId}`,
      await app.api.login(regulator.username, regulator.password),
    );
    expect(bundleFile.transaction.txId).toBe(shown.body.txId);
    await page.getByText(wordsPattern(w, 'eventDetail.bundleSaved', { name: '.+' })).waitFor();
    await page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page, 'an access event in detail on a phone');
    await expectAccessible(page, 'an access event in detail on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await detail.getByRole('button', { name: w('eventDetail.close') }).click();
    await detail.waitFor({ state: 'detached' });
    const csv = (await download(w('audit.exportCsv'), 'regulator-export.csv')).trim().split('\r\n');
    expect(csv[0]?.startsWith('eventId,timestamp,patientId,')).toBe(true);
    expect(csv).toHaveLength(7);
    expect(csv.slice(1).every((line) => line.includes(patientId))).toBe(true);
    const bundle = JSON.parse(
      await download(w('audit.exportFhir'), 'regulator-export.fhir.json'),
    ) as {
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry).toHaveLength(6);
    expect(bundle.entry.every((entry) => entry.resource.resourceType === 'AuditEvent')).toBe(true);
    await page
      .getByText(
        wordsPattern(w, 'audit.saved', { name: 'access-events\\.fhir\\.json', size: '.+' }),
      )
      .waitFor();

    // Decision and break-glass filters.
    await page.getByLabel(w('audit.decision'), { exact: true }).selectOption('deny');
    await page.getByRole('button', { name: w('audit.search') }).click();
    await page.getByText(w('audit.pageLast', { page: 1, count: 2 })).waitFor();
    expect(await page.locator('table.events .badge.deny').count()).toBe(2);
    expect(await page.locator('table.events .badge.deny').first().textContent()).toBe(
      w('decision.deny'),
    );
    expect(await page.locator('table.events tbody').textContent()).toContain(
      w('reason.NO_MATCHING_CONSENT'),
    );
    await page.getByLabel(w('audit.decision'), { exact: true }).selectOption('');
    await page.getByLabel(w('audit.breakGlass'), { exact: true }).selectOption('true');
    await page.getByRole('button', { name: w('audit.search') }).click();
    await page.getByText(w('audit.pageLast', { page: 1, count: 1 })).waitFor();
    expect(await page.locator(`tr.emergency[data-event-id="${emergencyEventId}"]`).count()).toBe(1);
    await checkPageInBothLanguages(page, 'regulator-2-audit-break-glass', own);

    // The same page on a phone: the table scrolls inside its box, the page does not.
    await page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page, 'the audit search on a phone');
    // The decision is the second column: a phone shows it without scrolling the table.
    const badge = await page.locator('table.events tbody .badge').first().boundingBox();
    expect(badge, 'the decision of the first row').not.toBeNull();
    expect((badge?.x ?? PHONE.width) + (badge?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(page, 'the audit search on a phone');
    await screenshot(page, 'regulator-3-audit-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Review queue: this break-glass access is pending; mark it justified.
    await page.getByRole('link', { name: w('nav.reviews') }).click();
    const item = page.locator(`li[data-event-id="${emergencyEventId}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain(w('emergencyReason.LIFE_THREATENING'));
    await expectAccessible(page, 'the review queue');
    await checkPageInBothLanguages(page, 'regulator-4-review-queue', own);
    await page
      .getByRole('button', {
        name: w('reviews.markLabel', {
          id: emergencyEventId,
          outcome: w('reviewOutcome.justified'),
        }),
      })
      .click();
    // A review asks for a comment first, then for a confirmation of what will be recorded.
    const commentBox = item.getByLabel(
      w('reviews.commentLabel', { outcome: w('reviewOutcome.justified') }),
    );
    await commentBox.waitFor();
    await item.getByRole('button', { name: w('reviews.continue') }).click();
    await item.getByText(w('reviews.commentRequired')).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await expectAccessible(page, 'a review without its comment');
    const comment = 'Anaphylaxis confirmed by the ward sister; the call log matches.';
    await commentBox.fill(comment);
    await item.getByRole('button', { name: w('reviews.continue') }).click();
    const confirm = page.getByRole('dialog', { name: w('reviews.confirmTitle') });
    await confirm.waitFor();
    const confirmText = (await confirm.textContent()) ?? '';
    expect(confirmText).toContain(comment);
    expect(confirmText).toContain(w('reviews.confirmFinal'));
    expect(confirmText).toContain(w('reviewOutcome.justified'));
    await expectAccessible(page, 'the confirmation of a review');
    await checkPageInBothLanguages(page, 'regulator-4b-review-confirm', own);
    // Cancelling keeps the comment and records nothing; confirming records the review.
    await confirm.getByRole('button', { name: w('common.cancel') }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await commentBox.inputValue()).toBe(comment);
    await item.getByRole('button', { name: w('reviews.continue') }).click();
    await confirm.getByRole('button', { name: w('reviews.confirm') }).click();
    await page
      .getByText(
        wordsPattern(w, 'reviews.done', {
          outcome: w('reviewOutcome.justified'),
          tx: '[0-9a-f]{64}',
        }),
      )
      .waitFor();
    await item.waitFor({ state: 'detached' });
    const token = await app.api.login(regulator.username, regulator.password);
    const reviewed = await app.api.get<{
      emergency: { review: { status: string; outcome: string; commentHash: string } };
    }>(`/audit/access-events/${emergencyEventId}`, token);
    expect(reviewed.body.emergency.review).toMatchObject({
      status: 'reviewed',
      outcome: 'justified',
    });
    // The ledger holds the comment's fingerprint; the comment stays with the regulator's gateway.
    expect(reviewed.text).not.toContain('Anaphylaxis');
    const kept = await app.api.get<{
      comment: string;
      commentHash: string;
      matchesLedger: boolean;
    }>(`/audit/emergency-reviews/${emergencyEventId}`, token);
    expect(kept.body).toMatchObject({
      comment,
      commentHash: reviewed.body.emergency.review.commentHash,
      matchesLedger: true,
    });
    // The event's detail shows the comment, checked against the ledger.
    await page.getByRole('link', { name: w('nav.audit') }).click();
    await page.getByLabel(w('audit.patientId')).fill(patientId);
    await page.getByLabel(w('audit.breakGlass'), { exact: true }).selectOption('true');
    await page.getByRole('button', { name: w('audit.search') }).click();
    await page.getByText(w('audit.totalOne'), { exact: true }).waitFor();
    await page.locator(`tr[data-event-id="${emergencyEventId}"]`).getByRole('button').click();
    const reviewedDetail = page.getByRole('region', { name: w('eventDetail.title') });
    await reviewedDetail.getByText(comment, { exact: false }).waitFor();
    expect(await reviewedDetail.textContent()).toContain(w('eventDetail.commitmentMatches'));
    expect(await reviewedDetail.textContent()).toContain(
      w('eventDetail.reviewed', { outcome: w('reviewOutcome.justified') }),
    );
    await expectAccessible(page, 'a reviewed access in detail');
    await checkPageInBothLanguages(page, 'regulator-4c-reviewed-detail', [...own, comment]);

    // Charts: accesses per organization per day, deny rate.
    await page.getByRole('link', { name: w('nav.charts') }).click();
    await page.getByText(wordsPattern(w, 'charts.total', { count: '[\\d,]+' })).waitFor();
    expect(
      await page
        .locator('figure', { hasText: w('charts.perOrg') })
        .locator('svg rect')
        .count(),
    ).toBeGreaterThan(0);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByText(w('charts.dataTable')).click();
    const header = await page.locator('figure table thead th').allTextContents();
    const column = header.indexOf(w('org.CommunityHospitalMSP'));
    expect(column, header.join(' | ')).toBeGreaterThan(0);
    const rows = await page.locator('figure table tbody tr').allTextContents();
    const todayRow = await page
      .locator('figure table tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: today }) })
      .locator('th, td')
      .allTextContents();
    expect(Number(todayRow[column]), rows.join(' | ')).toBeGreaterThanOrEqual(6);
    await page.getByText(wordsPattern(w, 'charts.overall', { rate: '\\d+\\s?%' })).waitFor();
    // The deny rate has a point on each day with accesses and one line per run of such days: a
    // day without accesses is a gap, not 0 %.
    const perDay: number[] = [];
    for (const row of await page.locator('figure table tbody tr').all()) {
      const cells = await row.locator('td').allTextContents();
      perDay.push(cells.reduce((sum, cell) => sum + Number(cell.replace(/\D/g, '')), 0));
    }
    expect(perDay).toHaveLength(7);
    const activeDays = perDay.filter((count) => count > 0).length;
    const runs = perDay.filter((count, day) => count > 0 && (perDay[day - 1] ?? 0) === 0).length;
    expect(activeDays).toBeGreaterThan(0);
    const denyRate = page.locator('figure', { hasText: w('charts.denyRate') });
    expect(await denyRate.locator('svg circle').count()).toBe(activeDays);
    expect(await denyRate.locator('svg polyline').count()).toBe(runs);
    await expectAccessible(page, 'the charts');
    await checkPageInBothLanguages(page, 'regulator-5-charts', own);
    // On a phone the charts are drawn at the phone's width: their labels keep 12 px and never
    // touch, and the page does not scroll sideways.
    await page.setViewportSize(PHONE);
    await expect.poll(() => tickLayout(page)).toMatchObject({ smallest: 12, overlaps: 0 });
    expect((await tickLayout(page)).count).toBeGreaterThanOrEqual(4);
    await expectNoHorizontalOverflow(page, 'the charts on a phone');
    await expectAccessible(page, 'the charts on a phone');
    await screenshot(page, 'regulator-5-charts-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Statistics by region, named by GB/T 2260 (the accessing hospitals are in Zhejiang, Hangzhou).
    await page.getByRole('link', { name: w('nav.regions') }).click();
    await page
      .getByText(
        wordsPattern(w, 'regions.summary', {
          total: '[\\d,]+',
          denied: '[\\d,]+',
          breakGlass: '[\\d,]+',
        }),
      )
      .waitFor();
    const byProvince = page.locator('figure', {
      hasText: w('regions.byRegion', { level: w('regionLevel.province') }),
    });
    expect(await byProvince.locator('li').count()).toBeGreaterThan(0);
    expect(await byProvince.locator('.count-label').allTextContents()).toContain(
      w('region.330000'),
    );
    await page.getByLabel(w('regions.level')).selectOption('city');
    const byCity = page.locator('figure', {
      hasText: w('regions.byRegion', { level: w('regionLevel.city') }),
    });
    await byCity.locator('li').first().waitFor();
    expect(await byCity.locator('.count-label').allTextContents()).toContain(w('region.330100'));
    await expectAccessible(page, 'the regional statistics');
    await checkPageInBothLanguages(page, 'regulator-6-regions', own);

    // Recoveries and guardians: approve the guardian, then the recovery; check the binding.
    await page.getByRole('link', { name: w('nav.approvals') }).click();
    await page.getByRole('heading', { name: w('nav.approvals') }).waitFor();
    await expectAccessible(page, 'the approvals page');
    const guardianForm = page.getByRole('region', { name: w('approvals.guardianshipTitle') });
    await guardianForm.getByLabel(w('hospital.patientId')).fill(ward.patientId);
    await guardianForm.getByLabel(w('patients.guardianId')).fill(guardianId);
    await guardianForm.getByRole('button', { name: w('approvals.approve'), exact: true }).click();
    await page
      .getByText(wordsPattern(w, 'approvals.guardianApproved', { id: guardianId, tx: '[0-9a-f]+' }))
      .waitFor();
    const approved: PatientView = await patientViewByApi(app.api, token, ward.patientId);
    expect(approved.binding.guardians.find((item) => item.guardianId === guardianId)?.status).toBe(
      'approved',
    );
    // The hospital asks for a recovery after checking the patient in person; the regulator approves.
    const recovery = await tertiary.post(`/patients/${ward.patientId}/recovery`, {
      token: tertiaryAdmin,
    });
    expect(recovery.status, recovery.text).toBe(201);
    const recoveryForm = page.getByRole('region', { name: w('approvals.recoveryTitle') });
    await recoveryForm.getByLabel(w('hospital.patientId')).fill(ward.patientId);
    await recoveryForm.getByRole('button', { name: w('approvals.approveRecovery') }).click();
    await page
      .getByText(wordsPattern(w, 'approvals.recoveryDone', { id: ward.patientId, tx: '[0-9a-f]+' }))
      .waitFor();
    await checkPageInBothLanguages(page, 'regulator-7-approvals', own);
    const view: PatientView = await patientViewByApi(app.api, token, ward.patientId);
    // From the approval every earlier key stops at once, and the patient sees it in the history.
    expect(view.binding.keys.length).toBeGreaterThan(0);
    expect(view.binding.keys.every((key) => key.revokedAt !== undefined)).toBe(true);
    expect(view.history.map((change) => change.change)).toEqual(
      expect.arrayContaining(['guardian-approved', 'recovery-requested', 'recovery-approved']),
    );
    // The look-up shows the same binding on the page.
    const lookup = page.getByRole('region', { name: w('patients.lookupTitle') });
    await lookup.getByLabel(w('hospital.patientId')).fill(ward.patientId);
    await lookup.getByRole('button', { name: w('patients.lookup') }).click();
    await page.getByTestId('binding').waitFor();
    expect(
      await page.locator('[data-testid="binding"] li[data-change="recovery-approved"]').count(),
    ).toBe(1);
    await expectAccessible(page, 'a binding looked up');
    await page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page, 'the approvals page on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    const refusedSignature = await tertiary.post('/consents', {
      token: ward.token,
      body: {
        action: await ward.sign('consent:GrantConsent', {
          grantee: { org: 'CommunityHospitalMSP' },
          purposes: ['treatment'],
          categories: ['imaging'],
        }),
      },
    });
    expect(refusedSignature.status, refusedSignature.text).toBe(403);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('counts the consents naming each notice version, as the ledger does', async () => {
    // A patient of the community hospital consents under its standard notice.
    const patient = await newPatientByApi(community, await community.loginAdmin(), {
      username: uniqueName('web-noticed'),
      password: PASSWORD,
    });
    const notice = await community.get<NoticeRef>(
      '/notices/CommunityHospitalMSP/consent-sharing/1',
      patient.token,
    );
    expect(notice.status, notice.text).toBe(200);
    const { org, noticeId, version, sha256 } = notice.body;
    const granted = await community.post('/consents', {
      token: patient.token,
      body: {
        action: await patient.sign('consent:GrantConsent', {
          grantee: { org: 'TertiaryHospitalMSP' },
          purposes: ['treatment'],
          categories: ['imaging'],
          notice: { org, noticeId, version, sha256 },
        }),
      },
    });
    expect(granted.status, granted.text).toBe(201);
    const token = await app.api.login(regulator.username, regulator.password);
    const use = await app.api.get<{ versions: { version: number; consents: number }[] }>(
      '/notices/CommunityHospitalMSP/consent-sharing/use',
      token,
    );
    expect(use.status, use.text).toBe(200);
    const counted = use.body.versions.find((each) => each.version === 1)?.consents ?? 0;
    expect(counted).toBeGreaterThanOrEqual(1);
    const { page, problems, context } = await newPage(browser);
    await login(page, app.base, regulator);
    await page.getByRole('link', { name: w('nav.notices') }).click();
    await page.getByRole('heading', { name: w('noticeUse.title'), level: 1 }).waitFor();
    await page.getByLabel(w('noticeUse.org')).selectOption('CommunityHospitalMSP');
    const table = page.getByRole('table', {
      name: w('noticeUse.caption', { org: w('org.CommunityHospitalMSP') }),
    });
    await table.waitFor();
    // The rows come with the counts, after the table: wait for them, then take version 1's.
    const rows = table.getByRole('row', { name: /consent-sharing/ });
    await rows.first().waitFor();
    let cells: string[] = [];
    for (const row of await rows.all()) {
      const texts = await row.getByRole('cell').allTextContents();
      if (texts[0] === '1') cells = texts;
    }
    // Version, published, consents: the count is the ledger's.
    expect(cells[0]).toBe('1');
    expect(cells[2]).toBe(String(counted));
    await expectAccessible(page, 'the notices page');
    await checkPageInBothLanguages(page, 'regulator-notices', [regulator.username]);
    await page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page, 'the notices page on a phone');
    expect(problems).toEqual([]);
    await context.close();
  });
});

/**
 * The axis labels of the charts as drawn: how many, the smallest rendered font size in CSS
 * pixels, and how many neighbouring day labels in one chart overlap.
 */
async function tickLayout(
  page: Page,
): Promise<{ count: number; smallest: number; overlaps: number }> {
  return page.evaluate(`(() => {
    let count = 0;
    let smallest = Infinity;
    let overlaps = 0;
    for (const svg of document.querySelectorAll('figure.chart svg')) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const tick of svg.querySelectorAll('text.tick')) {
        count += 1;
        smallest = Math.min(smallest, parseFloat(getComputedStyle(tick).fontSize) * scale);
      }
      const bottom = [...svg.querySelectorAll('text.day')].map((day) => day.getBoundingClientRect());
      bottom.sort((a, b) => a.left - b.left);
      for (let i = 1; i < bottom.length; i += 1) if (bottom[i].left < bottom[i - 1].right) overlaps += 1;
    }
    return { count, smallest: Math.round(smallest), overlaps };
  })()`);
}
