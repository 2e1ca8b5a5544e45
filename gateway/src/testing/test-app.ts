import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OrganizationType } from '@consent-ledger/ledger-api';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../app.module.js';
import { APP_OPTIONS, configureApp } from '../app.setup.js';
import type { OrgProfile } from '../config/connection-profile.js';
import { loadConfig } from '../config/gateway.config.js';
import { adminPasswordFile } from '../config/secrets.js';
import { CERTIFICATE_AUTHORITY } from '../identities/certificate-authority.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { LEDGER_CLIENT } from '../ledger/ledger.client.js';
import { FakeCertificateAuthority } from './fake-certificate-authority.js';
import { FakeLedgerClient } from './fake-ledger.client.js';

/** A profile for tests (no network is contacted: the ledger and the CA are fakes). */
export function testProfile(
  type: OrganizationType = 'hospital',
  mspId = 'TertiaryHospitalMSP',
): OrgProfile {
  return {
    mspId,
    displayName: 'Test organization',
    type,
    region: { province: '330000', city: '330100' },
    channel: 'health',
    chaincode: 'consent-ledger',
    peer: { name: 'peer0', endpoint: '127.0.0.1:1', tls: false, tlsCaPem: '' },
    ca: { url: 'https://127.0.0.1:1', caName: 'ca-test', tlsCaPems: [], verify: true },
    registrar: { enrollmentId: 'registrar', enrollmentSecret: 'registrar-secret' },
  };
}

/** The password of the users {@link TestApp.user} and {@link TestApp.patient} make (policy-proof). */
export const TEST_PASSWORD = 'violet-harbor-lantern-92';
/** The GATEWAY_METRICS_TOKEN of the test apps (a scraper sends it as a bearer token). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

/** A running in-process gateway with a fake ledger and CA. */
export interface TestApp {
  readonly app: INestApplication;
  readonly ledger: FakeLedgerClient;
  readonly ca: FakeCertificateAuthority;
  readonly dataDir: string;
  /** The bootstrap admin: its password generated at boot into the data directory (0600). */
  readonly admin: { readonly username: string; readonly password: string };
  /** supertest against the app's HTTP server. */
  http(): ReturnType<typeof request>;
  /** Logs in and answers the access token. */
  login(username: string, password: string): Promise<string>;
  /** Logs in as the bootstrap admin and answers the access token. */
  loginAdmin(): Promise<string>;
  /** Creates a staff member as the bootstrap admin and answers its access token. */
  user(
    spec: Readonly<{ username: string; role: string; practitionerId?: string }>,
  ): Promise<string>;
  /**
   * Opens a patient's (or, with `guardianId`, a guardian's) session account as an activation
   * would, and answers its access token (password {@link TEST_PASSWORD}).
   */
  patient(
    spec: Readonly<{ username: string; patientId?: string; guardianId?: string }>,
  ): Promise<string>;
  close(): Promise<void>;
}

/** Starts the whole application in process, with fakes for the ledger and the CA. */
export async function createTestApp(
  options: Readonly<{
    orgType?: OrganizationType;
    mspId?: string;
    env?: Record<string, string>;
  }> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gateway-test-'));
  const profile = testProfile(options.orgType, options.mspId);
  const config = loadConfig({
    GATEWAY_ORG: 'test',
    GATEWAY_PORT: '0',
    CONNECTION_PROFILE: '/dev/null',
    GATEWAY_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_EVENTS: 'off',
    GATEWAY_METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...options.env,
  });
  const ledger = new FakeLedgerClient();
  const ca = new FakeCertificateAuthority(profile.mspId);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forConfig(config, { profile })],
  })
    .overrideProvider(LEDGER_CLIENT)
    .useValue(ledger)
    .overrideProvider(CERTIFICATE_AUTHORITY)
    .useValue(ca)
    .compile();
  const app = moduleRef.createNestApplication(APP_OPTIONS);
  configureApp(app);
  await app.init();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  const http = (): ReturnType<typeof request> => request(server);
  const login = async (username: string, password: string): Promise<string> => {
    const response = await http().post('/auth/login').send({ username, password });
    if (response.status !== 200)
      throw new Error(`login ${username}: ${response.status} ${response.text}`);
    return (response.body as { accessToken: string }).accessToken;
  };
  const admin = {
    username: config.GATEWAY_ADMIN_USERNAME ?? 'admin',
    password:
      config.GATEWAY_ADMIN_PASSWORD ?? readFileSync(adminPasswordFile(dataDir), 'utf8').trim(),
  };
  const loginAdmin = (): Promise<string> => login(admin.username, admin.password);
  return {
    app,
    ledger,
    ca,
    dataDir,
    admin,
    http,
    login,
    loginAdmin,
    user: async (spec) => {
      const token = await loginAdmin();
      const response = await http()
        .post('/identities')
        .set('authorization', `Bearer ${token}`)
        .send({ password: TEST_PASSWORD, ...spec });
      if (response.status !== 201)
        throw new Error(`create ${spec.username}: ${response.status} ${response.text}`);
      return login(spec.username, TEST_PASSWORD);
    },
    patient: async (spec) => {
      await app.get(IdentitiesService).openPatientAccount({
        username: spec.username,
        password: TEST_PASSWORD,
        patientId: spec.patientId ?? 'pid-abcdefghijklmnop',
        ...(spec.guardianId === undefined ? {} : { guardianId: spec.guardianId }),
      });
      return login(spec.username, TEST_PASSWORD);
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
