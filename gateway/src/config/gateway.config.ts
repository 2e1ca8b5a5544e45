import { existsSync, readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROLES, type Role } from '@consent-ledger/ledger-api';
import { z } from 'zod';

/** The web app's build (web/dist), relative to this file in gateway/src or gateway/dist. */
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** An optional secret; an empty variable counts as unset. */
const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** The names Express's `trust proxy` (proxy-addr) takes for address ranges. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether an entry of GATEWAY_TRUSTED_PROXIES is a range name, an address or a CIDR block. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** The roles an identity provider may give: staff roles (patients hold their own keys). */
const STAFF_ROLES = ROLES.filter((role) => role !== 'patient');

/** An http(s) URL with no credentials, query or fragment. */
const plainUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((value) => {
    // Not a URL at all: the check above says so.
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  }, 'must have no query, fragment or credentials');

/** The entries of OIDC_ROLE_MAP (`value=role`, comma-separated), trimmed, empty ones skipped. */
const roleMapEntries = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((entry) => entry !== '');

/** One `value=role` entry of OIDC_ROLE_MAP; undefined unless the role is a staff role. */
function roleMapEntry(entry: string): [string, Role] | undefined {
  const [from = '', to = '', extra] = entry.split('=').map((part) => part.trim());
  const role = STAFF_ROLES.find((staffRole) => staffRole === to);
  return from === '' || extra !== undefined || role === undefined ? undefined : [from, role];
}

/**
 * OIDC_ROLE_MAP as given (undefined when it has no entries), each entry checked; the map itself is
 * OidcSettings.roleMap.
 */
const roleMap = z
  .string()
  .optional()
  .transform((value) =>
    value === undefined || roleMapEntries(value).length === 0 ? undefined : value,
  )
  .superRefine((value, context) => {
    const refused = roleMapEntries(value ?? '').find((entry) => roleMapEntry(entry) === undefined);
    if (refused !== undefined)
      context.addIssue({
        code: 'custom',
        message: `"${refused}" is not value=role with a role of ${STAFF_ROLES.join(', ')}`,
      });
  });

const schema = z.object({
  GATEWAY_ORG: z.string().min(1),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535),
  CONNECTION_PROFILE: z.string().min(1),
  GATEWAY_DATA_DIR: z.string().min(1),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Base64 (44 chars) or hex (64 chars) AES-256 key of the wallet; a generated file in development. */
  GATEWAY_WALLET_KEY: optionalSecret,
  /** HMAC secret of the access tokens (at least 32 characters); a generated file in development. */
  GATEWAY_JWT_SECRET: optionalSecret,
  /** Lifetime of an access token; a client refreshes it with its session's refresh token. */
  GATEWAY_JWT_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(300),
  /** A sign-in session's absolute lifetime (a clinical shift and some): then sign in again. */
  GATEWAY_SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(7 * 86_400)
    .default(43_200),
  /** The longest pause between two refreshes before a session ends. */
  GATEWAY_SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
  GATEWAY_ADMIN_USERNAME: z.string().min(1).optional(),
  /**
   * The bootstrap admin's password: required in production; elsewhere, when unset, generated once
   * into the data directory (secrets/admin.password, 0600). It must pass the password policy.
   */
  GATEWAY_ADMIN_PASSWORD: optionalSecret,
  /**
   * Minimum length of a new password, in characters (NIST SP 800-63B-4: 15 for a password used
   * alone; 8 only where a second factor is required). gateway/README.md says why.
   */
  GATEWAY_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(15),
  /**
   * Requests a second served to each caller (a signed-in user, else a client address); more wait
   * their turn (up to 2 s, 200 at a time), then 429. 0 turns the limit off.
   */
  GATEWAY_REQUEST_RATE_LIMIT: z.coerce.number().int().min(0).max(100_000).default(50),
  /**
   * How long an idle client connection stays open, in seconds. Longer than the idle timeout of the
   * proxy in front (nginx and most load balancers: 60 s), so that the gateway never closes a
   * connection the proxy is reusing at that moment (the request on it would be reset). Node's
   * own default is 5 s.
   */
  GATEWAY_KEEP_ALIVE_SECONDS: z.coerce.number().int().min(1).max(600).default(65),
  /** Failed sign-ins (login, refresh, activation) allowed per client address and minute. */
  GATEWAY_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /**
   * Wrong passwords for one account, from devices that never signed in to it, before such devices
   * are held off the account for GATEWAY_LOGIN_LOCKOUT_SECONDS; a device that signed in before
   * (its device token) has its own count, so nobody else's guesses lock it out.
   */
  GATEWAY_LOGIN_ACCOUNT_FAILURES: z.coerce.number().int().min(3).max(100).default(10),
  GATEWAY_LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  /** Deadlines of the gRPC calls to the peer, in milliseconds. */
  LEDGER_EVALUATE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  LEDGER_ENDORSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  LEDGER_SUBMIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  LEDGER_COMMIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * How long a request that sends `Ledger-Min-Block` waits for the organization's peer to commit
   * that block before it is answered 503 (ledger/ledger-position.ts).
   */
  LEDGER_MIN_BLOCK_WAIT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Attempts of a write that failed on an MVCC or phantom read conflict (first try included). */
  LEDGER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  /** The chaincode's endorsement policy (any N organizations), stated in evidence bundles. */
  LEDGER_ENDORSEMENT_OUT_OF: z.coerce.number().int().min(1).default(2),
  /**
   * The age from which a patient registered with a birth date acts alone and a guardian's say
   * ends (`adultFrom`). 14 by default: PIPL art. 31 asks a guardian's consent for the personal
   * information of a child under 14; a region that wants the civil majority sets 18.
   */
  PATIENT_ADULT_AGE: z.coerce.number().int().min(14).max(21).default(14),
  /**
   * The gateway's public base URL (scheme, host, port, optional path), the one source of every
   * absolute link it emits (FHIR links, `Location`); the Host header is never used.
   * Default: http://GATEWAY_HOST:GATEWAY_PORT.
   */
  GATEWAY_PUBLIC_URL: plainUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  /**
   * Proxies whose X-Forwarded-For the gateway believes for the client's address (`request.ip`):
   * a comma-separated list of addresses, CIDR blocks or `loopback`, `linklocal`, `uniquelocal`.
   * Empty (the default): no proxy is trusted, `request.ip` is the peer's address.
   */
  GATEWAY_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .refine(
      (entries) => entries.every(isProxyEntry),
      'must list addresses, CIDR blocks, loopback, linklocal or uniquelocal',
    ),
  /**
   * Bearer token a Prometheus scraper sends to GET /metrics (at least 32 characters). Unset:
   * /metrics answers 404.
   */
  GATEWAY_METRICS_TOKEN: optionalSecret.refine(
    (value) => value === undefined || value.length >= 32,
    'must be at least 32 characters',
  ),
  /** OpenAPI at /docs and /docs-json: on by default in development and test, off in production. */
  GATEWAY_DOCS: z.enum(['on', 'off']).optional(),
  /**
   * The organization's Fabric admin MSP folder (signcerts/cert.pem, one key in keystore/), in the
   * organization's own workspace: with it the gateway publishes the organization's CRL to the
   * channel configuration when an admin disables a user (docs/governance.md, "People leave").
   * Unset: the user's certificate is still revoked at the CA, the CRL is not published.
   */
  GATEWAY_FABRIC_ADMIN_MSP: optionalSecret.refine(
    (dir) =>
      dir === undefined ||
      (existsSync(path.join(dir, 'signcerts', 'cert.pem')) &&
        existsSync(path.join(dir, 'keystore')) &&
        readdirSync(path.join(dir, 'keystore')).length === 1),
    'must be an MSP folder with signcerts/cert.pem and one key in keystore/',
  ),
  /** The channel's orderers (`host:port,...`), to send the CRL update to; with the admin MSP. */
  GATEWAY_ORDERERS: optionalSecret.refine(
    (list) =>
      list === undefined || list.split(',').every((entry) => /^[^\s:,]+:\d{1,5}$/.test(entry)),
    'must be host:port entries separated by commas',
  ),
  /** The CA certificate (PEM file) the orderers' TLS certificates chain to. */
  GATEWAY_ORDERER_TLS_CA: optionalSecret.refine(
    (file) => file === undefined || existsSync(file),
    'must be an existing PEM file',
  ),
  /** Readiness probe's deadline, in milliseconds. */
  READY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * Listen to the ledger's blocks with private data for the live events (off only in tests that do
   * not want a listener).
   */
  GATEWAY_EVENTS: z.enum(['on', 'off']).default('on'),
  /**
   * Days before a consent ends that its patient's inbox warns of it (the patient's home gateway;
   * the inbox is fed by the block listener, so GATEWAY_EVENTS=off leaves it empty).
   */
  INBOX_EXPIRY_WARN_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** Days a read inbox item is kept after it was read; unread items are kept until read. */
  INBOX_KEEP_READ_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /**
   * An OpenID Connect issuer the gateway trusts for staff sign-in besides its local accounts
   * (the organization's identity provider); unset: local accounts only. Its metadata is discovered
   * at `/.well-known/openid-configuration`. https in production.
   */
  OIDC_ISSUER: plainUrl.optional(),
  /** The gateway's client (a confidential client) at the issuer; required with OIDC_ISSUER. */
  OIDC_CLIENT_ID: z.string().min(1).max(256).optional(),
  OIDC_CLIENT_SECRET: optionalSecret,
  /** The issuer's JWK Set, when it is not the discovered `jwks_uri`. */
  OIDC_JWKS_URI: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The ID token claim that carries the user's role (a string, or an array of one). */
  OIDC_ROLE_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,128}$/, 'must be a claim name')
    .default('consent_ledger_role'),
  /**
   * How the claim's values map to roles (`value=role,...`), e.g. `doctor=clinician,it=admin`.
   * Unset: the value must be a role's own name. Any other value is refused (403).
   */
  OIDC_ROLE_MAP: roleMap,
  /** Scopes asked at sign-in (`openid` always). */
  OIDC_SCOPES: z
    .string()
    .regex(
      /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/,
      'must be space-separated scopes',
    )
    .default('openid'),
  /** The callback registered at the issuer; default GATEWAY_PUBLIC_URL + /auth/oidc/callback. */
  OIDC_REDIRECT_URI: plainUrl.optional(),
  /** The identity provider's name on the sign-in page ("Sign in with ..."). */
  OIDC_DISPLAY_NAME: z.string().min(1).max(80).optional(),
  /** Directory of the web app's static files served at /app/ (absent: /app answers 404). */
  WEB_ROOT: z
    .string()
    .min(1)
    .default(DEFAULT_WEB_ROOT)
    .transform((root) => path.resolve(root)),
});

/** The trusted OpenID Connect issuer, when configured (see gateway/README.md, "Staff sign-in"). */
export interface OidcSettings {
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly jwksUri?: URL;
  readonly roleClaim: string;
  /** Claim value to role; empty: a value must be a role's own name. */
  readonly roleMap: ReadonlyMap<string, Role>;
  readonly scopes: readonly string[];
  readonly redirectUri: URL;
  readonly displayName: string;
}

const OIDC_VARIABLES = [
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_JWKS_URI',
  'OIDC_ROLE_MAP',
  'OIDC_REDIRECT_URI',
  'OIDC_DISPLAY_NAME',
] as const;

/** The schema with the defaults that depend on other variables filled in. */
const withDefaults = schema
  .refine(
    (config) => {
      const set = [
        config.GATEWAY_FABRIC_ADMIN_MSP,
        config.GATEWAY_ORDERERS,
        config.GATEWAY_ORDERER_TLS_CA,
      ].map((value) => value !== undefined);
      return set.every(Boolean) || !set.some(Boolean);
    },
    {
      message:
        'GATEWAY_FABRIC_ADMIN_MSP, GATEWAY_ORDERERS and GATEWAY_ORDERER_TLS_CA go together: set all three or none',
      path: ['GATEWAY_FABRIC_ADMIN_MSP'],
    },
  )
  .superRefine((config, context) => {
    if (config.OIDC_ISSUER === undefined) {
      for (const name of OIDC_VARIABLES)
        if (config[name] !== undefined)
          context.addIssue({ code: 'custom', path: [name], message: `${name} needs OIDC_ISSUER` });
      return;
    }
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const)
      if (config[name] === undefined)
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} is required with OIDC_ISSUER`,
        });
    if (config.NODE_ENV === 'production')
      for (const name of ['OIDC_ISSUER', 'OIDC_JWKS_URI', 'OIDC_REDIRECT_URI'] as const)
        if (config[name]?.startsWith('http:') === true)
          context.addIssue({
            code: 'custom',
            path: [name],
            message: `${name} must be https in production`,
          });
  })
  .transform((config) => {
    const publicUrl =
      config.GATEWAY_PUBLIC_URL ??
      `http://${isIP(config.GATEWAY_HOST) === 6 ? `[${config.GATEWAY_HOST}]` : config.GATEWAY_HOST}:${String(config.GATEWAY_PORT)}`;
    return {
      ...config,
      GATEWAY_PUBLIC_URL: publicUrl,
      GATEWAY_DOCS: config.GATEWAY_DOCS ?? (config.NODE_ENV === 'production' ? 'off' : 'on'),
      OIDC: oidcSettings(config, publicUrl),
    };
  });

function oidcSettings(config: z.infer<typeof schema>, publicUrl: string): OidcSettings | undefined {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: secret } = config;
  if (issuer === undefined || clientId === undefined || secret === undefined) return undefined;
  const scopes = new Set(['openid', ...config.OIDC_SCOPES.split(' ')]);
  return {
    issuer: new URL(issuer),
    clientId,
    clientSecret: secret,
    ...(config.OIDC_JWKS_URI === undefined ? {} : { jwksUri: new URL(config.OIDC_JWKS_URI) }),
    roleClaim: config.OIDC_ROLE_CLAIM,
    roleMap: new Map(
      roleMapEntries(config.OIDC_ROLE_MAP ?? '').flatMap((entry) => {
        const pair = roleMapEntry(entry);
        return pair === undefined ? [] : [pair];
      }),
    ),
    scopes: [...scopes],
    redirectUri: new URL(config.OIDC_REDIRECT_URI ?? `${publicUrl}/auth/oidc/callback`),
    displayName: config.OIDC_DISPLAY_NAME ?? new URL(issuer).host,
  };
}

/** The gateway's configuration, read from the environment and validated at boot. */
export type GatewayConfig = Readonly<z.infer<typeof withDefaults>>;

/** Reads and validates the configuration; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = withDefaults.safeParse(env);
  if (!result.success)
    throw new Error(`Invalid gateway configuration:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Injection token of the {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
