/** A small fetch-based client of one organization's REST gateway. */
import {
  createLedgerBlockTracker,
  createSessionKeeper,
  isTokenExpired,
  type AccessToken,
} from '@consent-ledger/ledger-api';

/** A gateway's JSON answer. */
export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** Options of one request. */
export interface ApiRequest {
  readonly token?: string;
  readonly body?: unknown;
}

/** An answer with a status the caller did not expect. */
export class GatewayCallError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(
    options: Readonly<{ what: string; status: number; code: string; message: string }>,
    cause?: unknown,
  ) {
    super(`${options.what}: ${String(options.status)} ${options.code} ${options.message}`, {
      cause,
    });
    this.name = 'GatewayCallError';
    this.code = options.code;
    this.status = options.status;
  }
}

/** The client of one organization's gateway. */
export interface GatewayClient {
  /** Base URL, e.g. http://127.0.0.1:4003. */
  readonly base: string;
  /** Any request; answers whatever status the gateway gives. */
  request<T>(method: string, path: string, options?: ApiRequest): Promise<ApiResponse<T>>;
  /** A request that must answer `expected` (default 200/201); throws GatewayCallError otherwise. */
  call<T>(
    method: string,
    path: string,
    options?: ApiRequest & Readonly<{ expected?: readonly number[] }>,
  ): Promise<T>;
  /** Logs in; answers the access token. */
  login(username: string, password: string): Promise<string>;
}

/** The error fields of a gateway answer, whatever its shape. */
export function errorOf(body: unknown): { code: string; message: string } {
  if (typeof body === 'object' && body !== null) {
    const { code, message } = body as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : JSON.stringify(body),
    };
  }
  return { code: 'UNKNOWN', message: String(body) };
}

/**
 * The highest block a write of this process was committed in (the gateways' `Ledger-Block`). Every
 * client sends it as `Ledger-Min-Block`: a story moves from one organization's gateway to another's
 * faster than a block travels between their peers, and each gateway then answers from a peer that
 * has the story's last write (gateway README, "API"). One story at a time runs in a process, so
 * its clients share it.
 */
const blocks = createLedgerBlockTracker();

/** A client of the gateway at `base`; each request times out after `timeoutMs`. */
export function createGatewayClient(base: string, timeoutMs = 120_000): GatewayClient {
  const keeper = createSessionKeeper();
  const request = async <T>(
    method: string,
    path: string,
    options: ApiRequest = {},
  ): Promise<ApiResponse<T>> => {
    const first = await send<T>(method, path, options);
    const handle = options.token;
    // An access token lives minutes; a scenario may run longer: refresh it and try again.
    if (
      handle !== undefined &&
      isTokenExpired(first.status, first.body) &&
      (await keeper.renew(handle, async (refreshToken) => {
        const answer = await send<AccessToken>('POST', '/auth/refresh', { body: { refreshToken } });
        return answer.status === 200 ? answer.body : undefined;
      }))
    )
      return send<T>(method, path, options);
    return first;
  };
  const send = async <T>(
    method: string,
    path: string,
    options: ApiRequest,
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = {};
    blocks.stamp(headers);
    if (options.token !== undefined)
      headers.authorization = `Bearer ${keeper.current(options.token)}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    blocks.note(response.headers);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const tokens = body as Partial<AccessToken> | undefined;
    if (typeof tokens?.accessToken === 'string' && typeof tokens.refreshToken === 'string')
      keeper.remember({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    return { status: response.status, body: body as T };
  };
  const call = async <T>(
    method: string,
    path: string,
    options: ApiRequest & Readonly<{ expected?: readonly number[] }> = {},
  ): Promise<T> => {
    const response = await request<T>(method, path, options);
    if (!(options.expected ?? [200, 201]).includes(response.status)) {
      throw new GatewayCallError({
        what: `${method} ${base}${path}`,
        status: response.status,
        ...errorOf(response.body),
      });
    }
    return response.body;
  };
  return {
    base,
    request,
    call,
    login: async (username, password) =>
      (
        await call<{ accessToken: string }>('POST', '/auth/login', {
          body: { username, password },
        })
      ).accessToken,
  };
}
