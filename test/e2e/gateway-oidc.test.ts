import type { AccessToken, IdentityView } from '@consent-ledger/ledger-api';
import type { ClientMetadata } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, enrolPatient } from '../support/gateways.ts';
import {
  CookieJar,
  OIDC_CALLBACK,
  send,
  signInAtProvider,
  startGatewayTrusting,
  startIdentityProvider,
  type TestIdentityProvider,
} from '../support/identity-provider.ts';

/**
 * Staff sign-in through the tertiary hospital's own identity provider: a real OpenID Connect
 * provider (panva's oidc-provider, OpenID Certified) on 127.0.0.1, trusted by the tertiary
 * gateway (in this process, against the real network: its CA enrolls the provider's users, its
 * peer takes their calls). A second provider plays another issuer.
 */

const CLIENT = {
  client_id: 'consent-ledger-tertiary',
  client_secret: 'tertiary-gateway-client-secret-0123',
};

interface Outcome {
  /** The callback's answer. */
  readonly callback: Response;
  /** The callback's JSON error, if it refused. */
  readonly error?: { statusCode: number; code: string; message: string };
  /** The session's tokens, if it signed in. */
  readonly tokens?: AccessToken;
}

describe('staff sign-in through an OpenID Connect provider (real network)', () => {
  let idp: TestIdentityProvider;
  let otherIdp: TestIdentityProvider;
  let gateway: InProcessGateway;
  let api: GatewayApi;

  /**
   * Signs in at the gateway as the provider's user `login`, as a browser would: the gateway's
   * redirect to the provider (`rewrite` may change it, as an attacker would), the provider's forms,
   * its redirect back to the callback, and the handoff of the tokens.
   */
  const signIn = async (
    login: string,
    rewrite: (authorizationUrl: URL) => URL = (url) => url,
  ): Promise<Outcome> => {
    const jar = new CookieJar();
    const start = await send(jar, `${gateway.base}/auth/oidc/login`);
    expect(start.status).toBe(302);
    const authorizationUrl = rewrite(new URL(start.headers.get('location') ?? ''));
    const callbackUrl = await signInAtProvider(jar, authorizationUrl.href, {
      login,
      until: `${gateway.base}${OIDC_CALLBACK}`,
    });
    const callback = await send(jar, callbackUrl);
    if (callback.status !== 302)
      return { callback, error: (await callback.json()) as NonNullable<Outcome['error']> };
    const landing = new URL(callback.headers.get('location') ?? '');
    expect(landing.href.startsWith(`${gateway.base}/app/#signin=`)).toBe(true);
    const handoff = landing.hash.slice('#signin='.length);
    const session = await api.post<AccessToken>('/auth/oidc/session', { body: { handoff } });
    expect(session.status).toBe(200);
    // The code is good once.
    expect((await api.post('/auth/oidc/session', { body: { handoff } })).status).toBe(401);
    return { callback, tokens: session.body };
  };

  const me = (token: string) => api.get<IdentityView & { code?: string }>('/identities/me', token);

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([startIdentityProvider(), startIdentityProvider()]);
    let client: ClientMetadata;
    ({ gateway, registration: client } = await startGatewayTrusting(idp, CLIENT));
    api = new GatewayApi(gateway.base, 'tertiary');
    await idp.configure([
      client,
      // Another application of the same hospital, with the same callback registered.
      {
        ...client,
        client_id: 'another-app',
        client_secret: 'another-app-client-secret-0123456789',
      },
    ]);
    // Another issuer with a client of the same ID and secret.
    await otherIdp.configure([client]);
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([idp.close(), otherIdp.close()]);
  });

  it('advertises the provider', async () => {
    const providers = await api.get('/auth/providers');
    expect(providers.status).toBe(200);
    expect(providers.body).toEqual({
      local: true,
      oidc: { name: 'Tertiary Hospital', issuer: `${idp.issuer}/`, login: '/auth/oidc/login' },
    });
  });

  it('signs staff in with the role the provider gives, enrolled at the CA, acting on the ledger', async () => {
    idp.accounts.set('it-ops-1', { role: 'admin' });
    idp.accounts.set('dr-lin', { role: 'clinician' });
    const admin = await signIn('it-ops-1');
    const clinician = await signIn('dr-lin');
    const adminToken = admin.tokens?.accessToken ?? '';
    const clinicianToken = clinician.tokens?.accessToken ?? '';
    const adminView = await me(adminToken);
    expect(adminView.status).toBe(200);
    expect(adminView.body).toMatchObject({
      role: 'admin',
      mspId: 'TertiaryHospitalMSP',
      orgType: 'hospital',
    });
    // Opaque: no name of the person, at the gateway or on the certificate.
    expect(adminView.body.username).toMatch(/^idp-[0-9a-f]{24}$/);
    expect(adminView.body.enrollmentId).toMatch(/^u-[0-9a-f]{16}$/);
    expect((await me(clinicianToken)).body).toMatchObject({ role: 'clinician' });
    // The same user signs in to the same account.
    expect((await me((await signIn('dr-lin')).tokens?.accessToken ?? '')).body.username).toBe(
      (await me(clinicianToken)).body.username,
    );
    // The admin registers a patient on the ledger with their own certificate...
    const patient = await enrolPatient(api, { adminToken });
    // ...and the clinician reads the ledger with theirs.
    const events = await api.get(
      `/audit/access-events?patientId=${patient.patientId}&accessorOrg=TertiaryHospitalMSP`,
      clinicianToken,
    );
    expect(events.status).toBe(200);
    // Admin routes answer the provider's admin, not its clinician.
    expect((await api.get('/identities', adminToken)).status).toBe(200);
    expect((await api.get('/identities', clinicianToken)).status).toBe(403);
  });

  it('refuses a missing or unknown role claim (403 OIDC_ROLE_REFUSED)', async () => {
    idp.accounts.set('no-role', {});
    idp.accounts.set('surgeon', { role: 'surgeon' });
    idp.accounts.set('regulator', { role: 'regulator' });
    idp.accounts.set('patient-like', { role: 'patient' });
    for (const login of ['no-role', 'surgeon', 'regulator', 'patient-like']) {
      const outcome = await signIn(login);
      expect(outcome.callback.status, login).toBe(403);
      expect(outcome.error?.code, login).toBe('OIDC_ROLE_REFUSED');
    }
  });

  it('refuses an answer from another issuer, for another client, replayed or from another browser (401 OIDC_REFUSED)', async () => {
    idp.accounts.set('dr-wu', { role: 'clinician' });
    otherIdp.accounts.set('dr-wu', { role: 'clinician' });
    // Another issuer: the browser is sent to the other provider with the gateway's request.
    const mixUp = await signIn(
      'dr-wu',
      (url) => new URL(`${url.pathname}${url.search}`, otherIdp.issuer),
    );
    expect(mixUp.callback.status).toBe(401);
    expect(mixUp.error?.code).toBe('OIDC_REFUSED');
    expect(mixUp.error?.message).toMatch(/"iss"/);
    // A code issued to another client (its audience) is not the gateway's.
    const otherClient = await signIn('dr-wu', (url) => {
      url.searchParams.set('client_id', 'another-app');
      return url;
    });
    expect(otherClient.callback.status).toBe(401);
    expect(otherClient.error?.code).toBe('OIDC_REFUSED');
    expect(otherClient.error?.message).toMatch(/invalid_grant/);
    // A callback replayed, or brought to another browser (no binding cookie).
    const jar = new CookieJar();
    const start = await send(jar, `${gateway.base}/auth/oidc/login`);
    const callbackUrl = await signInAtProvider(jar, start.headers.get('location') ?? '', {
      login: 'dr-wu',
      until: `${gateway.base}${OIDC_CALLBACK}`,
    });
    const stranger = await fetch(callbackUrl, { redirect: 'manual' });
    expect(stranger.status).toBe(401);
    expect(((await stranger.json()) as { code: string }).code).toBe('OIDC_REFUSED');
    // The stranger's attempt used the sign-in up: the rightful browser starts again.
    expect((await send(jar, callbackUrl)).status).toBe(401);
    // A callback the gateway never started.
    const forged = await fetch(`${gateway.base}${OIDC_CALLBACK}?code=abc&state=forged`, {
      redirect: 'manual',
    });
    expect(forged.status).toBe(401);
  });

  it('ends the session of a user disabled at the provider at the next refresh (401)', async () => {
    idp.accounts.set('dr-chen', { role: 'clinician' });
    const { tokens } = await signIn('dr-chen');
    const accessToken = tokens?.accessToken ?? '';
    // While the provider vouches for the user, refreshes go on (the provider is asked each time).
    const refreshed = await api.post<AccessToken>('/auth/refresh', {
      body: { refreshToken: tokens?.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    idp.accounts.set('dr-chen', { role: 'clinician', disabled: true });
    const refused = await api.post('/auth/refresh', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('OIDC_REFUSED');
    // The session ended: the access tokens it issued are refused at once, and so is a new sign-in.
    expect((await me(refreshed.body.accessToken)).status).toBe(401);
    expect((await me(accessToken)).status).toBe(401);
    await expect(signIn('dr-chen')).rejects.toThrow(/provider/);
  });

  it('ends the session when the provider changes the role, and enrolls the user anew at the next sign-in', async () => {
    idp.accounts.set('dr-zhao', { role: 'clinician' });
    const first = await signIn('dr-zhao');
    const firstView = await me(first.tokens?.accessToken ?? '');
    idp.accounts.set('dr-zhao', { role: 'analyst' });
    const refused = await api.post('/auth/refresh', {
      body: { refreshToken: first.tokens?.refreshToken },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('OIDC_REFUSED');
    const second = await me((await signIn('dr-zhao')).tokens?.accessToken ?? '');
    expect(second.body).toMatchObject({ username: firstView.body.username, role: 'analyst' });
    expect(second.body.enrollmentId).not.toBe(firstView.body.enrollmentId);
  });

  it('keeps local accounts working beside the provider', async () => {
    const login = await api.post<AccessToken>('/auth/login', { body: gateway.admin });
    expect(login.status).toBe(200);
    expect((await me(login.body.accessToken)).body).toMatchObject({ role: 'admin' });
    // A provider's user has no password at the gateway.
    idp.accounts.set('it-ops-2', { role: 'admin' });
    const { tokens } = await signIn('it-ops-2');
    const username = (await me(tokens?.accessToken ?? '')).body.username;
    const guess = await api.post('/auth/login', {
      body: { username, password: '!identity-provider' },
    });
    expect(guess.status).toBe(401);
  });
});
