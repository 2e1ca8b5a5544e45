import { spawn } from 'node:child_process';
import {
  bootstrapRegistry,
  checkHealth,
  deployChaincode,
  gatewayUrl,
  repoRoot,
  startGateways,
  up,
  type Log,
  type Topology,
} from '@consent-ledger/network';

/** Runs `npm run build` in every workspace, as `node network/src/cli.ts start` does. */
function buildWorkspaces(log: Log): Promise<void> {
  log('Building chaincode and gateway...');
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '--workspaces', '--if-present'], {
      cwd: repoRoot,
      env: process.env,
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`npm run build exited with ${String(code)}`));
    });
  });
}

/** Whether every organization's gateway answers /health/live. */
export async function gatewaysLive(topology: Topology): Promise<boolean> {
  const reports = await Promise.all(
    topology.organizations.map((org) => checkHealth(`${gatewayUrl(org)}/health/live`)),
  );
  return reports.every((report) => report.healthy);
}

/**
 * Brings the system up when its gateways are not all live, the way `node network/src/cli.ts
 * start` does (network, build, chaincode, registry, gateways); leaves a running system alone.
 */
export async function ensureSystem(topology: Topology, log: Log): Promise<'running' | 'started'> {
  if (await gatewaysLive(topology)) return 'running';
  log('The system is not running: starting it (as `npm start` does)...');
  const install = await up(log, topology);
  await buildWorkspaces(log);
  await deployChaincode({ install, topology, log });
  await bootstrapRegistry({ topology, log });
  await startGateways(topology, log);
  return 'started';
}

/**
 * The gateways that do not serve the scenarios' endpoints (`/referrals`, `/cohorts`, `/patients`,
 * `/ledger`): a gateway started from an older build answers 404 where a current one asks for a
 * token (401) or, for `/ledger`, answers.
 */
export async function gatewaysMissingEndpoints(topology: Topology): Promise<readonly string[]> {
  const missing = await Promise.all(
    topology.organizations.map(async (org) => {
      const base = gatewayUrl(org);
      const get = (route: string, method = 'GET') =>
        fetch(`${base}${route}`, { method, signal: AbortSignal.timeout(5_000) });
      const statuses = await Promise.all([
        get('/cohorts', 'POST'),
        get('/referrals/ref-000000000000000000000000'),
        get('/patients', 'POST'),
        get('/ledger'),
      ]);
      return statuses.some((response) => response.status === 404) ? [org.mspId] : [];
    }),
  );
  return missing.flat();
}
