import type { AccessToken, UserAccountView } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, uniqueName } from '../support/gateways.ts';

/**
 * Sessions and sign-in limits of a gateway against the real network (its organization's Fabric
 * CA and peer), reproducing what an attacker with network access found: unlimited password
 * guesses per account, tokens that nobody could end, and an event stream that outlived its token.
 * The gateway runs in this process (its own data directory, so its limits and sessions are this
 * file's alone), with a 30-second access token so that expiry can be watched.
 */

const ADMIN = { username: uniqueName('sessions-admin'), password: 'a long admin passphrase 7' };
const PASSWORD = 'a long clinician passphrase 9';
const TOKEN_TTL_SECONDS = 30;

/** Reads GET /events until the gateway ends the stream (or `timeoutMs`); when it ended. */
async function streamUntilEnd(
  base: string,
  token: string,
  options: Readonly<{ timeoutMs: number; lastEventId?: string; onOpen?: () => void }>,
): Promise<{ status: number; endedAfterMs: number; timedOut: boolean }> {
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, options.timeoutMs);
  try {
    const response = await fetch(`${base}/events`, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'text/event-stream',
        ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
      },
      signal: controller.signal,
    });
    if (!response.ok || response.body === null)
      return { status: response.status, endedAfterMs: Date.now() - started, timedOut: false };
    options.onOpen?.();
    try {
      const reader = response.body.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read());
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      return { status: response.status, endedAfterMs: Date.now() - started, timedOut: true };
    }
    return { status: response.status, endedAfterMs: Date.now() - started, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

describe('gateway sessions and sign-in limits (real network)', () => {
  let gateway: InProcessGateway;
  let api: GatewayApi;
  let admin: string;

  const login = (username: string, password: string, deviceToken?: string) =>
    api.post<AccessToken & { code?: string; message?: string }>('/auth/login', {
      body: { username, password, ...(deviceToken === undefined ? {} : { deviceToken }) },
    });
  const newClinician = async (): Promise<string> => {
    const username = uniqueName('sessions-doc');
    await api.createUser(admin, { username, password: PASSWORD, role: 'clinician' });
    return username;
  };

  beforeAll(async () => {
    gateway = await startGatewayInProcess('community', {
      env: {
        GATEWAY_EVENTS: 'off',
        GATEWAY_ADMIN_USERNAME: ADMIN.username,
        GATEWAY_ADMIN_PASSWORD: ADMIN.password,
        GATEWAY_JWT_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
        // This file guesses passwords by the hundred from one address: the per-account limit
        // is under test here; the per-address one has its own test (gateway unit specs).
        GATEWAY_LOGIN_RATE_LIMIT: '10000',
      },
    });
    api = new GatewayApi(gateway.base);
    admin = await api.login(ADMIN.username, ADMIN.password);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('no longer lets 150 wrong passwords be followed by the right one, except from the user’s own device', async () => {
    const username = await newClinician();
    const known = await login(username, PASSWORD);
    expect(known.status).toBe(200);
    const deviceToken = known.body.deviceToken;
    const started = Date.now();
    const guesses: number[] = [];
    for (let round = 0; round < 15; round += 1)
      guesses.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const response = await login(username, `wrong guess ${String(round * 10 + i)}`);
            return response.status;
          }),
        )),
      );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(guesses.filter((status) => status === 401).length).toBeLessThanOrEqual(10);
    expect(guesses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(140);
    const right = await login(username, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(right.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    const mine = await login(username, PASSWORD, deviceToken);
    expect(mine.status).toBe(200);
  });

  it('ends a session at logout, and every session and sign-in of a disabled user, at once', async () => {
    const username = await newClinician();
    const first = await login(username, PASSWORD);
    const second = await login(username, PASSWORD);
    expect((await api.get('/identities/me', first.body.accessToken)).status).toBe(200);
    const out = await api.post('/auth/logout', { token: first.body.accessToken });
    expect(out.body).toEqual({ ended: 1 });
    expect((await api.get('/identities/me', first.body.accessToken)).status).toBe(401);
    const refreshed = await api.post('/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(refreshed.status).toBe(401);
    expect((await api.get('/identities/me', second.body.accessToken)).status).toBe(200);

    const disabled = await api.post<UserAccountView>(`/identities/${username}/disable`, {
      token: admin,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabledAt).toBeDefined();
    // The ledger call is refused before it is made: the gateway no longer acts for the user.
    const request = await api.post('/access-requests', {
      token: second.body.accessToken,
      body: { patientId: 'pid-abcdefghijklmnop', purpose: 'treatment', categories: ['lab'] },
    });
    expect(request.status).toBe(401);
    expect((await login(username, PASSWORD)).status).toBe(401);
    const listed = await api.get<UserAccountView[]>('/identities', admin);
    expect(listed.body.find((user) => user.username === username)).toMatchObject({
      activeSessions: 0,
    });
  });

  it('ends an event stream when its token expires; the client resumes with a refreshed token', async () => {
    const username = await newClinician();
    const session = await login(username, PASSWORD);
    expect(session.body.expiresIn).toBe(TOKEN_TTL_SECONDS);
    const stream = await streamUntilEnd(gateway.base, session.body.accessToken, {
      timeoutMs: (TOKEN_TTL_SECONDS + 15) * 1000,
    });
    expect(stream.status).toBe(200);
    expect(stream.timedOut).toBe(false);
    expect(stream.endedAfterMs).toBeLessThanOrEqual((TOKEN_TTL_SECONDS + 2) * 1000);
    // Timers may fire a millisecond early; the token's expiry is a whole second (JWT `exp`).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Plain fetch: the test client would refresh an expired token by itself.
    const stale = await fetch(`${gateway.base}/identities/me`, {
      headers: { authorization: `Bearer ${session.body.accessToken}` },
    });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });
    const refreshed = await api.post<AccessToken>('/auth/refresh', {
      body: { refreshToken: session.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    let opened = false;
    const resumed = streamUntilEnd(gateway.base, refreshed.body.accessToken, {
      timeoutMs: 5_000,
      lastEventId: '0',
      onOpen: () => {
        opened = true;
      },
    });
    const result = await resumed;
    expect(opened).toBe(true);
    expect(result).toMatchObject({ status: 200, timedOut: true });
  }, 90_000);

  it('ends an open event stream when its session is ended by an admin', async () => {
    const username = await newClinician();
    const session = await login(username, PASSWORD);
    const stream = streamUntilEnd(gateway.base, session.body.accessToken, {
      timeoutMs: 20_000,
      onOpen: () => {
        setTimeout(() => {
          void api.post(`/identities/${username}/end-sessions`, { token: admin });
        }, 500);
      },
    });
    const result = await stream;
    expect(result).toMatchObject({ status: 200, timedOut: false });
    expect(result.endedAfterMs).toBeLessThan(5_000);
  });
});
