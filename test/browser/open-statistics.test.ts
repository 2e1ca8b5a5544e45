import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  PHONE,
  appGateway,
  checkPageInBothLanguages,
  expectAccessible,
  expectNoHorizontalOverflow,
  launchBrowser,
  newPage,
  wordsIn,
  type AppGateway,
  type AppLanguage,
} from '../support/browser.ts';

/**
 * A resident reads the open statistics the government's gateway publishes, without signing in:
 * from the sign-in page's link, counts by day and purpose per city, every small count only as
 * `<N`, in both languages, accessible at desktop and phone sizes.
 */

/** What a cell may show: a count, or `<N` (a count withheld below the city's minimum). */
const CELL = /^(?:\d[\d,]*|<\d[\d,]*)$/;

describe('open statistics for residents, in the browser', () => {
  let browser: Browser;
  let gov: AppGateway;

  /** The research threshold of the research institute's county, which raises its city's floor. */
  const threshold = (minCohortSize: number) =>
    gov.api.request('PUT', '/research/thresholds/330106', {
      token: gov.adminToken,
      body: { minCohortSize, ethicsApprovalRequired: false },
    });

  beforeAll(async () => {
    [browser, gov] = await Promise.all([launchBrowser(), appGateway('gov')]);
    expect((await threshold(5)).status).toBe(200);
  });

  afterAll(async () => {
    await threshold(0);
    await browser.close();
    await gov.close();
  });

  it.each<[AppLanguage, 'desktop' | 'phone']>([
    ['zh-CN', 'desktop'],
    ['en', 'phone'],
  ])('shows counts by day and purpose without a sign-in (%s, %s)', async (language, size) => {
    const w = wordsIn(language);
    const { page, problems } = await newPage(browser, {
      language,
      ...(size === 'phone' ? { viewport: PHONE } : {}),
    });
    await page.goto(`${gov.base}/app/`);
    await page.getByRole('link', { name: w('login.openStats') }).click();
    await page.getByRole('heading', { level: 1, name: w('openStats.title') }).waitFor();
    await page.getByText(w('openStats.legend')).waitFor();
    // One table per city, a row per day of the period (7 by default), a column per purpose.
    const table = page.locator('.table-scroll table').first();
    expect(await table.locator('tbody tr').count()).toBe(7);
    expect(await table.locator('thead th').count()).toBe(1 + 6);
    const cells = await page.locator('.table-scroll td').allInnerTexts();
    expect(cells.length).toBeGreaterThanOrEqual(7 * 6);
    for (const cell of cells) expect(cell.trim()).toMatch(CELL);
    // The city's floor is 5: the small counts (zeros too) are withheld.
    expect(cells.filter((cell) => cell.trim() === '<5').length).toBeGreaterThan(0);
    for (const cell of cells)
      if (/^\d/.test(cell.trim())) expect(Number(cell)).toBeGreaterThanOrEqual(5);
    // No sign-in: the tab holds no session.
    expect(await page.evaluate(`sessionStorage.getItem('consent-ledger.tokens')`)).toBeNull();
    await expectAccessible(page, `open statistics (${language}, ${size})`);
    if (size === 'phone') await expectNoHorizontalOverflow(page, 'open statistics on a phone');
    else await checkPageInBothLanguages(page, `open-statistics.${size}`);
    // A longer period: a row per day.
    await page.getByLabel(w('openStats.period')).selectOption('14');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(14);
    expect(problems).toEqual([]);
  });
});
