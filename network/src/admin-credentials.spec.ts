import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

type Module = typeof import('./admin-credentials.ts');
let credentials: Module;
const runDir = mkdtempSync(path.join(tmpdir(), 'admin-credentials-'));

describe("a gateway's bootstrap admin", () => {
  beforeAll(async () => {
    vi.stubEnv('CONSENT_LEDGER_RUN_DIR', runDir);
    // A unit test makes no Unix users (network/src/workspaces.ts).
    vi.stubEnv('CONSENT_LEDGER_SEPARATION', 'off');
    vi.stubEnv('GATEWAY_ADMIN_PASSWORD', undefined);
    vi.stubEnv('GATEWAY_ADMIN_USERNAME', undefined);
    credentials = await import('./admin-credentials.ts');
  });
  afterEach(() => {
    vi.stubEnv('GATEWAY_ADMIN_PASSWORD', undefined);
    vi.stubEnv('GATEWAY_ADMIN_USERNAME', undefined);
  });

  it("makes a random password once per organization, 0600 in its gateway folder in the organization's workspace", () => {
    const file = credentials.adminPasswordFile('gov');
    expect(file).toBe(
      path.join(runDir, 'network', 'organizations', 'gov', 'gateway', 'secrets', 'admin.password'),
    );
    expect(() => credentials.adminCredentials('gov')).toThrow(/npm start/);
    expect(credentials.ensureAdminPassword('gov')).toEqual({ created: true });
    expect(credentials.ensureAdminPassword('gov')).toEqual({ created: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(runDir, 'network', 'organizations', 'gov')).mode & 0o777).toBe(0o700);
    const gov = credentials.adminCredentials('gov');
    expect(gov).toEqual({ username: 'admin', password: readFileSync(file, 'utf8') });
    expect(gov.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    credentials.ensureAdminPassword('tertiary');
    expect(credentials.adminCredentials('tertiary').password).not.toBe(gov.password);
  });

  it('uses GATEWAY_ADMIN_USERNAME and GATEWAY_ADMIN_PASSWORD when given, and writes no file', () => {
    vi.stubEnv('GATEWAY_ADMIN_USERNAME', 'root');
    vi.stubEnv('GATEWAY_ADMIN_PASSWORD', 'given-in-the-environment');
    expect(credentials.ensureAdminPassword('community')).toEqual({ created: false });
    expect(credentials.adminCredentials('community')).toEqual({
      username: 'root',
      password: 'given-in-the-environment',
    });
    vi.stubEnv('GATEWAY_ADMIN_PASSWORD', undefined);
    expect(() => credentials.adminCredentials('community')).toThrow(/missing/);
  });
});
