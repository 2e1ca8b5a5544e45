import { request, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LedgerError } from './common/errors.js';
import { BODY_LIMITS } from './common/request-body.js';
import { MAX_ERROR_MESSAGE } from './common/exception.filter.js';
import { loadConfig } from './config/gateway.config.js';
import { TEST_METRICS_TOKEN, createTestApp, type TestApp } from './testing/test-app.js';

/**
 * Issue 19 at the HTTP layer, in process (fake ledger): body limits, the error texts, the
 * operational endpoints and their configuration. test/e2e/gateway-hardening.test.ts does the
 * same through the real network.
 */

const item = (index: number): string =>
  `{"recordId":"rec-${String(index)}","patientId":"pid-abcdefghijklmnop","category":"imaging","sha256":"${'b'.repeat(64)}"}`;

describe('the gateway under attack (in process)', () => {
  let t: TestApp;
  let clinician: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { GATEWAY_PUBLIC_URL: 'https://gw.example', GATEWAY_LOGIN_RATE_LIMIT: '3' },
    });
    clinician = await t.user({ username: 'doc', role: 'clinician' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses login bodies over a few KiB and compressed bodies before reading them', async () => {
    const big = await t
      .http()
      .post('/auth/login')
      .set('content-type', 'application/json')
      .send(`[${'0,'.repeat(BODY_LIMITS.credentials)}0]`);
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const gzip = await t
      .http()
      .post('/auth/login')
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .send('x');
    expect(gzip.status).toBe(415);
    expect(gzip.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('validates a large batch a slice at a time and answers a bounded error', async () => {
    const empty = `{"items":[${item(0)},${Array.from({ length: 20_000 }, () => '{}').join(',')}]}`;
    const refused = await t
      .http()
      .post('/records/batches')
      .set('authorization', `Bearer ${clinician}`)
      .set('content-type', 'application/json')
      .send(empty);
    expect(refused.status).toBe(400);
    const body = refused.body as { message: string };
    expect(body.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE);
    expect(body.message).toMatch(/^items\.1\.recordId/);
    expect(body.message).toMatch(/and 30 more problems$/);
    const zeros = await t
      .http()
      .post('/records/batches')
      .set('authorization', `Bearer ${clinician}`)
      .set('content-type', 'application/json')
      .send(`{"items":[${Array.from({ length: 5000 }, () => '0').join(',')}]}`);
    expect(zeros.status).toBe(400);
    expect((zeros.body as { message: string }).message).toMatch(/^items/);
    const mixed = await t
      .http()
      .post('/records/batches')
      .set('authorization', `Bearer ${clinician}`)
      .set('content-type', 'application/json')
      .send(`{"items":[${item(0)},${Array.from({ length: 5000 }, () => '0').join(',')}]}`);
    expect(mixed.status).toBe(400);
    expect((mixed.body as { message: string }).message).toMatch(/^items\.1 must be an object/);
  });

  it('still takes a valid batch of many items, and checks the array size', async () => {
    let anchored = 0;
    t.ledger.on('records:AnchorBatch', (...args: unknown[]) => {
      anchored += 1;
      return { batchId: 'b-1', root: 'a'.repeat(64), count: 1, args: args.length };
    });
    const valid = await t
      .http()
      .post('/records/batches')
      .set('authorization', `Bearer ${clinician}`)
      .set('content-type', 'application/json')
      .send(`{"items":[${Array.from({ length: 500 }, (_, i) => item(i)).join(',')}]}`);
    // Past validation: whatever the fake ledger makes of it, it was called.
    expect(valid.status).not.toBe(400);
    expect(anchored).toBe(1);
    const bad = await t
      .http()
      .post('/records/batches')
      .set('authorization', `Bearer ${clinician}`)
      .set('content-type', 'application/json')
      .send(
        `{"items":[${Array.from({ length: 300 }, (_, i) => item(i)).join(',')},{"recordId":"x"}]}`,
      );
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toMatch(/^items\.300\./);
  });

  it('processes at most two large bodies at once: the third waits its turn (429)', async () => {
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const open = (): ClientRequest => {
      const pending = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/records/batches',
        headers: {
          authorization: `Bearer ${clinician}`,
          'content-type': 'application/json',
          'content-length': String(BODY_LIMITS.default + 1024),
        },
      });
      pending.on('error', () => undefined);
      pending.write('{"items":[');
      return pending;
    };
    const slow = [open(), open()];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = open();
    const status = await new Promise<number | undefined>((resolve) => {
      third.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
    });
    expect(status).toBe(429);
    for (const each of [...slow, third]) each.destroy();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  it('answers our own text for the login limit', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1)
      answers.push(await t.http().post('/auth/login').send({ username: 'x', password: 'y' }));
    const limited = answers.find((answer) => answer.status === 429);
    expect(limited?.body).toEqual({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'too many failed sign-ins from this address: try again later',
    });
  });

  it('builds links from GATEWAY_PUBLIC_URL whatever the Host', async () => {
    const metadata = await t.http().get('/fhir/metadata').set('host', 'evil.example');
    expect(metadata.text).toMatch(/"url":"https:\/\/gw\.example\/fhir"/);
    expect(metadata.text).not.toMatch(/evil/);
  });

  it('answers readiness without the peer, also when not ready', async () => {
    t.ledger.on('baseline:Get', () => {
      throw new LedgerError({
        code: 'LEDGER_UNAVAILABLE',
        message: 'peer 10.1.2.3:7051 down',
        transaction: 'baseline:Get',
      });
    });
    const down = await t.http().get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.text).not.toMatch(/127\.0\.0\.1|10\.1\.2\.3|peer/);
    t.ledger.on('baseline:Get', () => '');
    const ready = await t.http().get('/health/ready');
    expect(Object.keys(ready.body as object).sort()).toEqual(['ledgerMs', 'status']);
  });

  it('trusts no proxy by default', () => {
    const express = t.app as NestExpressApplication;
    expect(
      (express.getHttpAdapter().getInstance() as { get(name: string): unknown }).get('trust proxy'),
    ).toBe(false);
  });
});

describe('operational endpoints by configuration', () => {
  it('keeps idle connections open longer than a proxy in front does, as configured', async () => {
    const t = await createTestApp({ env: { GATEWAY_KEEP_ALIVE_SECONDS: '90' } });
    try {
      expect((t.app.getHttpServer() as Server).keepAliveTimeout).toBe(90_000);
      const health = await t.http().get('/health/live').set('connection', 'keep-alive');
      expect(health.headers['keep-alive']).toBe('timeout=90');
    } finally {
      await t.close();
    }
  });

  it('turns /metrics off without a token and /docs off in production', async () => {
    const t = await createTestApp({
      env: {
        GATEWAY_METRICS_TOKEN: '',
        NODE_ENV: 'production',
        GATEWAY_JWT_SECRET: 'x'.repeat(32),
        GATEWAY_WALLET_KEY: Buffer.alloc(32, 1).toString('base64'),
        GATEWAY_ADMIN_PASSWORD: 'a long production passphrase 4',
      },
    });
    try {
      expect((await t.http().get('/metrics')).status).toBe(404);
      expect((await t.http().get('/docs-json')).status).toBe(404);
      expect((await t.http().get('/docs')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('serves the docs when on, and trusts the configured proxies', async () => {
    const t = await createTestApp({
      env: { GATEWAY_DOCS: 'on', GATEWAY_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8' },
    });
    try {
      const docs = await t.http().get('/docs-json');
      expect(docs.status).toBe(200);
      // Every operation documents Ledger-Min-Block (read-your-writes across organizations).
      const operations = Object.values(
        (
          docs.body as {
            paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
          }
        ).paths,
      ).flatMap((path) => Object.values(path));
      expect(operations.length).toBeGreaterThan(20);
      for (const operation of operations)
        expect(operation.parameters?.map((parameter) => parameter.name)).toContain(
          'Ledger-Min-Block',
        );
      const metrics = await t
        .http()
        .get('/metrics')
        .set('authorization', `Bearer ${TEST_METRICS_TOKEN}`);
      expect(metrics.status).toBe(200);
      const express = t.app as NestExpressApplication;
      expect(
        (express.getHttpAdapter().getInstance() as { get(name: string): unknown }).get(
          'trust proxy',
        ),
      ).toEqual(['loopback', '10.0.0.0/8']);
    } finally {
      await t.close();
    }
  });

  it('validates the new variables', () => {
    const base = {
      GATEWAY_ORG: 'x',
      GATEWAY_PORT: '4001',
      CONNECTION_PROFILE: 'p',
      GATEWAY_DATA_DIR: 'd',
    };
    const config = loadConfig(base);
    expect(config.GATEWAY_PUBLIC_URL).toBe('http://127.0.0.1:4001');
    expect(config.GATEWAY_TRUSTED_PROXIES).toEqual([]);
    expect(config.GATEWAY_DOCS).toBe('on');
    expect(config.GATEWAY_METRICS_TOKEN).toBeUndefined();
    expect(config.GATEWAY_KEEP_ALIVE_SECONDS).toBe(65);
    expect(
      loadConfig({ ...base, GATEWAY_PUBLIC_URL: 'https://a.example/x/' }).GATEWAY_PUBLIC_URL,
    ).toBe('https://a.example/x');
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).GATEWAY_DOCS).toBe('off');
    for (const bad of [
      { GATEWAY_PUBLIC_URL: 'ftp://a.example' },
      { GATEWAY_PUBLIC_URL: 'https://a.example/?q=1' },
      { GATEWAY_TRUSTED_PROXIES: 'everyone' },
      { GATEWAY_TRUSTED_PROXIES: '10.0.0.0/99' },
      { GATEWAY_METRICS_TOKEN: 'short' },
      { GATEWAY_DOCS: 'yes' },
      { GATEWAY_KEEP_ALIVE_SECONDS: '0' },
      { GATEWAY_KEEP_ALIVE_SECONDS: '5s' },
    ])
      expect(() => loadConfig({ ...base, ...bad }), JSON.stringify(bad)).toThrow(
        /Invalid gateway configuration/,
      );
  });
});
