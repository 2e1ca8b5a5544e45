import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

describe('the web app served by the gateway', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'web-root-'));
  let served: TestApp;
  let missing: TestApp;

  beforeAll(async () => {
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(root, 'assets', 'main.js'), 'console.log(1);');
    served = await createTestApp({ env: { WEB_ROOT: root } });
    missing = await createTestApp({ env: { WEB_ROOT: path.join(root, 'absent') } });
  });
  afterAll(async () => {
    await served.close();
    await missing.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html and assets at /app/ without a token, under a CSP that allows the app', async () => {
    const page = await served.http().get('/app/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>app</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const script = await served.http().get('/app/assets/main.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('answers index.html for other paths under /app/, 404 for a missing asset, and redirects /', async () => {
    const deep = await served.http().get('/app/patient/consents');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<title>app</title>');
    const asset = await served.http().get('/app/assets/missing.js');
    expect(asset.status).toBe(404);
    expect(asset.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const home = await served.http().get('/');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/app/');
    const api = await served.http().get('/consents');
    expect(api.status).toBe(401);
  });

  it('boots without the directory and answers /app with the usual 404', async () => {
    const response = await missing.http().get('/app/');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: expect.any(String) as string,
    });
    expect((await missing.http().get('/health/live')).status).toBe(200);
  });
});
