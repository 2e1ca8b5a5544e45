import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  checkPageInBothLanguages,
  expectAccessible,
  expectNoRawCodes,
  launchBrowser,
  newPage,
  wordsIn,
  type AppLanguage,
} from '../support/browser.ts';
import type { ClientMetadata } from 'oidc-provider';
import type { InProcessGateway } from '../support/gateway-app.ts';
import {
  startGatewayTrusting,
  startIdentityProvider,
  type TestIdentityProvider,
} from '../support/identity-provider.ts';

/**
 * A hospital clinician signs in to the web app through the hospital's identity provider: the
 * sign-in page offers the provider (GET /auth/providers), the provider's own sign-in and consent
 * pages (panva's oidc-provider), and the web app takes the session from the callback's one-time
 * code. The tertiary gateway runs in this process (it trusts the provider), serving web/dist.
 */

/** The provider's pages @import a web font: no network here, so refuse it at once. */
const offline = async (context: BrowserContext): Promise<void> => {
  await context.route(/^https:\/\/fonts\.googleapis\.com\//, (route) => route.abort());
};

const CLIENT = {
  client_id: 'consent-ledger-tertiary-web',
  client_secret: 'tertiary-web-client-secret-0123456789',
};

describe('staff sign-in through the identity provider, in the browser', () => {
  let idp: TestIdentityProvider;
  let gateway: InProcessGateway;
  let browser: Browser;

  beforeAll(async () => {
    [idp, browser] = await Promise.all([startIdentityProvider(), launchBrowser()]);
    let registration: ClientMetadata;
    ({ gateway, registration } = await startGatewayTrusting(idp, CLIENT));
    await idp.configure([registration]);
  });

  afterAll(async () => {
    await browser.close();
    await gateway.close();
    await idp.close();
  });

  it.each<AppLanguage>(['zh-CN', 'en'])(
    "signs a clinician in with the hospital's own account and keeps the session on reload (%s)",
    async (language) => {
      const w = wordsIn(language);
      idp.accounts.set('dr-web', { role: 'clinician' });
      const { context, page, problems } = await newPage(browser, { language });
      await offline(context);
      await page.goto(`${gateway.base}/app/`);
      const button = page.getByRole('link', {
        name: w('login.withProvider', { name: 'Tertiary Hospital' }),
      });
      await button.waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe(language);
      // The sign-in page names its organization (GET /ledger), with its mark.
      await expect
        .poll(() => page.locator('.brand').textContent())
        .toContain(w('org.TertiaryHospitalMSP'));
      await expectAccessible(page, 'sign-in page with the identity provider');
      await checkPageInBothLanguages(page, `staff-sign-in-page.${language}-first`);
      await button.click();
      // The provider's own pages: sign-in, then consent.
      await page.locator('input[name="login"]').fill('dr-web');
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: w('app.signOut') }).waitFor();
      await page.getByRole('heading', { name: w('nav.verify') }).waitFor();
      await checkPageInBothLanguages(page, `staff-sign-in-idp.${language}-first`, ['dr-web']);
      // The one-time code is gone from the address, and the session survives a reload (and the
      // language chosen with it).
      expect(page.url()).not.toContain('signin=');
      await page.reload();
      await page.getByRole('button', { name: w('app.signOut') }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe(language);
      // The gateway's own pages raised no errors (the provider's pages are not ours).
      expect(problems.filter((problem) => problem.includes(gateway.base))).toEqual([]);
      await context.close();
    },
  );

  it('shows the refusal when the provider gives no role this gateway knows', async () => {
    idp.accounts.set('visitor', { role: 'surgeon' });
    const { context, page } = await newPage(browser);
    await offline(context);
    await page.goto(`${gateway.base}/app/`);
    const w = wordsIn('zh-CN');
    await page
      .getByRole('link', { name: w('login.withProvider', { name: 'Tertiary Hospital' }) })
      .click();
    await page.locator('input[name="login"]').fill('visitor');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    // The callback sends the browser back to the web app with the refusal's code, which the sign-in
    // page words (the code itself is neither shown nor kept in the address).
    await page.getByText(w('error.OIDC_ROLE_REFUSED')).waitFor();
    expect(page.url()).not.toContain('signin-refused');
    expect(page.url().startsWith(`${gateway.base}/app/`)).toBe(true);
    await expectNoRawCodes(page, 'refused identity provider sign-in');
    await expectAccessible(page, 'refused identity provider sign-in');
    await context.close();
  });
});
