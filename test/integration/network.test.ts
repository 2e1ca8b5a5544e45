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
  ordererNodes,
} from '@consent-ledger/network';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import {
  collectionEndorsement,
  collectionMembers,
  collectionNames,
  GOVERNMENT_MSP,
} from '@consent-ledger/ledger-api';
import { collectionsConfig } from '@consent-ledger/network';
import { closeUsers, enrollUser } from '../support/identities.ts';
import { evaluate, submit } from '../support/ledger-calls.ts';
import { connectAdmin, endorsingMsps, topology } from '../support/ledger.ts';
import { registerPatient } from '../support/patients.ts';

const log = (): void => undefined;

/** Writes a baseline value endorsed by the given organizations (two by default). */
function put(
  connection: LedgerConnection,
  key: string,
  value: string,
  endorsers: readonly string[] = [GOVERNMENT_MSP, 'TertiaryHospitalMSP'],
) {
  return submit({ connection }, 'baseline:Put', [key, value], { endorsers });
}

/** Reads a baseline value on a connection's own peer. */
function get(connection: LedgerConnection, key: string): Promise<string> {
  return evaluate({ connection }, 'baseline:Get', key);
}

/** The chaincode definition committed on the channel, as a peer's _lifecycle answers it. */
async function committedDefinition(
  connection: LedgerConnection,
): Promise<peer.lifecycle.QueryChaincodeDefinitionResult> {
  const args = new peer.lifecycle.QueryChaincodeDefinitionArgs();
  args.setName(topology.chaincode.name);
  const bytes = await connection.gateway
    .getNetwork(topology.channel.name)
    .getContract('_lifecycle')
    .evaluateTransaction('QueryChaincodeDefinition', args.serializeBinary());
  return peer.lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(bytes);
}

/** The MSP IDs a signature policy envelope names. */
function policyMsps(envelope: common.SignaturePolicyEnvelope | undefined): string[] {
  return (envelope?.getIdentitiesList() ?? [])
    .map((principal) =>
      msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier(),
    )
    .sort();
}

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
        return await get(connection, key);
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
    closeUsers();
  });

  it('has every CA, orderer and peer running and healthy', async () => {
    const rows = await status(install, topology);
    const expected = topology.organizations.length + ordererNodes(topology).length + 5;
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
    const commit = await put(gov, key, 'shared');

    const endorsers = await endorsingMsps(gov.gateway, commit.txId);
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
    const failure: unknown = await put(gov, key, 'alone', [GOVERNMENT_MSP]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { code?: number }).code).toBe(
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
    expect(await readEverywhere(key)).toEqual(topology.organizations.map(() => ''));
  });

  it('defines the private data collections in the committed definition, as the topology generates them', async () => {
    const mspIds = topology.organizations.map((org) => org.mspId);
    const definition = await committedDefinition(gov);
    const configs = (definition.getCollections()?.getConfigList() ?? []).map((config) => {
      const collection = config.getStaticCollectionConfig();
      if (collection === undefined) throw new Error('a static collection');
      return collection;
    });
    expect(configs.map((config) => config.getName()).sort()).toEqual(collectionNames(mspIds));
    expect(configs.map((config) => config.getName()).sort()).toEqual(
      collectionsConfig(topology).map((config) => config.name),
    );
    for (const config of configs) {
      const name = config.getName();
      const members = [...collectionMembers(name, mspIds)].sort();
      expect(policyMsps(config.getMemberOrgsPolicy()?.getSignaturePolicy()), name).toEqual(members);
      expect(config.getMemberOnlyRead(), name).toBe(true);
      expect(config.getMemberOnlyWrite(), name).toBe(true);
      expect(config.getBlockToLive(), name).toBe(0);
      expect(config.getRequiredPeerCount(), name).toBe(0);
      expect(config.getMaximumPeerCount(), name).toBe(members.length - 1);
      const endorsement = config.getEndorsementPolicy()?.getSignaturePolicy();
      expect(policyMsps(endorsement), name).toEqual(
        [...collectionEndorsement(name, mspIds).peers].sort(),
      );
    }
  });

  it('keeps state through a chaincode upgrade (sequence + 1), private data too', async () => {
    const key = `upgrade-${randomUUID()}`;
    await put(gov, key, 'before-upgrade');
    // Private data: a patient's binding (the home's collection) and a consent (a pair's).
    const patient = await registerPatient('tertiary');
    const { result: consent } = await submit(patient.carrier, 'consent:GrantConsent', [
      await patient.sign('consent:GrantConsent', {
        grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['outpatient'],
      }),
    ]);
    const [grantee, regulator] = await Promise.all([
      enrollUser({ org: 'community', role: 'clinician' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
    ]);
    const before = await committedDefinition(gov);
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
    await put(gov, key, 'after-upgrade');
    expect(await get(gov, key)).toBe('after-upgrade');
    // The collections came through the upgrade unchanged, and so did their data.
    const after = await committedDefinition(gov);
    expect(after.getSequence()).toBe(before.getSequence() + 2);
    expect(after.getCollections()?.serializeBinary()).toEqual(
      before.getCollections()?.serializeBinary(),
    );
    expect(
      (await evaluate(patient.carrier, 'patient:GetBinding', patient.patientId)).keys,
    ).toHaveLength(1);
    for (const reader of [patient.carrier, grantee, regulator]) {
      expect(await evaluate(reader, 'consent:GetConsent', consent.consentId)).toMatchObject({
        consentId: consent.consentId,
        salt: consent.salt,
        status: 'active',
      });
    }
  });

  it('keeps the ledger through down and up', async () => {
    const key = `restart-${randomUUID()}`;
    await put(gov, key, 'durable');
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
    await put(gov, key, 'written-after-restart');
    expect(await get(gov, key)).toBe('written-after-restart');
  });
});
