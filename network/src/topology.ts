import { readFileSync } from 'node:fs';
import {
  GOVERNMENT_MSP,
  HOSPITAL_TIERS,
  MAX_RETENTION_DAYS,
  ORGANIZATION_TYPES,
  REGION_CODE_PATTERN,
  RETENTION_KINDS,
  type RetentionKind,
  type RetentionPolicy,
} from '@consent-ledger/ledger-api';
import { parse } from 'yaml';
import { z } from 'zod';
import { topologyFile } from './paths.ts';

const port = z.number().int().min(1).max(65535);
const host = z.string().min(1);
const name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

/** A GB/T 2260 division code, as the organization registry takes it. */
const regionCode = z.string().regex(REGION_CODE_PATTERN);

const caSchema = z.strictObject({ host, port, operationsPort: port });

const peerSchema = z.strictObject({
  name,
  host,
  port,
  chaincodePort: port,
  operationsPort: port,
});

const ordererNodeSchema = z.strictObject({
  name,
  host,
  port,
  adminPort: port,
  operationsPort: port,
});

const organizationSchema = z.strictObject({
  name,
  mspId: z.string().regex(/^[A-Za-z][A-Za-z0-9]*MSP$/),
  displayName: z.string().min(1),
  type: z.enum(ORGANIZATION_TYPES),
  tier: z.enum(HOSPITAL_TIERS).optional(),
  region: z.strictObject({
    province: regionCode,
    city: regionCode.optional(),
    county: regionCode.optional(),
  }),
  ca: caSchema,
  peers: z.array(peerSchema).min(1),
  /** The Raft orderers this organization runs for the channel, issued by its own CA. */
  orderers: z.array(ordererNodeSchema).optional(),
  gateway: z.strictObject({ host, port }),
});

const sizeSchema = z.string().regex(/^\d+ (KB|MB)$/);

/** Days a kind of data is kept: one day to a hundred years (ledger-api MAX_RETENTION_DAYS). */
const retentionDays = z.number().int().min(1).max(MAX_RETENTION_DAYS);

/**
 * Every kind of data with a retention period (ledger-api RETENTION_KINDS), each a number of days;
 * no other key.
 */
const retentionSchema = z.strictObject(
  Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, retentionDays])) as Record<
    RetentionKind,
    typeof retentionDays
  >,
) satisfies z.ZodType<RetentionPolicy>;

const topologySchema = z
  .strictObject({
    fabric: z.strictObject({
      module: z.string(),
      version: z.string(),
      release: z.string(),
      ca: z.strictObject({ module: z.string(), version: z.string() }),
    }),
    channel: z.strictObject({
      name: z.string().regex(/^[a-z][a-z0-9.-]*$/),
      batchTimeout: z.string().regex(/^\d+(ms|s)$/),
      maxMessageCount: z.number().int().positive(),
      absoluteMaxBytes: sizeSchema,
      preferredMaxBytes: sizeSchema,
    }),
    chaincode: z.strictObject({
      name: z.string().regex(/^[a-z][a-z0-9-]*$/),
      endorsement: z.strictObject({ outOf: z.number().int().min(1) }),
      retention: retentionSchema,
    }),
    organizations: z.array(organizationSchema).min(2),
  })
  .superRefine((topology, ctx) => {
    const seen = new Map<string, string>();
    const claim = (key: string, owner: string): void => {
      const previous = seen.get(key);
      if (previous !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `${key} is used by both ${previous} and ${owner}`,
        });
      }
      seen.set(key, owner);
    };
    const ordererCounts = topology.organizations.map((org) => org.orderers?.length ?? 0);
    const ordererTotal = ordererCounts.reduce((sum, count) => sum + count, 0);
    if (ordererTotal === 0) {
      ctx.addIssue({ code: 'custom', message: 'no organization runs an orderer' });
    }
    topology.organizations.forEach((org, index) => {
      if (2 * (ordererCounts[index] ?? 0) > ordererTotal && ordererTotal > 1) {
        ctx.addIssue({
          code: 'custom',
          message: `${org.name} runs a majority of the orderers: no member may order the channel alone`,
        });
      }
    });
    for (const org of topology.organizations) {
      for (const node of org.orderers ?? []) {
        claim(`orderer ${node.name}`, org.name);
        for (const p of [node.port, node.adminPort, node.operationsPort]) {
          claim(`${node.host}:${p}`, node.name);
        }
      }
    }
    for (const org of topology.organizations) {
      claim(`MSP ID ${org.mspId}`, org.name);
      claim(`${org.ca.host}:${org.ca.port}`, `${org.name} CA`);
      claim(`${org.ca.host}:${org.ca.operationsPort}`, `${org.name} CA`);
      claim(`${org.gateway.host}:${org.gateway.port}`, `${org.name} gateway`);
      for (const peer of org.peers) {
        for (const p of [peer.port, peer.chaincodePort, peer.operationsPort]) {
          claim(`${peer.host}:${p}`, `${peer.name}.${org.name}`);
        }
      }
      if (org.type === 'hospital' && org.tier === undefined) {
        ctx.addIssue({ code: 'custom', message: `hospital ${org.name} needs a tier` });
      }
    }
    if (!topology.organizations.some((org) => org.mspId === GOVERNMENT_MSP)) {
      ctx.addIssue({
        code: 'custom',
        message: `no organization ${GOVERNMENT_MSP}: every private data collection includes the regulator`,
      });
    }
    if (topology.chaincode.endorsement.outOf > topology.organizations.length) {
      ctx.addIssue({ code: 'custom', message: 'endorsement.outOf exceeds the organizations' });
    }
  });

/** The validated topology file. */
export type Topology = z.infer<typeof topologySchema>;
/** One application organization of the topology. */
export type Organization = Topology['organizations'][number];
/** One peer of an organization. */
export type Peer = Organization['peers'][number];
/** One orderer node, with the organization that runs it. */
export type OrdererNode = NonNullable<Organization['orderers']>[number] & {
  readonly org: Organization;
};

/** Every orderer node of the channel, in topology order, each with its organization. */
export function ordererNodes(topology: Topology): OrdererNode[] {
  return topology.organizations.flatMap((org) =>
    (org.orderers ?? []).map((node) => ({ ...node, org })),
  );
}

/** The organizations that run orderers (the channel's orderer organizations). */
export function ordererOrganizations(topology: Topology): Organization[] {
  return topology.organizations.filter((org) => (org.orderers ?? []).length > 0);
}

/** Reads and validates the topology file; throws with every problem listed. */
export function loadTopology(file: string = topologyFile): Topology {
  const result = topologySchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    throw new Error(`Invalid topology ${file}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** `host:port` of an endpoint. */
export function endpoint(node: Readonly<{ host: string; port: number }>): string {
  return `${node.host}:${node.port}`;
}

/** The peer's unique name, such as `peer0.gov`. */
export function peerId(org: Organization, peer: Peer): string {
  return `${peer.name}.${org.name}`;
}

/** Parses a size such as `64 MB` into bytes. */
export function parseSize(size: string): number {
  const [amount = '0', unit] = size.split(' ');
  return Number(amount) * (unit === 'MB' ? 1024 * 1024 : 1024);
}
