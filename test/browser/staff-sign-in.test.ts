import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { expectAccessible, launchBrowser, newPage, screenshot } from '../support/browser.ts';
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

  it("signs a clinician in with the hospital's own account and keeps the session on reload", async () => {
    idp.accounts.set('dr-web', { role: 'clinician' });
    const { context, page, problems } = await newPage(browser);
    await offline(context);
    await page.goto(`${gateway.base}/app/`);
    const button = page.getByRole('link', { name: 'Sign in with Tertiary Hospital' });
    await button.waitFor();
    await expectAccessible(page, 'sign-in page with the identity provider');
    await button.click();
    // The provider's own pages: sign-in, then consent.
    await page.locator('input[name="login"]').fill('dr-web');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await screenshot(page, 'staff-sign-in-idp');
    // The one-time code is gone from the address, and the session survives a reload.
    expect(page.url()).not.toContain('signin=');
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // The gateway's own pages raised no errors (the provider's pages are not ours).
    expect(problems.filter((problem) => problem.includes(gateway.base))).toEqual([]);
    await context.close();
  });

  it('shows the refusal when the provider gives no role this gateway knows', async () => {
    idp.accounts.set('visitor', { role: 'surgeon' });
    const { context, page } = await newPage(browser);
    await offline(context);
    await page.goto(`${gateway.base}/app/`);
    await page.getByRole('link', { name: 'Sign in with Tertiary Hospital' }).click();
    await page.locator('input[name="login"]').fill('visitor');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    // The callback answers the gateway's coded error.
    await page.getByText('OIDC_ROLE_REFUSED').waitFor();
    await context.close();
  });
});
