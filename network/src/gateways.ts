import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { adminCredentials, adminPasswordFile, ensureAdminPassword } from './admin-credentials.ts';
import { ordererTargets } from './config-update.ts';
import { checkHealth, waitForHealth } from './health.ts';
import { gatewayDataDir, orgLayout } from './layout.ts';
import { repoRoot, runPaths } from './paths.ts';
import { startProcess } from './processes.ts';
import type { Organization, Topology } from './topology.ts';
import {
  exchangeFolder,
  orgUser,
  readWorkspaceFile,
  workspaceFolder,
  writeExchangeFile,
  writeWorkspaceFile,
} from './workspaces.ts';

const gatewayMain = path.join(repoRoot, 'gateway', 'dist', 'main.js');

/** Process name of an organization's gateway. */
export function gatewayProcessName(org: Organization): string {
  return `gateway.${org.name}`;
}

/** Port of an organization's gateway: the topology's, unless GATEWAY_PORT_<ORG> overrides it. */
export function gatewayPort(org: Organization): number {
  const override = process.env[`GATEWAY_PORT_${org.name.toUpperCase()}`];
  return override === undefined ? org.gateway.port : Number(override);
}

/** Base URL of an organization's gateway. */
export function gatewayUrl(org: Organization): string {
  return `http://${org.gateway.host}:${gatewayPort(org)}`;
}

/**
 * The token a Prometheus scraper (the tests, the benchmark) sends to an organization's gateway's
 * /metrics (GATEWAY_METRICS_TOKEN): made once, kept in the gateway's data directory (0600).
 */
export function gatewayMetricsToken(org: Organization): string {
  const dataDir = gatewayDataDir(org);
  const file = path.join(dataDir, 'metrics-token');
  if (existsSync(file)) return readWorkspaceFile(org.name, file).trim();
  workspaceFolder(org.name, dataDir);
  const token = randomBytes(32).toString('base64url');
  writeWorkspaceFile(org.name, file, `${token}\n`);
  return token;
}

/**
 * Environment of a gateway process: its organization, its address, its files, the endorsement
 * rule, and its bootstrap admin (GATEWAY_ADMIN_PASSWORD as given, or the organization's generated
 * password: there is no default).
 */
export function gatewayEnv(org: Organization, topology: Topology): Record<string, string> {
  const dataDir = workspaceFolder(org.name, gatewayDataDir(org));
  const passthrough = [
    'NODE_ENV',
    'LOG_LEVEL',
    'GATEWAY_PASSWORD_MIN_LENGTH',
    'GATEWAY_TRUSTED_PROXIES',
    'GATEWAY_DOCS',
    'GATEWAY_REQUEST_RATE_LIMIT',
  ];
  const inherited = Object.fromEntries(
    passthrough.flatMap((key) => {
      const value = process.env[key];
      return value === undefined ? [] : [[key, value]];
    }),
  );
  ensureAdminPassword(org);
  const admin = adminCredentials(org);
  const orderers = ordererTargets(topology);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dataDir,
    ...inherited,
    GATEWAY_ADMIN_USERNAME: admin.username,
    GATEWAY_ADMIN_PASSWORD: admin.password,
    GATEWAY_ORG: org.name,
    GATEWAY_HOST: org.gateway.host,
    GATEWAY_PORT: String(gatewayPort(org)),
    CONNECTION_PROFILE: orgLayout(org).connectionProfile,
    GATEWAY_DATA_DIR: dataDir,
    // Evidence bundles state the policy the verifier checks; the topology is its one source.
    LEDGER_ENDORSEMENT_OUT_OF: String(topology.chaincode.endorsement.outOf),
    GATEWAY_METRICS_TOKEN: gatewayMetricsToken(org),
    // The organization's own Fabric admin and the orderers: a disabled user's CRL goes to the
    // channel configuration (docs/governance.md, "People leave").
    GATEWAY_FABRIC_ADMIN_MSP: orgLayout(org).admin.mspDir,
    GATEWAY_ORDERERS: orderers.map((target) => target.address).join(','),
    GATEWAY_ORDERER_TLS_CA: ordererTlsBundle(topology),
  };
}

/**
 * The TLS CA certificates of every organization that runs an orderer, in one PEM file in the
 * exchange (public): a gateway reaches whichever orderer answers.
 */
function ordererTlsBundle(topology: Topology): string {
  const files = [...new Set(ordererTargets(topology).map((target) => target.tlsCaFile))];
  const bundle = path.join(
    exchangeFolder(path.join(runPaths.exchange, 'orderers')),
    'tls-ca-bundle.pem',
  );
  writeExchangeFile(
    bundle,
    files.map((file) => readFileSync(file, 'utf8').trim()).join('\n') + '\n',
  );
  return bundle;
}

/** Starts the gateway of one organization (if stopped) and waits until it is live. */
export async function startGateway(org: Organization, topology: Topology): Promise<void> {
  const name = gatewayProcessName(org);
  startProcess({
    name,
    command: process.execPath,
    args: ['--enable-source-maps', gatewayMain],
    env: gatewayEnv(org, topology),
    cwd: path.join(repoRoot, 'gateway'),
    user: orgUser(org.name),
  });
  await waitForHealth({ name, url: `${gatewayUrl(org)}/health/live`, timeoutMs: 60_000 });
}

/**
 * Starts every organization's gateway; answers the organizations whose admin password was made
 * now (to be printed once).
 */
export async function startGateways(
  topology: Topology,
  log: (line: string) => void,
): Promise<ReadonlySet<string>> {
  if (!existsSync(gatewayMain))
    throw new Error(`${gatewayMain} is missing: run \`npm run build\` first`);
  const created = new Set(
    topology.organizations.filter((org) => ensureAdminPassword(org).created).map((org) => org.name),
  );
  log('Starting gateways...');
  await Promise.all(topology.organizations.map((org) => startGateway(org, topology)));
  return created;
}

/**
 * The gateways' URLs as `npm start` prints them; beside a gateway whose admin password was just
 * made, the password, shown this once (it stays in its 0600 file).
 */
export async function gatewayLines(
  topology: Topology,
  created: ReadonlySet<string>,
): Promise<string[]> {
  const urls = await gatewayUrls(topology);
  return topology.organizations.flatMap((org, index) => {
    const line = `  ${(urls[index]?.org ?? org.mspId).padEnd(22)} ${gatewayUrl(org)}`;
    if (!created.has(org.name)) return [line];
    const admin = adminCredentials(org);
    return [
      `${line}  admin: ${admin.username} / ${admin.password}  (shown once; kept 0600 in ${adminPasswordFile(org)})`,
    ];
  });
}

/** Each organization's gateway URL and, when asked, its liveness. */
export async function gatewayUrls(
  topology: Topology,
  options: Readonly<{ withHealth?: boolean }> = {},
): Promise<{ org: string; url: string; health?: string }[]> {
  return Promise.all(
    topology.organizations.map(async (org) => {
      const url = gatewayUrl(org);
      if (options.withHealth !== true) return { org: org.mspId, url };
      const health = await checkHealth(`${url}/health/live`);
      return { org: org.mspId, url, health: health.detail };
    }),
  );
}
