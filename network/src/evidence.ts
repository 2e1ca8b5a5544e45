import { X509Certificate } from 'node:crypto';
import {
  blockByNumber,
  buildBundle,
  channelCertificates,
  headerHash,
  headerJson,
  mspCertificates as applicationCertificates,
  PRIVATE_SUBJECTS,
  privateWriteInBlock,
  type Checkpoint,
  type Evaluate,
  type EvidenceBundle,
  type EvidenceBundleV2,
  type PrivateWrite,
  type Subject,
} from '@consent-ledger/verifier';
import { common } from '@hyperledger/fabric-protos';
import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import type { Topology } from './topology.ts';

/**
 * Builds evidence bundles (docs/evidence-bundle.md) and checkpoints from a peer's ledger, through
 * qscc and cscc and, for a private subject, the block with its private data as the peer delivers it
 * to the connection's organization, with a Fabric Gateway connection (the building itself is the
 * verifier package's buildBundle). Nothing here is trusted by the verifier: it only gathers bytes.
 */

/** Options of {@link buildEvidence}. */
export interface EvidenceOptions {
  readonly gateway: Gateway;
  readonly topology: Topology;
  readonly txId: string;
  readonly subject: Subject;
  /** Include the headers from the transaction's block up to this checkpoint's block. */
  readonly upTo?: Checkpoint;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Evaluates system chaincode transactions over a network connection. */
const evaluatorOf =
  (network: Network): Evaluate =>
  (chaincode, fn, args) =>
    network.getContract(chaincode).evaluateTransaction(fn, ...args);

/** Each application organization's root and intermediate CA certificates (PEM), from cscc. */
export function mspCertificates(network: Network): Promise<EvidenceBundle['certificates']> {
  return applicationCertificates(evaluatorOf(network), network.getName());
}

/**
 * The private write of a private subject (an access event, a consent version) in its transaction,
 * from the block with the private data of the collections the connection's organization belongs
 * to. Fails when that organization holds no value naming the subject.
 */
async function privateWriteFromPeer(
  network: Network,
  options: Readonly<EvidenceOptions>,
): Promise<PrivateWrite> {
  const block = common.Block.deserializeBinary(
    await network
      .getContract('qscc')
      .evaluateTransaction('GetBlockByTxID', network.getName(), options.txId),
  );
  const number = block.getHeader()?.getNumber();
  if (number === undefined) throw new Error(`the block of ${options.txId} has no header`);
  const events = await network.getBlockAndPrivateDataEvents({ startBlock: BigInt(number) });
  try {
    for await (const event of events) {
      const found = privateWriteInBlock({
        event,
        txId: options.txId,
        chaincode: options.topology.chaincode.name,
        subject: options.subject,
      });
      if (found === undefined) {
        throw new Error(
          `transaction ${options.txId} wrote no private value naming the ${options.subject.kind} in a collection of this organization`,
        );
      }
      return found;
    }
  } finally {
    events.close();
  }
  throw new Error(`no block ${String(number)} delivered`);
}

/**
 * Builds the evidence bundle of a committed transaction; for a private subject, with its private
 * write as this connection's organization holds it (the caller must be entitled to the subject:
 * this reads the block's private data directly, not through the chaincode's rules).
 */
export async function buildEvidence(options: Readonly<EvidenceOptions>): Promise<EvidenceBundleV2> {
  const network = options.gateway.getNetwork(options.topology.channel.name);
  const privateWrite = PRIVATE_SUBJECTS.includes(options.subject.kind)
    ? await privateWriteFromPeer(network, options)
    : undefined;
  return buildBundle({
    evaluate: evaluatorOf(network),
    channel: network.getName(),
    chaincode: options.topology.chaincode.name,
    txId: options.txId,
    subject: options.subject,
    endorsementPolicy: {
      outOf: options.topology.chaincode.endorsement.outOf,
      orgs: options.topology.organizations.map((org) => org.mspId),
    },
    ...(options.upTo === undefined ? {} : { upTo: options.upTo }),
    ...(privateWrite === undefined ? {} : { privateWrite }),
  });
}

/**
 * Pins the channel's current block as a checkpoint: its number, its header hash (computed here
 * from the header, and cross-checked against the peer's chain info) and the application and
 * orderer organizations' root CAs' fingerprints.
 */
export async function pinCheckpoint(gateway: Gateway, topology: Topology): Promise<Checkpoint> {
  const network = gateway.getNetwork(topology.channel.name);
  const info = common.BlockchainInfo.deserializeBinary(
    await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName()),
  );
  const number = BigInt(info.getHeight()) - 1n;
  const header = headerJson(await blockByNumber(evaluatorOf(network), network.getName(), number));
  const hash = headerHash({
    number,
    previousHash: Buffer.from(header.previousHash, 'hex'),
    dataHash: Buffer.from(header.dataHash, 'hex'),
  }).toString('hex');
  const reported = hex(info.getCurrentblockhash_asU8());
  if (reported !== '' && reported !== hash) {
    throw new Error(`block ${number} hashes to ${hash}, the peer reports ${reported}`);
  }
  // The application and the orderer organizations' roots: a bundle's orderer-signature check
  // trusts the orderer CAs it carries only when the checkpoint pins them too.
  const { application, orderer } = await channelCertificates(
    evaluatorOf(network),
    network.getName(),
  );
  const msps: Record<string, string[]> = {};
  for (const [mspId, authorities] of [
    ...Object.entries(application),
    ...Object.entries(orderer ?? {}),
  ]) {
    const fingerprints = authorities.roots.map((pem) =>
      new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase(),
    );
    msps[mspId] = [...new Set([...(msps[mspId] ?? []), ...fingerprints])];
  }
  return {
    version: 1,
    channel: network.getName(),
    number: number.toString(),
    headerHash: hash,
    msps,
  };
}
