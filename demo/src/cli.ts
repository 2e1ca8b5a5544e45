import path from 'node:path';
import {
  ensureFabricBinaries,
  gatewayUrl,
  governanceVote,
  joinOrganization,
  loadTopology,
  runDir,
  type Topology,
} from '@consent-ledger/network';
import { createGatewayClient } from './gateway-client.ts';
import { createConsoleNarrator } from './narrator.ts';
import {
  JOINING_ORG_NAMES,
  ORG_NAMES,
  newRunId,
  type JoiningOrgName,
  type OrgName,
  type ScenarioResult,
} from './scenario-kit.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { ensureSystem, gatewaysMissingEndpoints } from './system.ts';

/**
 * `npm run demo [scenario...]`: brings the system up if it is not running, then runs the sharing
 * scenarios of the platform papers (all, or those named) through the REST gateways, narrating
 * each step with its ledger evidence. Patients' device keys are key files under
 * `.run/demo-keys/<run>/` (they never reach a gateway). Exits non-zero when an expectation fails.
 */

const log = (line: string): void => {
  console.log(`[demo] ${line}`);
};

/**
 * The gateways of the joining organizations the chosen scenarios need (the `county` scenario:
 * the county hospital), each voted into the consortium first when it is not a member yet.
 */
async function joiningGateways(
  topology: Topology,
  scenarios: readonly string[],
): Promise<Partial<Record<JoiningOrgName, ReturnType<typeof createGatewayClient>>>> {
  const needed = JOINING_ORG_NAMES.filter((name) => scenarios.includes(name));
  const clients: Partial<Record<JoiningOrgName, ReturnType<typeof createGatewayClient>>> = {};
  for (const name of needed) {
    let org = topology.organizations.find((each) => each.name === name);
    if (org === undefined) {
      log(
        `${name} is not a member yet: the members vote it in (npm run consortium -- join ${name}).`,
      );
      const joined = await joinOrganization({
        install: await ensureFabricBinaries(topology, log),
        name,
        vote: governanceVote(log),
        log,
      });
      org = joined.org;
    }
    clients[name] = createGatewayClient(gatewayUrl(org));
  }
  return clients;
}

async function main(names: readonly string[]): Promise<number> {
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    console.error(
      `Unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`,
    );
    return 2;
  }
  const topology = loadTopology();
  const state = await ensureSystem(topology, log);
  log(state === 'running' ? 'The system is running.' : 'The system is up.');
  const missing = await gatewaysMissingEndpoints(topology);
  if (missing.length > 0) {
    console.error(
      `[demo] The gateways of ${missing.join(', ')} run a build without the scenarios' endpoints (/referrals, /cohorts, /patients, /ledger): ` +
        'rebuild (npm run build -w @consent-ledger/gateway) and restart the gateways first.',
    );
    return 1;
  }
  const gateways = Object.fromEntries(
    ORG_NAMES.map((name) => {
      const org = topology.organizations.find((candidate) => candidate.name === name);
      if (org === undefined) throw new Error(`the topology has no organization ${name}`);
      return [name, createGatewayClient(gatewayUrl(org))];
    }),
  ) as Record<OrgName, ReturnType<typeof createGatewayClient>>;
  const chosen = names.length === 0 ? Object.keys(SCENARIOS) : names;
  Object.assign(gateways, await joiningGateways(topology, chosen));
  const narrator = createConsoleNarrator();
  const runId = newRunId();
  const keyDir = path.join(runDir, 'demo-keys', runId);
  log(`Patients' device keys are kept as key files in ${keyDir} (never sent to a gateway).`);
  const results: { name: string; result?: ScenarioResult<object>; error?: string }[] = [];
  for (const name of chosen) {
    const scenario = SCENARIOS[name];
    if (scenario === undefined) continue;
    const started = Date.now();
    try {
      const result = await scenario({ gateways, narrator, runId, keyDir });
      results.push({ name, result });
      log(
        `${name}: ${result.passed ? 'as expected' : `${String(result.failures.length)} expectation(s) failed`} ` +
          `(${String(result.decisions.length)} decisions, ${String(result.eventIds.length)} access events, ` +
          `${String(result.txIds.length)} transactions, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ name, error: message });
      log(`${name}: stopped by an error: ${message}`);
    }
  }
  console.log('');
  for (const { name, result, error } of results) {
    const verdict =
      error !== undefined ? `ERROR ${error}` : result?.passed === true ? 'PASS' : 'FAIL';
    console.log(`  ${name.padEnd(10)} ${verdict}`);
    for (const failure of result?.failures ?? []) console.log(`             not met: ${failure}`);
  }
  return results.every(({ result }) => result?.passed === true) ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`[demo] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
