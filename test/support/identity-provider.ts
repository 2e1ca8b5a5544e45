import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { startGatewayInProcess, type InProcessGateway } from './gateway-app.ts';

/** A user of the test's identity provider; `role` is the `consent_ledger_role` claim (absent: none). */
export interface IdpAccount {
  role?: string | string[];
  /** Disabled (or deleted) at the provider: it no longer vouches for the user. */
  disabled?: boolean;
}

/**
 * A real OpenID Connect provider (panva's oidc-provider, OpenID Certified) on 127.0.0.1, as an
 * organization's identity provider: its users are the test's `accounts` (sub to account); its
 * sign-in and consent pages are the library's own (development interactions: any password).
 */
export interface TestIdentityProvider {
  /** The issuer (`http://127.0.0.1:PORT`), known before the provider is configured. */
  readonly issuer: string;
  readonly accounts: Map<string, IdpAccount>;
  /** Configures the provider with its clients (once the gateway's callback URL is known). */
  configure(clients: readonly ClientMetadata[]): Promise<void>;
  close(): Promise<void>;
}

/** The claim the tests' provider puts the role in. */
export const ROLE_CLAIM = 'consent_ledger_role';

/** Starts a provider's HTTP server on an ephemeral port (503 until {@link TestIdentityProvider.configure}). */
export async function startIdentityProvider(): Promise<TestIdentityProvider> {
  let handler: RequestListener | undefined;
  const server: Server = createServer((request, response) => {
    if (handler === undefined) {
      response.writeHead(503).end();
      return;
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const accounts = new Map<string, IdpAccount>();
  return {
    issuer,
    accounts,
    configure: async (clients) => {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
      const provider = new Provider(issuer, {
        clients: [...clients],
        jwks: { keys: [jwk] },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        claims: { openid: ['sub', ROLE_CLAIM] },
        // The role claim in the ID token itself, as hospital providers are set up to send it.
        conformIdTokenClaims: false,
        // A refresh token to every client allowed the grant (no offline_access needed).
        issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
        findAccount: (_ctx, sub) => {
          const account = accounts.get(sub);
          if (account === undefined || account.disabled === true) return undefined;
          return {
            accountId: sub,
            claims: () => ({
              sub,
              ...(account.role === undefined ? {} : { [ROLE_CLAIM]: account.role }),
            }),
          };
        },
      });
      const listener = provider.callback();
      handler = (request, response) => {
        void listener(request, response);
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      }),
  };
}

/** Cookies by name, per origin: just enough for the provider's and the gateway's redirects. */
export class CookieJar {
  readonly #byOrigin = new Map<string, Map<string, string>>();

  /** The Cookie header for a URL. */
  header(url: string): string {
    const cookies = this.#byOrigin.get(new URL(url).origin) ?? new Map<string, string>();
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Takes the Set-Cookie headers of an answer from `url`. */
  take(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const cookies = this.#byOrigin.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.#byOrigin.set(origin, cookies);
  }
}

/** One request with the jar's cookies, redirects not followed. */
export async function send(
  jar: CookieJar,
  url: string,
  init: Readonly<{ method?: string; form?: Record<string, string> }> = {},
): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      ...(cookie === '' ? {} : { cookie }),
      ...(init.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
    signal: AbortSignal.timeout(30_000),
  });
  jar.take(url, response);
  return response;
}

/**
 * Walks a browser through a provider's sign-in from its authorization URL: follows its
 * redirects, fills its sign-in form as `login` and confirms its consent form, until it redirects
 * to `until` (the relying party's callback); answers that callback URL.
 */
export async function signInAtProvider(
  jar: CookieJar,
  authorizationUrl: string,
  options: Readonly<{ login: string; until: string }>,
): Promise<string> {
  let url = authorizationUrl;
  for (let step = 0; step < 20; step += 1) {
    if (url.startsWith(options.until)) return url;
    const response = await send(jar, url);
    const location = response.headers.get('location');
    if (location !== null) {
      url = new URL(location, url).href;
      continue;
    }
    const page = await response.text();
    if (response.status !== 200)
      throw new Error(`the provider answered ${String(response.status)}: ${page}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (action === undefined)
      throw new Error(`no form on the provider's page: ${page.slice(0, 500)}`);
    const form: Record<string, string> = page.includes('name="login"')
      ? { prompt: 'login', login: options.login, password: 'any password' }
      : { prompt: 'consent' };
    const submitted = await send(jar, new URL(action, url).href, { method: 'POST', form });
    const next = submitted.headers.get('location');
    if (next === null)
      throw new Error(
        `the provider's form answered ${String(submitted.status)}: ${await submitted.text()}`,
      );
    url = new URL(next, url).href;
  }
  throw new Error('the provider never redirected back');
}

/** A TCP port free on 127.0.0.1 now (for a gateway whose callback URL must be known first). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** The gateway's callback path, registered at the provider. */
export const OIDC_CALLBACK = '/auth/oidc/callback';

/**
 * The tertiary hospital's gateway, in this process, trusting `idp` as its identity provider with
 * `client`'s credentials, on a known port (the callback is registered at the provider); and the
 * client's registration at the provider for that callback, to pass to `idp.configure`.
 */
export async function startGatewayTrusting(
  idp: TestIdentityProvider,
  client: Readonly<{ client_id: string; client_secret: string }>,
): Promise<{ gateway: InProcessGateway; registration: ClientMetadata }> {
  const gateway = await startGatewayInProcess('tertiary', {
    env: {
      GATEWAY_EVENTS: 'off',
      GATEWAY_PORT: String(await freePort()),
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: client.client_id,
      OIDC_CLIENT_SECRET: client.client_secret,
      OIDC_ROLE_CLAIM: ROLE_CLAIM,
      OIDC_DISPLAY_NAME: 'Tertiary Hospital',
    },
  });
  return {
    gateway,
    registration: {
      ...client,
      redirect_uris: [`${gateway.base}${OIDC_CALLBACK}`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  };
}
