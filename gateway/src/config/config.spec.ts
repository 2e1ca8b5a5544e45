import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.js';
import { parseConnectionProfile } from './connection-profile.js';
import { loadConfig } from './gateway.config.js';
import { adminPasswordFile, resolveSecrets } from './secrets.js';

const base = { GATEWAY_ORG: 'gov', GATEWAY_PORT: '4001', CONNECTION_PROFILE: '/x.json' };

describe('configuration', () => {
  it('lists every problem of the environment', () => {
    expect(() => loadConfig({ GATEWAY_PORT: 'x' })).toThrow(/GATEWAY_ORG[\s\S]*GATEWAY_PORT/);
    expect(
      loadConfig({ ...base, GATEWAY_DATA_DIR: '/d', GATEWAY_WALLET_KEY: '' }).GATEWAY_WALLET_KEY,
    ).toBeUndefined();
  });

  it('takes the Fabric admin, the orderers and their TLS CA together, each checked, or none', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-admin-msp-'));
    mkdirSync(path.join(dir, 'signcerts'));
    mkdirSync(path.join(dir, 'keystore'));
    writeFileSync(path.join(dir, 'signcerts', 'cert.pem'), 'cert');
    writeFileSync(path.join(dir, 'keystore', 'key_sk'), 'key');
    const tlsCa = path.join(dir, 'signcerts', 'cert.pem');
    const env = { ...base, GATEWAY_DATA_DIR: dir };
    const full = {
      ...env,
      GATEWAY_FABRIC_ADMIN_MSP: dir,
      GATEWAY_ORDERERS: '127.0.0.1:6010,orderer2.example:6020',
      GATEWAY_ORDERER_TLS_CA: tlsCa,
    };
    expect(loadConfig(full).GATEWAY_ORDERERS).toBe('127.0.0.1:6010,orderer2.example:6020');
    expect(loadConfig(env).GATEWAY_FABRIC_ADMIN_MSP).toBeUndefined();
    expect(() => loadConfig({ ...env, GATEWAY_FABRIC_ADMIN_MSP: dir })).toThrow(
      /set all three or none/,
    );
    expect(() => loadConfig({ ...full, GATEWAY_FABRIC_ADMIN_MSP: path.join(dir, 'nope') })).toThrow(
      /MSP folder[\s\S]*GATEWAY_FABRIC_ADMIN_MSP/,
    );
    expect(() => loadConfig({ ...full, GATEWAY_ORDERERS: 'orderer1' })).toThrow(/host:port/);
    expect(() =>
      loadConfig({ ...full, GATEWAY_ORDERER_TLS_CA: path.join(dir, 'none.pem') }),
    ).toThrow(/existing PEM file/);
  });

  it('generates the wallet key and token secret once (0600) in development', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    const config = loadConfig({ ...base, GATEWAY_DATA_DIR: dir });
    const first = resolveSecrets(config);
    const second = resolveSecrets(config);
    expect(first.walletKey).toHaveLength(32);
    expect(second.walletKey.equals(first.walletKey)).toBe(true);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    // No default admin password: a random one, generated once, like the other secrets.
    expect(first.admin.username).toBe('admin');
    expect(first.admin.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(second.admin).toEqual(first.admin);
    expect(readFileSync(adminPasswordFile(dir), 'utf8')).toBe(first.admin.password);
    expect(
      resolveSecrets(
        loadConfig({
          ...base,
          GATEWAY_DATA_DIR: dir,
          GATEWAY_ADMIN_PASSWORD: 'given-in-the-env-1',
        }),
      ).admin.password,
    ).toBe('given-in-the-env-1');
    for (const file of ['wallet.key', 'jwt.secret', 'admin.password'])
      expect(statSync(path.join(dir, 'secrets', file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'secrets', 'wallet.key'), 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to start in production without explicit secrets, the admin password included', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    const prod = { ...base, GATEWAY_DATA_DIR: dir, NODE_ENV: 'production' };
    const key = 'k'.repeat(32);
    const walletKey = Buffer.alloc(32, 7).toString('base64');
    expect(() => resolveSecrets(loadConfig(prod))).toThrow(/GATEWAY_WALLET_KEY/);
    expect(() => resolveSecrets(loadConfig({ ...prod, GATEWAY_WALLET_KEY: walletKey }))).toThrow(
      /GATEWAY_JWT_SECRET/,
    );
    expect(() =>
      resolveSecrets(
        loadConfig({ ...prod, GATEWAY_WALLET_KEY: walletKey, GATEWAY_JWT_SECRET: key }),
      ),
    ).toThrow(/GATEWAY_ADMIN_PASSWORD/);
    expect(() =>
      resolveSecrets(
        loadConfig({
          ...prod,
          GATEWAY_WALLET_KEY: walletKey,
          GATEWAY_JWT_SECRET: key,
          GATEWAY_ADMIN_PASSWORD: '',
        }),
      ),
    ).toThrow(/GATEWAY_ADMIN_PASSWORD is required when NODE_ENV=production/);
    expect(existsSync(adminPasswordFile(dir))).toBe(false);
    const secrets = resolveSecrets(
      loadConfig({
        ...prod,
        GATEWAY_WALLET_KEY: walletKey,
        GATEWAY_JWT_SECRET: key,
        GATEWAY_ADMIN_USERNAME: 'root',
        GATEWAY_ADMIN_PASSWORD: 'a-long-enough-password',
      }),
    );
    expect(secrets.admin.username).toBe('root');
    expect(() => resolveSecrets(loadConfig({ ...prod, GATEWAY_WALLET_KEY: 'short' }))).toThrow(
      /32 bytes/,
    );
  });

  it('reads the organization, peer and CA from a connection profile', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const profile = parseConnectionProfile({
      name: 'consent-ledger-gov',
      version: '1.0.0',
      client: { organization: 'GovMSP' },
      organizations: {
        GovMSP: { mspid: 'GovMSP', peers: ['peer0.gov'], certificateAuthorities: ['ca-gov'] },
      },
      peers: {
        'peer0.gov': {
          url: 'grpcs://127.0.0.1:7151',
          tlsCACerts: { pem },
          grpcOptions: { 'ssl-target-name-override': '127.0.0.1' },
        },
      },
      certificateAuthorities: {
        'ca-gov': {
          url: 'https://127.0.0.1:7154',
          caName: 'ca-gov',
          tlsCACerts: { pem: [pem] },
          httpOptions: { verify: true },
        },
      },
      'x-consent-ledger': {
        channel: 'health',
        chaincode: 'consent-ledger',
        mspId: 'GovMSP',
        displayName: 'Regional Health Commission',
        type: 'government',
        region: { province: '330000', city: '330100' },
        gateway: { host: '127.0.0.1', port: 4001 },
        registrar: { enrollmentId: 'admin', enrollmentSecret: 's3cret' },
      },
    });
    expect(profile).toMatchObject({
      mspId: 'GovMSP',
      type: 'government',
      channel: 'health',
      chaincode: 'consent-ledger',
      peer: { endpoint: '127.0.0.1:7151', tls: true, tlsCaPem: pem, hostOverride: '127.0.0.1' },
      ca: { url: 'https://127.0.0.1:7154', caName: 'ca-gov' },
      registrar: { enrollmentId: 'admin', enrollmentSecret: 's3cret' },
    });
    expect(() => parseConnectionProfile({})).toThrow(/Invalid connection profile/);
  });

  it('keeps the local database readable by its owner only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'db-'));
    const db = openDatabase(path.join(dir, 'gateway.db'));
    db.run('CREATE TABLE t (x INTEGER)');
    db.run('INSERT INTO t VALUES (1)');
    for (const file of ['gateway.db', 'gateway.db-wal'])
      expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    db.close();
  });

  describe('OpenID Connect issuer', () => {
    const oidc = {
      ...base,
      GATEWAY_DATA_DIR: '/d',
      OIDC_ISSUER: 'https://idp.tertiary.example',
      OIDC_CLIENT_ID: 'consent-ledger',
      OIDC_CLIENT_SECRET: 'a client secret',
    };

    it('is off unless an issuer is named', () => {
      expect(loadConfig({ ...base, GATEWAY_DATA_DIR: '/d' }).OIDC).toBeUndefined();
    });

    it('fills the defaults: role claim, scopes, callback on the public URL, display name', () => {
      const settings = loadConfig(oidc).OIDC;
      expect(settings).toMatchObject({
        clientId: 'consent-ledger',
        clientSecret: 'a client secret',
        roleClaim: 'consent_ledger_role',
        scopes: ['openid'],
        displayName: 'idp.tertiary.example',
      });
      expect(settings?.issuer.href).toBe('https://idp.tertiary.example/');
      expect(settings?.redirectUri.href).toBe('http://127.0.0.1:4001/auth/oidc/callback');
      expect(settings?.jwksUri).toBeUndefined();
      expect(settings?.roleMap.size).toBe(0);
      const public_ = loadConfig({ ...oidc, GATEWAY_PUBLIC_URL: 'https://gw.tertiary.example/' });
      expect(public_.OIDC?.redirectUri.href).toBe('https://gw.tertiary.example/auth/oidc/callback');
    });

    it('takes the role claim, its map, scopes, JWKS and callback given', () => {
      const settings = loadConfig({
        ...oidc,
        OIDC_ROLE_CLAIM: 'groups',
        OIDC_ROLE_MAP: 'doctor=clinician, it-ops=admin',
        OIDC_SCOPES: 'openid profile hospital.roles',
        OIDC_JWKS_URI: 'https://idp.tertiary.example/keys',
        OIDC_REDIRECT_URI: 'https://gw.tertiary.example/auth/oidc/callback',
        OIDC_DISPLAY_NAME: 'Tertiary Hospital',
      }).OIDC;
      expect(settings?.roleClaim).toBe('groups');
      expect([...(settings?.roleMap ?? [])]).toEqual([
        ['doctor', 'clinician'],
        ['it-ops', 'admin'],
      ]);
      expect(settings?.scopes).toEqual(['openid', 'profile', 'hospital.roles']);
      expect(settings?.jwksUri?.href).toBe('https://idp.tertiary.example/keys');
      expect(settings?.displayName).toBe('Tertiary Hospital');
    });

    it.each([
      [
        'no client ID',
        { OIDC_CLIENT_ID: undefined },
        /OIDC_CLIENT_ID[\s\S]*required with OIDC_ISSUER/,
      ],
      ['no client secret', { OIDC_CLIENT_SECRET: '' }, /OIDC_CLIENT_SECRET[\s\S]*required/],
      ['an issuer that is not a URL', { OIDC_ISSUER: 'idp' }, /OIDC_ISSUER/],
      ['an issuer with a query', { OIDC_ISSUER: 'https://idp.example/?x=1' }, /no query/],
      ['a role map to an unknown role', { OIDC_ROLE_MAP: 'doctor=surgeon' }, /not value=role/],
      ['a role map to patients', { OIDC_ROLE_MAP: 'front-desk=patient' }, /not value=role/],
      ['a role map entry without a value', { OIDC_ROLE_MAP: '=admin' }, /not value=role/],
      ['a malformed claim name', { OIDC_ROLE_CLAIM: 'role claim' }, /OIDC_ROLE_CLAIM/],
      ['malformed scopes', { OIDC_SCOPES: 'openid  profile' }, /OIDC_SCOPES/],
      [
        'plain http in production',
        { NODE_ENV: 'production', OIDC_ISSUER: 'http://idp.example' },
        /OIDC_ISSUER[\s\S]*https in production/,
      ],
    ])('refuses %s at boot', (_, change, message) => {
      expect(() => loadConfig({ ...oidc, ...change })).toThrow(message);
    });

    it('refuses settings of an issuer without the issuer', () => {
      expect(() =>
        loadConfig({
          ...base,
          GATEWAY_DATA_DIR: '/d',
          OIDC_CLIENT_ID: 'x',
          OIDC_ROLE_MAP: 'a=admin',
        }),
      ).toThrow(
        /OIDC_CLIENT_ID[\s\S]*needs OIDC_ISSUER[\s\S]*OIDC_ROLE_MAP[\s\S]*needs OIDC_ISSUER/,
      );
    });
  });
});
