import type {
  AccessToken,
  GuardianActivationRequest,
  IdentityView,
  LedgerInfo,
  OpenStatistics,
  PatientActivationRequest,
  SignInProviders,
} from '@consent-ledger/ledger-api';

/** The tokens a client holds: the short-lived access token and its session's refresh token. */
export type SessionTokens = Pick<AccessToken, 'accessToken' | 'refreshToken'>;
import type { LedgerEvent, LedgerEventData } from './api.types.ts';
import { t } from './i18n/i18n.ts';
import { wordOf } from './i18n/words.ts';

/** A refusal or failure of the gateway, with its `{statusCode, code, message}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.code = code;
  }
}

/** Query parameters; undefined and empty values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The gateway's REST API as one logged-in user (the bearer token never goes into a URL). The
 * access token lives minutes: a request refused with 401 refreshes it once with the session's
 * refresh token (one refresh at a time) and is sent again.
 */
export interface ApiClient {
  /** The current tokens (they change at every refresh). */
  readonly tokens: SessionTokens;
  /** Ends the session at the gateway (POST /auth/logout); never throws. */
  logout(): Promise<void>;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** A file answer (exports, evidence bundles) as a Blob. */
  download(path: string, query?: Query): Promise<Blob>;
  /**
   * Reads GET /events (server-sent events) with fetch, so that the bearer header can be sent
   * (EventSource cannot); calls `onEvent` for each event until `signal` aborts. Reconnects after
   * a dropped stream with Last-Event-ID.
   */
  streamEvents(onEvent: (event: LedgerEvent) => void, signal: AbortSignal): Promise<void>;
}

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string' && typeof body.message === 'string')
      return new ApiError(response.status, body.code, body.message);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, 'HTTP_ERROR', `The gateway answered ${response.status}.`);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The gateway cannot be reached. Check your connection.', {
      cause: error,
    });
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** The tab's session tokens (access and refresh), kept for a reload of the page. */
const TOKENS_KEY = 'consent-ledger.tokens';

/** The kept tokens, or undefined (none, or unreadable). */
export function keptTokens(): SessionTokens | undefined {
  try {
    const kept = JSON.parse(sessionStorage.getItem(TOKENS_KEY) ?? 'null') as unknown;
    if (typeof kept !== 'object' || kept === null) return undefined;
    const { accessToken, refreshToken } = kept as Record<string, unknown>;
    return typeof accessToken === 'string' && typeof refreshToken === 'string'
      ? { accessToken, refreshToken }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the tokens for a reload (the API client calls this after every refresh). */
export function keepTokens(tokens: SessionTokens): void {
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
}

/** Forgets the kept tokens (sign-out). */
export function forgetTokens(): void {
  sessionStorage.removeItem(TOKENS_KEY);
}

/** Where this browser keeps the device token of each account it signed in to. */
const deviceTokenKey = (username: string): string => `consent-ledger.device.${username}`;

/**
 * Exchanges a username and password for tokens (POST /auth/login), with the device token of an
 * earlier sign-in to the account from this browser (so that others' wrong guesses do not lock
 * it out), and keeps the new device token.
 */
export async function login(username: string, password: string): Promise<AccessToken> {
  const deviceToken = localStorage.getItem(deviceTokenKey(username)) ?? undefined;
  const response = await send('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username,
      password,
      ...(deviceToken === undefined ? {} : { deviceToken }),
    }),
  });
  const tokens = (await response.json()) as AccessToken;
  if (tokens.deviceToken !== undefined)
    localStorage.setItem(deviceTokenKey(username), tokens.deviceToken);
  return tokens;
}

/**
 * The sign-in methods the gateway offers (GET /auth/providers); username and password only when
 * it cannot say.
 */
export async function signInProviders(): Promise<SignInProviders> {
  try {
    const response = await send('/auth/providers', { headers: { accept: 'application/json' } });
    return (await response.json()) as SignInProviders;
  } catch {
    return { local: true };
  }
}

/** Where the gateway's identity provider sign-in returns its one-time code: `#signin=CODE`. */
const HANDOFF_PREFIX = '#signin=';

/**
 * The one-time code of an identity provider's sign-in this page was opened with, taken out of the
 * address (so that it is neither kept in the history nor used twice); undefined when none.
 */
export function takeSignInHandoff(): string | undefined {
  if (!location.hash.startsWith(HANDOFF_PREFIX)) return undefined;
  const handoff = location.hash.slice(HANDOFF_PREFIX.length);
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return handoff === '' ? undefined : handoff;
}

/** Where the gateway's identity provider sign-in returns a refusal: `#signin-refused=CODE`. */
const REFUSAL_PREFIX = '#signin-refused=';

/**
 * The refusal of an identity provider's sign-in this page was opened with, in words (the gateway
 * sends only its code), taken out of the address; undefined when none.
 */
export function takeSignInRefusal(): string | undefined {
  if (!location.hash.startsWith(REFUSAL_PREFIX)) return undefined;
  const code = location.hash.slice(REFUSAL_PREFIX.length);
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return wordOf('error', code) ?? t('error.INTERNAL');
}

/** Exchanges an identity provider sign-in's one-time code for the session's tokens. */
export async function collectSignIn(handoff: string): Promise<AccessToken> {
  const response = await send('/auth/oidc/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handoff }),
  });
  return (await response.json()) as AccessToken;
}

/** What this gateway's ledger is: channel, chaincode, organization (GET /ledger, no token). */
export async function ledgerInfo(): Promise<LedgerInfo> {
  const response = await send('/ledger', { headers: { accept: 'application/json' } });
  return (await response.json()) as LedgerInfo;
}

/**
 * Open statistics for residents (GET /open/statistics, no token): access events by day, city and
 * purpose over whole UTC days `from`..`to`, small counts suppressed (the government's gateway).
 */
export async function openStatistics(from: string, to: string): Promise<OpenStatistics> {
  const query = new URLSearchParams({ from, to }).toString();
  const response = await send(`/open/statistics?${query}`, {
    headers: { accept: 'application/json' },
  });
  return (await response.json()) as OpenStatistics;
}

/**
 * A first sign-in with an enrolment code (no token): the patient's (POST /patients/activate) or a
 * guardian's (POST /guardians/activate), with the statement signed by the new key; answers a token.
 */
export async function activate(
  request:
    | { readonly as: 'patient'; readonly body: PatientActivationRequest }
    | { readonly as: 'guardian'; readonly body: GuardianActivationRequest },
): Promise<AccessToken> {
  const response = await send(
    request.as === 'patient' ? '/patients/activate' : '/guardians/activate',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
    },
  );
  return (await response.json()) as AccessToken;
}

/** Splits a server-sent-events buffer into complete blocks and the rest. */
export function parseEventBlocks(buffer: string): { blocks: string[]; rest: string } {
  const parts = buffer.replaceAll('\r\n', '\n').split('\n\n');
  const rest = parts.pop() ?? '';
  return { blocks: parts, rest };
}

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Told the new tokens after every refresh (to keep them for a reload). */
  readonly onTokens?: (tokens: SessionTokens) => void;
}

/** A client of the gateway that served the page, as the user of `tokens`. */
export function createApiClient(
  initial: SessionTokens,
  options: Readonly<ApiClientOptions> = {},
): ApiClient {
  let tokens: SessionTokens = {
    accessToken: initial.accessToken,
    refreshToken: initial.refreshToken,
  };
  let refreshing: Promise<boolean> | undefined;
  /** Refreshes the tokens once for every caller that saw `stale` refused; false when the session ended. */
  const refresh = (stale: string): Promise<boolean> => {
    if (tokens.accessToken !== stale) return Promise.resolve(true);
    refreshing ??= (async () => {
      try {
        const response = await send('/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: tokens.refreshToken }),
        });
        const next = (await response.json()) as AccessToken;
        tokens = { accessToken: next.accessToken, refreshToken: next.refreshToken };
        options.onTokens?.(tokens);
        return true;
      } catch {
        return false;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };
  /** Sends with the current access token; after a 401, refreshes and sends once more. */
  const authorized = async (
    path: string,
    init: Omit<RequestInit, 'headers'> & { readonly headers?: Record<string, string> },
  ): Promise<Response> => {
    const attempt = (): Promise<Response> =>
      send(path, {
        ...init,
        headers: { authorization: `Bearer ${tokens.accessToken}`, ...init.headers },
      });
    const used = tokens.accessToken;
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401) || !(await refresh(used)))
        throw error;
      return attempt();
    }
  };
  return {
    get tokens() {
      return tokens;
    },
    async logout(): Promise<void> {
      await send('/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      }).catch(() => undefined);
    },
    async get<T>(path: string, query?: Query): Promise<T> {
      const response = await authorized(url(path, query), {});
      return (await response.json()) as T;
    },
    async post<T>(path: string, body?: unknown): Promise<T> {
      const response = await authorized(path, {
        method: 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as T;
    },
    async download(path: string, query?: Query): Promise<Blob> {
      const response = await authorized(url(path, query), {});
      return response.blob();
    },
    async streamEvents(onEvent, signal): Promise<void> {
      let lastEventId: string | undefined;
      // A function, so that the compiler does not narrow `signal.aborted` across awaits.
      const aborted = (): boolean => signal.aborted;
      while (!aborted()) {
        let streamed = false;
        try {
          // The gateway ends the stream when the access token expires: the next round refreshes
          // it (authorized) and resumes after the last event seen.
          const response = await authorized('/events', {
            headers: {
              accept: 'text/event-stream',
              ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
            },
            signal,
          });
          if (response.body === null) return;
          streamed = true;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            const { blocks, rest } = parseEventBlocks(buffer + value);
            buffer = rest;
            for (const block of blocks) {
              let id: string | undefined;
              const data: string[] = [];
              for (const line of block.split('\n')) {
                if (line.startsWith('id:')) id = line.slice(3).trim();
                else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
              }
              if (data.length === 0) continue;
              if (id !== undefined) lastEventId = id;
              onEvent({
                id: id ?? '',
                ...(JSON.parse(data.join('\n')) as LedgerEventData),
              });
            }
          }
        } catch (error) {
          if (aborted()) return;
          if (error instanceof ApiError && error.status === 401) throw error;
        }
        // The stream ended (its token expired) or dropped: resume at once, or shortly after an error.
        if (!streamed) await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    },
  };
}

/** The logged-in user (GET /identities/me). */
export function whoAmI(api: ApiClient): Promise<IdentityView> {
  return api.get<IdentityView>('/identities/me');
}

/** A readable message of any error. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return wordOf('error', error.code) ?? t('error.INTERNAL');
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An error's technical detail (code and the gateway's own text), for a technical-details fold. */
export function detailOf(error: unknown): string | undefined {
  return error instanceof ApiError ? `${error.code}: ${error.message}` : undefined;
}
