import { gatewayUrl } from '@consent-ledger/network';
import { org } from './ledger.ts';

/** Base URL of an organization's running gateway (from the topology; GATEWAY_PORT_<ORG> overrides). */
export function gatewayBase(orgName: string): string {
  return gatewayUrl(org(orgName));
}

/** The bootstrap admin's credentials the gateways were started with. */
export const bootstrapAdmin = {
  username: process.env.GATEWAY_ADMIN_USERNAME ?? 'admin',
  password: process.env.GATEWAY_ADMIN_PASSWORD ?? 'adminpw',
};

/** A JSON answer of a gateway. */
export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

/** Options of one request. */
export interface ApiRequest {
  readonly token?: string;
  readonly body?: unknown;
  /** A multipart form instead of a JSON body. */
  readonly form?: FormData;
  /** A raw body sent as application/json (to send malformed JSON). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

/** A small HTTP client of one organization's gateway (fetch, JSON). */
export class GatewayApi {
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: ApiRequest = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | FormData | undefined;
    if (options.form !== undefined) body = options.form;
    else if (options.raw !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, token === undefined ? {} : { token });
  }

  post<T = Record<string, unknown>>(
    path: string,
    options: ApiRequest = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, options);
  }

  /** Logs in; throws unless the gateway answers a token. */
  async login(username: string, password: string): Promise<string> {
    const response = await this.post<{ accessToken?: string }>('/auth/login', {
      body: { username, password },
    });
    if (response.status !== 200 || response.body.accessToken === undefined)
      throw new Error(
        `login ${username} at ${this.base}: ${String(response.status)} ${response.text}`,
      );
    return response.body.accessToken;
  }

  /** Creates a user with the admin's token; answers the created identity. */
  async createUser(
    adminToken: string,
    user: Readonly<{
      username: string;
      password: string;
      role: string;
      patientId?: string;
      practitionerId?: string;
    }>,
  ): Promise<Record<string, unknown>> {
    const response = await this.post('/identities', { token: adminToken, body: user });
    if (response.status !== 201)
      throw new Error(`create ${user.username}: ${String(response.status)} ${response.text}`);
    return response.body;
  }
}

/** A user created through a gateway's identity endpoint, logged in. */
export interface SignedInUser {
  readonly username: string;
  readonly token: string;
  /** The pseudonym the gateway gave a patient (undefined for other roles). */
  readonly patientId: string | undefined;
}

/** Creates a user with the admin's token (throws unless created) and logs them in. */
export async function createSignedInUser(
  api: GatewayApi,
  adminToken: string,
  user: Parameters<GatewayApi['createUser']>[1],
): Promise<SignedInUser> {
  const created = await api.createUser(adminToken, user);
  const token = await api.login(user.username, user.password);
  const { patientId } = created;
  return {
    username: user.username,
    token,
    patientId: typeof patientId === 'string' ? patientId : undefined,
  };
}

/** The gateway client of an organization by short name (gov, tertiary, community, enterprise, research). */
export function gateway(orgName: string): GatewayApi {
  return new GatewayApi(gatewayBase(orgName));
}

/** A name no earlier run used: `prefix` + base-36 time + random. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
}

/**
 * Reads a gateway's server-sent events until `done` says enough or the time runs out; answers
 * the `data` of each event, parsed.
 */
export async function readEvents(
  options: Readonly<{
    base: string;
    token: string;
    lastEventId?: string;
    timeoutMs: number;
    done: (events: readonly Record<string, unknown>[]) => boolean;
  }>,
): Promise<Record<string, unknown>[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, options.timeoutMs);
  const events: Record<string, unknown>[] = [];
  try {
    const response = await fetch(`${options.base}/events`, {
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'text/event-stream',
        ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
      },
      signal: controller.signal,
    });
    if (response.body === null) return events;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (data !== '') events.push(JSON.parse(data) as Record<string, unknown>);
        end = buffer.indexOf('\n\n');
      }
      if (options.done(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
