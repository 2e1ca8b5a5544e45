import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelHeight,
  deployChaincode,
  down,
  ensureFabricBinaries,
  peerChannels,
  processesMentioning,
  runDir,
  externalBuilderDir,
  startGateways,
  status,
  up,
  waitUntil,
  type FabricInstall,
  type LedgerConnection,
} from '@consent-ledger/network';
import { peer } from '@hyperledger/fabric-protos';
import { connectAdmin, contractOf, endorsingMsps, text, topology } from '../support/ledger.ts';

const log = (): void => undefined;

async function heights(install: FabricInstall): Promise<number[]> {
  return Promise.all(
    topology.organizations.flatMap((org) =>
      org.peers.map((peer) => channelHeight(install, topology, org, peer)),
    ),
  );
}

async function readEverywhere(key: string): Promise<string[]> {
  return Promise.all(
    topology.organizations.map(async (org) => {
      const connection = connectAdmin(org.name);
      try {
        return text(
          await contractOf(connection.gateway, 'baseline').evaluateTransaction('Get', key),
        );
      } finally {
        connection.close();
      }
    }),
  );
}

describe('the Fabric network', () => {
  let install: FabricInstall;
  let gov: LedgerConnection;

  beforeAll(async () => {
    install = await ensureFabricBinaries(topology);
    gov = connectAdmin('gov');
  });

  afterAll(() => {
    gov.close();
  });

  it('has every CA, orderer and peer running and healthy', async () => {
    const rows = await status(install, topology);
    const expected = 1 + topology.organizations.length + topology.orderer.nodes.length + 5;
    expect(rows).toHaveLength(expected);
    for (const row of rows) {
      expect(row, row.name).toMatchObject({ health: 'OK' });
      expect(row.pid).toBeGreaterThan(0);
    }
  });

  it('has all five organizations joined to the channel', async () => {
    expect(topology.organizations.map((org) => org.mspId)).toEqual([
      'GovMSP',
      'TertiaryHospitalMSP',
      'CommunityHospitalMSP',
      'EnterpriseMSP',
      'ResearchMSP',
    ]);
    for (const org of topology.organizations) {
      for (const peer of org.peers) {
        expect(await peerChannels(install, org, peer)).toContain(topology.channel.name);
      }
    }
  });

  it('endorses a transaction by two organizations and serves it from every peer', async () => {
    const key = `network-${randomUUID()}`;
    const contract = contractOf(gov.gateway, 'baseline');
    const submitted = await contract.submitAsync('Put', { arguments: [key, 'shared'] });
    const commit = await submitted.getStatus();
    expect(commit.successful).toBe(true);

    const endorsers = await endorsingMsps(gov.gateway, submitted.getTransactionId());
    expect(endorsers.length).toBeGreaterThanOrEqual(2);

    await waitUntil(async () => (await readEverywhere(key)).every((value) => value === 'shared'), {
      description: 'the value on every peer',
      timeoutMs: 30_000,
    });
    await waitUntil(async () => new Set(await heights(install)).size === 1, {
      description: 'every peer at the same height',
      timeoutMs: 30_000,
    });
    const [height] = await heights(install);
    expect(height).toBeGreaterThanOrEqual(Number(commit.blockNumber) + 1);
  });

  it('refuses a write endorsed by a single organization', async () => {
    const key = `single-${randomUUID()}`;
    const proposal = contractOf(gov.gateway, 'baseline').newProposal('Put', {
      arguments: [key, 'alone'],
      endorsingOrganizations: ['GovMSP'],
    });
    const transaction = await proposal.endorse();
    const submitted = await transaction.submit();
    const commit = await submitted.getStatus();
    expect(commit.successful).toBe(false);
    expect(commit.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    expect(await readEverywhere(key)).toEqual(topology.organizations.map(() => ''));
  });

  it('keeps state through a chaincode upgrade (sequence + 1)', async () => {
    const key = `upgrade-${randomUUID()}`;
    await contractOf(gov.gateway, 'baseline').submitTransaction('Put', key, 'before-upgrade');
    const changed = await deployChaincode({
      install,
      topology,
      log,
      extraFiles: { 'UPGRADE-TEST': key },
    });
    expect(changed.changed).toBe(true);
    const restored = await deployChaincode({ install, topology, log });
    expect(restored.changed).toBe(true);
    expect(restored.sequence).toBe(changed.sequence + 1);
    const again = await deployChaincode({ install, topology, log });
    expect(again).toEqual({ ...restored, changed: false });

    expect(await readEverywhere(key)).toEqual(topology.organizations.map(() => 'before-upgrade'));
    await contractOf(gov.gateway, 'baseline').submitTransaction('Put', key, 'after-upgrade');
    expect(text(await contractOf(gov.gateway, 'baseline').evaluateTransaction('Get', key))).toBe(
      'after-upgrade',
    );
  });

  it('keeps the ledger through down and up', async () => {
    const key = `restart-${randomUUID()}`;
    await contractOf(gov.gateway, 'baseline').submitTransaction('Put', key, 'durable');
    await waitUntil(async () => new Set(await heights(install)).size === 1, {
      description: 'every peer at the same height',
      timeoutMs: 30_000,
    });
    const [before = 0] = await heights(install);
    gov.close();

    await down(log, topology);
    const stopped = await status(install, topology);
    expect(stopped.every((row) => row.health === 'stopped')).toBe(true);
    // Nothing of the project is left: no Fabric binary, no chaincode, nothing run from .run/.
    expect(processesMentioning([install.binDir, runDir, externalBuilderDir])).toEqual([]);
    const started = Date.now();
    await up(log, topology);
    await startGateways(topology, log);
    const upSeconds = (Date.now() - started) / 1000;
    console.log(`up from stopped took ${upSeconds.toFixed(1)} s`);

    gov = connectAdmin('gov');
    const after = await heights(install);
    expect(after.every((height) => height >= before)).toBe(true);
    await waitUntil(async () => (await readEverywhere(key)).every((value) => value === 'durable'), {
      description: 'state after restart',
      timeoutMs: 60_000,
    });
    await contractOf(gov.gateway, 'baseline').submitTransaction(
      'Put',
      key,
      'written-after-restart',
    );
    expect(text(await contractOf(gov.gateway, 'baseline').evaluateTransaction('Get', key))).toBe(
      'written-after-restart',
    );
  });
});
