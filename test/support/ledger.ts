import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { Contract, Gateway } from '@hyperledger/fabric-gateway';
import {
  connectAs,
  loadTopology,
  orgLayout,
  type LedgerConnection,
  type Organization,
  type Topology,
} from '@consent-ledger/network';

/** The topology the integration tests run against. */
export const topology: Topology = loadTopology();

/**
 * An application organization by its short name (gov, tertiary, community, enterprise, research),
 * or a candidate of the topology (county: test/faults/membership.test.ts has it join).
 */
export function org(name: string): Organization {
  const found = [...topology.organizations, ...topology.candidates].find(
    (each) => each.name === name,
  );
  if (found === undefined) throw new Error(`no organization ${name}`);
  return found;
}

/** Connects to an organization's own peer as that organization's Fabric admin. */
export function connectAdmin(orgName: string): LedgerConnection {
  const organization = org(orgName);
  return connectAs({ org: organization, identity: orgLayout(organization).admin });
}

/** A contract of the consent-ledger chaincode on the channel. */
export function contractOf(gateway: Gateway, contractName?: string): Contract {
  return gateway
    .getNetwork(topology.channel.name)
    .getContract(topology.chaincode.name, contractName);
}

const decoder = new TextDecoder();

/** UTF-8 text of a transaction result. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The MSP IDs that endorsed a committed transaction, read from the ledger through qscc. */
export async function endorsingMsps(gateway: Gateway, txId: string): Promise<string[]> {
  const qscc = gateway.getNetwork(topology.channel.name).getContract('qscc');
  const bytes = await qscc.evaluateTransaction('GetTransactionByID', topology.channel.name, txId);
  const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  const envelope = processed.getTransactionenvelope();
  if (envelope === undefined) throw new Error(`transaction ${txId} has no envelope`);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const msps = transaction.getActionsList().flatMap((action) => {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    return (actionPayload.getAction()?.getEndorsementsList() ?? []).map((endorsement) =>
      msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid(),
    );
  });
  return [...new Set(msps)].sort();
}

/** The channel's height as an organization's peer reports it (qscc GetChainInfo). */
export async function ledgerHeight(orgName = 'gov'): Promise<bigint> {
  const connection = connectAdmin(orgName);
  try {
    const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
    const bytes = await qscc.evaluateTransaction('GetChainInfo', topology.channel.name);
    return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
  } finally {
    connection.close();
  }
}

/**
 * Waits until every organization's peer has committed block `blockNumber`. A commit status comes
 * from one peer; another organization's peer can be a block behind for some milliseconds, and a
 * transaction endorsed there reads older state than its other endorser's (Fabric refuses the
 * mismatch: "failed to collect enough transaction endorsements"). A test that acts through
 * another organization right after a write waits for this first, as a person would not act
 * within those milliseconds.
 */
export async function waitForAllPeers(blockNumber: bigint, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const heights = await Promise.all(
      topology.organizations.map((organization) => ledgerHeight(organization.name)),
    );
    if (heights.every((height) => height > blockNumber)) return;
    if (Date.now() > deadline) {
      throw new Error(`peers at heights ${heights.join(', ')}, not past block ${blockNumber}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until every organization's peer has every block some peer has committed now: after a
 * write through a gateway, whose answer carries no block number, before the next step is endorsed
 * by another organization's peer (see {@link waitForAllPeers}).
 */
export async function waitForPeersToCatchUp(timeoutMs = 30_000): Promise<void> {
  const heights = await Promise.all(
    topology.organizations.map((organization) => ledgerHeight(organization.name)),
  );
  const highest = heights.reduce((max, height) => (height > max ? height : max), 0n);
  if (highest > 0n) await waitForAllPeers(highest - 1n, timeoutMs);
}
