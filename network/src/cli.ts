import { adminPasswordFile } from './admin-credentials.ts';
import { ensureFabricBinaries } from './binaries.ts';
import { bootstrapRegistry } from './bootstrap.ts';
import { deployChaincode } from './chaincode.ts';
import { connectAs } from './client.ts';
import { collectionsConfigJson } from './collections.ts';
import { pinCheckpoint } from './evidence.ts';
import { run } from './exec.ts';
import { gatewayLines, gatewayProcessName, gatewayUrls, startGateways } from './gateways.ts';
import { down, reset, status, up } from './network.ts';
import { orgLayout } from './layout.ts';
import { repoRoot } from './paths.ts';
import { rebuildPeer } from './rebuild.ts';
import { loadTopology, peerId } from './topology.ts';

const log = (line: string): void => {
  console.log(`[consent-ledger] ${line}`);
};

async function buildWorkspaces(): Promise<void> {
  log('Building the workspaces (chaincode, verifier, web app, gateway)...');
  await run('npm', ['run', 'build', '--workspaces', '--if-present'], {
    cwd: repoRoot,
    env: process.env,
    timeoutMs: 600_000,
  });
}

const commands: Record<string, { describe: string; action: () => Promise<void> }> = {
  start: {
    describe: 'bring the network up, deploy the chaincode, start the gateways and print their URLs',
    action: async () => {
      const started = Date.now();
      const topology = loadTopology();
      const install = await up(log, topology);
      await buildWorkspaces();
      await deployChaincode({ install, topology, log });
      await bootstrapRegistry({ topology, log });
      const created = await startGateways(topology, log);
      log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Gateways:`);
      for (const line of await gatewayLines(topology, created)) log(line);
      if (created.size === 0)
        log(`  Admin passwords: in ${adminPasswordFile('<org>')} (or GATEWAY_ADMIN_PASSWORD).`);
      log('Stop with `npm stop`; `npm run status` shows every process.');
    },
  },
  stop: { describe: 'stop every process the project started (data kept)', action: () => down(log) },
  up: {
    describe: 'start the Fabric network only (idempotent)',
    action: async () => {
      await up(log);
    },
  },
  down: { describe: 'stop every process the project started (data kept)', action: () => down(log) },
  reset: { describe: 'stop everything and wipe the run folder', action: () => reset(log) },
  deploy: {
    describe:
      'build and deploy the chaincode (a changed package, policy or collection bumps the sequence)',
    action: async () => {
      const topology = loadTopology();
      const install = await up(log, topology);
      await buildWorkspaces();
      await deployChaincode({ install, topology, log });
      await bootstrapRegistry({ topology, log });
    },
  },
  'restart-gateways': {
    describe: 'rebuild the workspaces and restart every gateway (stopped by PID) on the new build',
    action: async () => {
      const topology = loadTopology();
      await buildWorkspaces();
      await down(log, topology, new Set(topology.organizations.map(gatewayProcessName)));
      const created = await startGateways(topology, log);
      for (const line of await gatewayLines(topology, created)) log(line);
    },
  },
  collections: {
    describe: "print the chaincode definition's private data collections (JSON)",
    action: () => {
      process.stdout.write(collectionsConfigJson(loadTopology()));
      return Promise.resolve();
    },
  },
  'rebuild-peer': {
    describe: '<peer0.org>: wipe a peer that lost its ledger, rejoin it, wait for it to catch up',
    action: async () => {
      const wanted = process.argv[3];
      const topology = loadTopology();
      const found = topology.organizations.flatMap((org) =>
        org.peers.filter((peer) => peerId(org, peer) === wanted).map((peer) => ({ org, peer })),
      )[0];
      if (found === undefined) throw new Error(`no peer ${String(wanted)} in the topology`);
      const install = await ensureFabricBinaries(topology, log);
      await rebuildPeer({ install, topology, ...found, log });
    },
  },
  checkpoint: {
    describe: 'print a checkpoint (JSON) of the current block, for consent-ledger-verify --trust',
    action: async () => {
      const topology = loadTopology();
      const org = topology.organizations[0];
      if (org === undefined) throw new Error('the topology has no organization');
      const connection = connectAs({ org, identity: orgLayout(org).admin });
      try {
        console.log(JSON.stringify(await pinCheckpoint(connection.gateway, topology), null, 2));
      } finally {
        connection.close();
      }
    },
  },
  status: {
    describe: 'each process, its health and the channel height per peer',
    action: async () => {
      const topology = loadTopology();
      const install = await ensureFabricBinaries(topology, log);
      const rows = await status(install, topology);
      const table = [
        ...rows.map((row) => [
          row.name,
          String(row.pid ?? '-'),
          row.health,
          row.height === undefined ? '' : `height ${row.height}`,
        ]),
        ...(await gatewayUrls(topology, { withHealth: true })).map(({ org, url, health }) => [
          `gateway ${org}`,
          '',
          health ?? '',
          url,
        ]),
      ];
      const widths = [0, 1, 2].map((column) =>
        Math.max(...table.map((row) => row[column]?.length ?? 0)),
      );
      for (const row of table) {
        console.log(
          row
            .map((cell, column) => cell.padEnd(widths[column] ?? 0))
            .join('  ')
            .trimEnd(),
        );
      }
    },
  },
};

const [name] = process.argv.slice(2);
const command = name === undefined ? undefined : commands[name];
if (command === undefined) {
  console.log('Usage: node network/src/cli.ts <command>\n');
  for (const [key, value] of Object.entries(commands))
    console.log(`  ${key.padEnd(8)} ${value.describe}`);
  process.exitCode = name === undefined ? 0 : 2;
} else {
  try {
    await command.action();
  } catch (error) {
    console.error(
      `[consent-ledger] ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
}
