import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  collectionEndorsement,
  collectionMembers,
  collectionNames,
} from '@consent-ledger/ledger-api';
import { runPaths } from './paths.ts';
import { exchangeFolder } from './workspaces.ts';
import type { Topology } from './topology.ts';

/**
 * The chaincode definition's private data collections (docs/privacy.md), generated from the
 * topology by ledger-api's collection functions: the chaincode writes, the gateways choose
 * endorsers and the network defines the collections by the same names and members.
 */

/** One static collection as `peer lifecycle chaincode --collections-config` reads it. */
export interface CollectionConfig {
  readonly name: string;
  /** The member organizations: `OR('<MSP>.member', ...)`. */
  readonly policy: string;
  /** Peers the endorsing peer must hand the data to before endorsing: none (gossip later). */
  readonly requiredPeerCount: number;
  /** Peers the endorsing peer tries to hand the data to: every other member's. */
  readonly maxPeerCount: number;
  /** 0: kept until erased (PurgePrivateData). */
  readonly blockToLive: number;
  readonly memberOnlyRead: boolean;
  readonly memberOnlyWrite: boolean;
  /** Who must endorse a write to the collection: its members only. */
  readonly endorsementPolicy: { readonly signaturePolicy: string };
}

const quoted = (principal: string): string => `'${principal}'`;

/**
 * The collections of the topology's channel, sorted by name: every member's, and those of the
 * organizations that left (Fabric never lets a definition drop a collection), retired: their
 * members and endorsers are what remains of them among the current members (the regulator keeps
 * what was recorded; the leaver reads and writes nothing more).
 */
export function collectionsConfig(topology: Topology): CollectionConfig[] {
  const members = topology.organizations.map((org) => org.mspId);
  const current = new Set(members);
  const everyone = [...members, ...topology.former.map((org) => org.mspId)];
  return collectionNames(everyone).map((name) => {
    const collectionMspIds = collectionMembers(name, everyone).filter((msp) => current.has(msp));
    const endorsement = collectionEndorsement(name, everyone);
    const endorsers = endorsement.peers.filter((msp) => current.has(msp));
    return {
      name,
      policy: `OR(${collectionMspIds.map((msp) => quoted(`${msp}.member`)).join(', ')})`,
      requiredPeerCount: 0,
      maxPeerCount: collectionMspIds.length - 1,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: {
        signaturePolicy: `OutOf(${Math.min(endorsement.outOf, endorsers.length)}, ${endorsers
          .map((msp) => quoted(`${msp}.peer`))
          .join(', ')})`,
      },
    };
  });
}

/** The collections configuration as the file's text (stable: the same topology, the same bytes). */
export function collectionsConfigJson(topology: Topology): string {
  return `${JSON.stringify(collectionsConfig(topology), null, 2)}\n`;
}

/** A collections configuration written for the lifecycle commands. */
export interface CollectionsFile {
  readonly file: string;
  /** SHA-256 (hex) of the file's bytes. */
  readonly sha256: string;
}

/**
 * Writes the collections configuration of the topology's chaincode to the exchange
 * (`.run/network/exchange/chaincode/<chaincode>.collections.json`), for approveformyorg and commit.
 */
export function writeCollectionsConfig(topology: Topology): CollectionsFile {
  const text = collectionsConfigJson(topology);
  const file = path.join(
    exchangeFolder(runPaths.chaincodeExchange),
    `${topology.chaincode.name}.collections.json`,
  );
  writeFileSync(file, text);
  return { file, sha256: createHash('sha256').update(text).digest('hex') };
}
