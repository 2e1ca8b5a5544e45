import type {
  AccessToken,
  GuardianActivationRequest,
  IdentityView,
  LedgerInfo,
  PatientActivationRequest,
} from '@consent-ledger/ledger-api';
import type { LedgerEvent, LedgerEventData } from './api.types.ts';

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

/** The gateway's REST API as one logged-in user (the bearer token never goes into a URL). */
export interface ApiClient {
  readonly token: string;
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

/** Exchanges a username and password for a token (POST /auth/login). */
export async function login(username: string, password: string): Promise<AccessToken> {
  const response = await send('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return (await response.json()) as AccessToken;
}

/** What this gateway's ledger is: channel, chaincode, organization (GET /ledger, no token). */
export async function ledgerInfo(): Promise<LedgerInfo> {
  const response = await send('/ledger', { headers: { accept: 'application/json' } });
  return (await response.json()) as LedgerInfo;
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

/** A client of the gateway that served the page, as the user of `token`. */
export function createApiClient(token: string): ApiClient {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    ...extra,
  });
  return {
    token,
    async get<T>(path: string, query?: Query): Promise<T> {
      const response = await send(url(path, query), { headers: headers() });
      return (await response.json()) as T;
    },
    async post<T>(path: string, body?: unknown): Promise<T> {
      const response = await send(path, {
        method: 'POST',
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as T;
    },
    async download(path: string, query?: Query): Promise<Blob> {
      const response = await send(url(path, query), { headers: headers() });
      return response.blob();
    },
    async streamEvents(onEvent, signal): Promise<void> {
      let lastEventId: string | undefined;
      // A function, so that the compiler does not narrow `signal.aborted` across awaits.
      const aborted = (): boolean => signal.aborted;
      while (!aborted()) {
        try {
          const response = await send('/events', {
            headers: headers({
              accept: 'text/event-stream',
              ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
            }),
            signal,
          });
          if (response.body === null) return;
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
        // The stream ended or dropped: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 3000));
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
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
