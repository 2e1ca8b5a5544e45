import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { APP_OPTIONS, AppModule, configureApp, loadConfig } from '@consent-ledger/gateway';
import { adminCredentials, orgLayout, type AdminCredentials } from '@consent-ledger/network';
import { org } from './ledger.ts';

/** GATEWAY_METRICS_TOKEN of the in-process gateways (a scraper sends it as a bearer token). */
export const IN_PROCESS_METRICS_TOKEN = 'in-process-metrics-token-0123456789abcdef';

/** A gateway application started in this process against the real network. */
export interface InProcessGateway {
  readonly app: INestApplication;
  readonly dataDir: string;
  /** Its bootstrap admin: the organization's ({@link adminCredentials}) unless the env names another. */
  readonly admin: AdminCredentials;
  /** Base URL it listens on (an ephemeral port on 127.0.0.1 unless the env names one). */
  readonly base: string;
  /** Stops it; the data directory is deleted unless `keepData`. */
  close(options?: Readonly<{ keepData?: boolean }>): Promise<void>;
}

/**
 * Starts an organization's gateway in this process with its real connection profile (its CA and
 * its peer) and a data directory of its own (a new temporary one unless given), listening on an
 * ephemeral port (or the env's GATEWAY_PORT).
 */
export async function startGatewayInProcess(
  orgName: string,
  options: Readonly<{ dataDir?: string; env?: Record<string, string> }> = {},
): Promise<InProcessGateway> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), `gateway-${orgName}-`));
  const orgAdmin = adminCredentials(orgName);
  const config = loadConfig({
    GATEWAY_ADMIN_USERNAME: orgAdmin.username,
    GATEWAY_ADMIN_PASSWORD: orgAdmin.password,
    GATEWAY_ORG: orgName,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    CONNECTION_PROFILE: orgLayout(org(orgName)).connectionProfile,
    GATEWAY_DATA_DIR: dataDir,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    GATEWAY_METRICS_TOKEN: IN_PROCESS_METRICS_TOKEN,
    ...options.env,
  });
  const app = await NestFactory.create(AppModule.forConfig(config), APP_OPTIONS);
  configureApp(app);
  await app.listen(config.GATEWAY_PORT, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    dataDir,
    admin: {
      username: config.GATEWAY_ADMIN_USERNAME ?? orgAdmin.username,
      password: config.GATEWAY_ADMIN_PASSWORD ?? orgAdmin.password,
    },
    base: url.replace('[::1]', '127.0.0.1'),
    close: async (closeOptions = {}) => {
      await app.close();
      if (closeOptions.keepData !== true) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
