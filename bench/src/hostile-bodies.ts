import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * The worst request bodies found against a gateway (issue 19): what an attacker with network
 * access only, or with a session, sends to make the gateway work. Shared by the `attack` bench
 * scenario (bench/src/attack.ts) and the functional attack test (test/e2e/gateway-hardening.test.ts).
 */

/** One hostile request. */
export interface HostileRequest {
  readonly name: string;
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  /** Sent with the attacker's access token (an authenticated attacker). */
  readonly authenticated: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Sent in chunks without a Content-Length (the size is only known by reading). */
  readonly chunked?: boolean;
}

const MB = 1024 * 1024;

/** `[0,0,…]` of about `bytes` bytes. */
export function zeroArray(bytes: number): Buffer {
  const count = Math.max(1, Math.floor((bytes - 2) / 2));
  return Buffer.from(`[${'0,'.repeat(count - 1)}0]`);
}

const json = { 'content-type': 'application/json' } as const;

/** `{"k0":0,"k1":0,…}` of about `bytes` bytes: distinct unknown keys, each a validation error. */
function manyKeys(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes - 16; i += 1) {
    const part = `"k${String(i)}":0`;
    parts.push(part);
    size += part.length + 1;
  }
  return Buffer.from(`{${parts.join(',')}}`);
}

/**
 * The hostile requests: oversized arrays (declared and chunked), a gzip bomb, nesting, duplicate
 * and prototype keys, a body of thousands of unknown keys, huge arrays inside otherwise valid
 * bodies, to the open routes (login, activation, FHIR) and, with a session, to the authenticated
 * ones (access requests, batches).
 */
export function hostileRequests(): HostileRequest[] {
  const zeros4 = zeroArray(4 * MB);
  const open: HostileRequest[] = [
    {
      name: 'login 1 MB array',
      method: 'POST',
      path: '/auth/login',
      authenticated: false,
      headers: json,
      body: zeroArray(MB),
    },
    {
      name: 'login 4 MB array, chunked',
      method: 'POST',
      path: '/auth/login',
      authenticated: false,
      headers: json,
      body: zeros4,
      chunked: true,
    },
    {
      name: 'login 4 MB array gzipped',
      method: 'POST',
      path: '/auth/login',
      authenticated: false,
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(zeros4),
    },
    {
      name: 'login nested 4 KiB deep',
      method: 'POST',
      path: '/auth/login',
      authenticated: false,
      headers: json,
      body: Buffer.from(`{"username":${'['.repeat(4000)}`),
    },
    {
      name: 'login duplicate keys',
      method: 'POST',
      path: '/auth/login',
      authenticated: false,
      headers: json,
      body: Buffer.from(`{${'"username":"a",'.repeat(200)}"password":"b"}`),
    },
    {
      name: 'activation of 30 KiB unknown keys',
      method: 'POST',
      path: '/patients/activate',
      authenticated: false,
      headers: json,
      body: manyKeys(30 * 1024),
    },
    {
      name: 'activation with a 30 KiB array as the username',
      method: 'POST',
      path: '/patients/activate',
      authenticated: false,
      headers: json,
      body: Buffer.from(`{"username":${zeroArray(30 * 1024).toString()},"password":"x"}`),
    },
    {
      name: 'FHIR Consent of 1 MB without a token',
      method: 'POST',
      path: '/fhir/Consent',
      authenticated: false,
      headers: { 'content-type': 'application/fhir+json' },
      body: Buffer.from(`{"resourceType":"Consent","x":${zeroArray(MB).toString()}}`),
    },
    {
      name: 'constructor key',
      method: 'POST',
      path: '/auth/login',
      authenticated: false,
      headers: json,
      body: Buffer.from('{"username":"a","password":"b","constructor":{"prototype":{"x":1}}}'),
    },
  ];
  const item = '{}';
  const authenticated: HostileRequest[] = [
    {
      name: 'access request with 15,000 record IDs',
      method: 'POST',
      path: '/access-requests',
      authenticated: true,
      headers: json,
      body: Buffer.from(
        `{"patientId":"pid-abcdefghijklmnop","purpose":"treatment","categories":["imaging"],"recordIds":[${'"r",'.repeat(15_000)}"r"]}`,
      ),
    },
    {
      name: 'batch of 100,001 zeros',
      method: 'POST',
      path: '/records/batches',
      authenticated: true,
      headers: json,
      body: Buffer.from(`{"items":${zeroArray(200_004).toString()}}`),
    },
    {
      name: 'batch of 20,000 empty items',
      method: 'POST',
      path: '/records/batches',
      authenticated: true,
      headers: json,
      body: Buffer.from(`{"items":[${`${item},`.repeat(19_999)}${item}]}`),
    },
    {
      name: 'consent with duplicate keys and a __proto__',
      method: 'POST',
      path: '/consents',
      authenticated: true,
      headers: json,
      body: Buffer.from('{"action":{"statement":"{}","signature":"x"},"__proto__":{"a":1}}'),
    },
  ];
  return [...open, ...authenticated];
}

/** What a gateway answered to one hostile request. */
export interface HostileAnswer {
  readonly status: number;
  readonly bytes: number;
  readonly body: string;
  readonly ms: number;
}

/**
 * Sends one hostile request with node:http (raw bytes, any header, chunks), from `localAddress`
 * when given (e.g. 127.0.0.2, so that the gateway sees the attacker at another address than the
 * journey), and reads at most 64 KiB of the answer (the rest is counted, not kept).
 */
export function sendHostile(
  base: string,
  hostile: HostileRequest,
  options: Readonly<{ token?: string; localAddress?: string; timeoutMs?: number }> = {},
): Promise<HostileAnswer> {
  const url = new URL(hostile.path, base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...hostile.headers };
    if (hostile.authenticated && options.token !== undefined)
      headers.authorization = `Bearer ${options.token}`;
    if (hostile.chunked !== true) headers['content-length'] = String(hostile.body.length);
    const req = httpRequest(
      url,
      {
        method: hostile.method,
        headers,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        timeout: options.timeoutMs ?? 60_000,
      },
      (response) => {
        const kept: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          if (bytes < 64 * 1024) kept.push(chunk);
          bytes += chunk.length;
        });
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            bytes,
            body: Buffer.concat(kept)
              .toString('utf8')
              .slice(0, 64 * 1024),
            ms: performance.now() - started,
          });
        });
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${hostile.name}: timed out`)));
    req.on('error', (error) => {
      // The gateway may answer (413, 415) and close before the whole body is sent: no answer read.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'ECONNRESET') {
        resolve({
          status: 0,
          bytes: 0,
          body: `connection ${code}`,
          ms: performance.now() - started,
        });
        return;
      }
      reject(error);
    });
    if (hostile.chunked === true) {
      for (let at = 0; at < hostile.body.length; at += 64 * 1024)
        req.write(hostile.body.subarray(at, at + 64 * 1024));
      req.end();
    } else req.end(hostile.body);
  });
}
