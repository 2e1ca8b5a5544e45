import type { AccessToken, UserAccountView } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, createTestApp, type TestApp } from '../testing/test-app.js';

describe('sessions through HTTP: refresh, logout, disable, end all, lockout', () => {
  let t: TestApp;
  let admin: string;

  const login = async (
    username: string,
    password = TEST_PASSWORD,
    deviceToken?: string,
  ): Promise<{ status: number; body: AccessToken; retryAfter?: string }> => {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username, password, ...(deviceToken === undefined ? {} : { deviceToken }) });
    const retryAfter = response.headers['retry-after'];
    return {
      status: response.status,
      body: response.body as AccessToken,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    };
  };
  const me = async (token: string): Promise<number> =>
    (await t.http().get('/identities/me').set('authorization', `Bearer ${token}`)).status;
  const post = (path: string, token: string, body?: object) =>
    t
      .http()
      .post(path)
      .set('authorization', `Bearer ${token}`)
      .send(body ?? {});

  beforeAll(async () => {
    t = await createTestApp({
      env: { GATEWAY_LOGIN_ACCOUNT_FAILURES: '3', GATEWAY_LOGIN_RATE_LIMIT: '1000' },
    });
    admin = await t.loginAdmin();
    for (const username of ['nurse', 'doc', 'locked', 'gone']) {
      await t.user({ username, role: 'clinician' });
      // t.user signs the new user in: end that session, so that the counts below are this file's.
      await post(`/identities/${username}/end-sessions`, admin).expect(200);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a refresh token that rotates; a reused one ends the session', async () => {
    const first = await login('nurse');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    expect(first.body.refreshExpiresIn).toBeGreaterThan(43_000);
    expect(typeof first.body.deviceToken).toBe('string');
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: first.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const next = refreshed.body as AccessToken;
    expect(next.refreshToken).not.toBe(first.body.refreshToken);
    expect(next.deviceToken).toBeUndefined();
    expect(await me(next.accessToken)).toBe(200);
    const reused = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: first.body.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'UNAUTHENTICATED', message: /already used/ });
    expect(await me(next.accessToken)).toBe(401);
    expect(await me(first.body.accessToken)).toBe(401);
  });

  it('logs out one session at once, or every session of the user', async () => {
    const a = await login('nurse');
    const b = await login('nurse');
    expect(await me(a.body.accessToken)).toBe(200);
    expect((await post('/auth/logout', a.body.accessToken)).body).toEqual({ ended: 1 });
    expect(await me(a.body.accessToken)).toBe(401);
    const refresh = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: a.body.refreshToken });
    expect(refresh.status).toBe(401);
    expect(await me(b.body.accessToken)).toBe(200);
    const c = await login('nurse');
    expect((await post('/auth/logout-everywhere', b.body.accessToken)).body).toEqual({ ended: 2 });
    expect(await me(b.body.accessToken)).toBe(401);
    expect(await me(c.body.accessToken)).toBe(401);
    expect((await t.http().post('/auth/logout')).status).toBe(401);
  });

  it("lets an admin list users, end a user's sessions, disable and enable them", async () => {
    const doc = await login('doc');
    const list = await t.http().get('/identities').set('authorization', `Bearer ${admin}`);
    expect(list.status).toBe(200);
    expect((list.body as UserAccountView[]).find((user) => user.username === 'doc')).toMatchObject({
      role: 'clinician',
      activeSessions: 1,
    });
    const names = async (query: string): Promise<string[]> =>
      (
        (await t.http().get(`/identities${query}`).set('authorization', `Bearer ${admin}`))
          .body as UserAccountView[]
      ).map((user) => user.username);
    expect(await names('')).toEqual(['admin', 'doc', 'gone', 'locked', 'nurse']);
    expect(await names('?search=nu')).toEqual(['nurse']);
    expect(await names('?accounts=patients')).toEqual([]);
    expect(
      (await t.http().get('/identities?search=%25').set('authorization', `Bearer ${admin}`)).status,
    ).toBe(400);
    expect((await post('/identities/doc/end-sessions', admin)).body).toEqual({ ended: 1 });
    expect(await me(doc.body.accessToken)).toBe(401);

    const again = await login('doc');
    const disabled = await post('/identities/doc/disable', admin);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ username: 'doc', activeSessions: 0 });
    expect((disabled.body as UserAccountView).disabledAt).toMatch(/^\d{4}-/);
    expect(await me(again.body.accessToken)).toBe(401);
    const refused = await login('doc');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ message: /disabled/ });
    expect((await post('/identities/doc/enable', admin)).body).not.toHaveProperty('disabledAt');
    expect((await login('doc')).status).toBe(200);
  });

  it('refuses user administration to non-admins, for oneself and for unknown users', async () => {
    const nurse = (await login('nurse')).body.accessToken;
    for (const path of [
      '/identities/doc/disable',
      '/identities/doc/enable',
      '/identities/doc/end-sessions',
    ])
      expect((await post(path, nurse)).status, path).toBe(403);
    expect((await t.http().get('/identities').set('authorization', `Bearer ${nurse}`)).status).toBe(
      403,
    );
    const self = await post('/identities/admin/disable', admin);
    expect(self.status).toBe(422);
    expect(self.body).toMatchObject({ code: 'RULE_VIOLATION' });
    const unknown = await post('/identities/nobody/disable', admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect((await post('/identities/Bad%20Name/disable', admin)).status).toBe(400);
  });

  it("holds new devices off an account after wrong passwords, with Retry-After, not the user's own device", async () => {
    const known = await login('locked');
    const deviceToken = known.body.deviceToken;
    expect(deviceToken).toBeDefined();
    for (let i = 0; i < 3; i += 1)
      expect((await login('locked', 'wrong password!')).status).toBe(401);
    const held = await login('locked');
    expect(held.status).toBe(429);
    expect(held.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(held.retryAfter)).toBeGreaterThan(0);
    expect(Number(held.retryAfter)).toBeLessThanOrEqual(900);
    const mine = await login('locked', TEST_PASSWORD, deviceToken);
    expect(mine.status).toBe(200);
    // A device token of another account is an unknown device here.
    const other = await login('nurse');
    expect((await login('locked', TEST_PASSWORD, other.body.deviceToken)).status).toBe(429);
  });

  it('ends an open event stream when its session ends', async () => {
    const session = await login('gone');
    const stream = t
      .http()
      .get('/events')
      .set('authorization', `Bearer ${session.body.accessToken}`)
      .set('accept', 'text/event-stream')
      .buffer(true)
      .parse((response, done) => {
        response.on('data', () => undefined);
        response.on('end', () => {
          done(null, 'ended');
        });
      });
    const answered = stream.then((response) => response.status);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post('/identities/gone/disable', admin)).status).toBe(200);
    const started = Date.now();
    expect(await answered).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('sign-in limits per client address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { GATEWAY_LOGIN_RATE_LIMIT: '4' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the socket address, whatever X-Forwarded-For says, and sends Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 6; i += 1) {
      const response = await t
        .http()
        .post('/auth/login')
        .set('x-forwarded-for', `203.0.113.${i}`)
        .send({ username: 'someone', password: 'not the password' });
      statuses.push(response.status);
      retryAfter ??= response.headers['retry-after'];
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });
});
