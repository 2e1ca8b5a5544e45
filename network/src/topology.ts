import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GOVERNMENT_MSP,
  HOSPITAL_TIERS,
  INSTITUTION_ID_PATTERN,
  INSTITUTION_TYPES,
  INSTITUTION_TYPES_BY_ORGANIZATION_TYPE,
  MAX_RETENTION_DAYS,
  ORGANIZATION_TYPES,
  REGION_CODE_PATTERN,
  RETENTION_KINDS,
  type RetentionKind,
  type RetentionPolicy,
} from '@consent-ledger/ledger-api';
import { parse } from 'yaml';
import { z } from 'zod';
import { runPaths, topologyFile } from './paths.ts';

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
  /**
   * Member institutions inside the organization (registered with it: docs/authorization.md,
   * "Member institutions"); a displayName stays in this file, off the ledger.
   */
  institutions: z
    .array(
      z.strictObject({
        institutionId: z.string().regex(INSTITUTION_ID_PATTERN),
        displayName: z.string().min(1),
        type: z.enum(INSTITUTION_TYPES),
        region: z.strictObject({
          province: regionCode,
          city: regionCode.optional(),
          county: regionCode.optional(),
        }),
      }),
    )
    .optional(),
  ca: caSchema,
  peers: z.array(peerSchema).min(1),
  /** The Raft orderers this organization runs for the channel, issued by its own CA. */
  orderers: z.array(ordererNodeSchema).optional(),
  gateway: z.strictObject({ host, port }),
  /**
   * `later`: a candidate, not a founding member: `npm start` leaves it out until
   * `npm run consortium -- join <name>` adds it to the channel (docs/deployment.md).
   */
  joins: z.literal('later').optional(),
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
      // Member institutions as the registry takes them (ledger-api; the chaincode refuses others).
      const allowed = INSTITUTION_TYPES_BY_ORGANIZATION_TYPE[org.type];
      const institutionIds = new Set<string>();
      for (const institution of org.institutions ?? []) {
        if (institutionIds.has(institution.institutionId)) {
          ctx.addIssue({
            code: 'custom',
            message: `${org.name} lists institution ${institution.institutionId} twice`,
          });
        }
        institutionIds.add(institution.institutionId);
        if (!allowed.includes(institution.type)) {
          ctx.addIssue({
            code: 'custom',
            message: `${org.name} (${org.type}) cannot list ${institution.type} institution ${institution.institutionId}`,
          });
        }
      }
    }
    const founders = topology.organizations.filter((org) => org.joins === undefined);
    if (!founders.some((org) => org.mspId === GOVERNMENT_MSP)) {
      ctx.addIssue({
        code: 'custom',
        message: `no organization ${GOVERNMENT_MSP}: every private data collection includes the regulator`,
      });
    }
    if (founders.length < 2) {
      ctx.addIssue({ code: 'custom', message: 'the channel needs at least two founding members' });
    }
    if (topology.chaincode.endorsement.outOf > founders.length) {
      ctx.addIssue({ code: 'custom', message: 'endorsement.outOf exceeds the organizations' });
    }
  });

type TopologyFile = z.infer<typeof topologySchema>;

/** One application organization of the topology file. */
export type Organization = TopologyFile['organizations'][number];

/**
 * The validated topology with the consortium's current membership applied: `organizations` are
 * the members of the channel now (founders, plus those that joined, minus those that left), in
 * the file's order; `candidates` are the file's other organizations (not joined yet, or left).
 * Everything generated from `organizations` (collections, endorsement policy, connection
 * profiles, gateways, status) thus follows the member list.
 */
export type Topology = TopologyFile & {
  readonly candidates: readonly Organization[];
  /** The organizations that left (their collections stay in the chaincode definition, retired). */
  readonly former: readonly Organization[];
};

const memberListSchema = z.strictObject({
  joined: z.array(name).readonly(),
  left: z.array(name).readonly(),
});

/**
 * The member list as recorded in the exchange (`members.json`): the organizations (by topology
 * name) that joined after the channel was created, and those that left. Written by the operator
 * (network/src/membership.ts) only.
 */
export type MemberList = Readonly<z.infer<typeof memberListSchema>>;

/** Where the consortium's member list is kept. */
export function membersFile(): string {
  return path.join(runPaths.exchange, 'members.json');
}

/** The recorded member list; empty (founders only) when nothing joined or left yet. */
export function readMemberList(file: string = membersFile()): MemberList {
  if (!existsSync(file)) return { joined: [], left: [] };
  // The exchange is writable by every member: a member list the operator (or this user) did not
  // write is refused, not trusted for collections, endorsement and profiles.
  const owner = lstatSync(file).uid;
  if (!lstatSync(file).isFile() || (owner !== 0 && owner !== process.getuid?.()))
    throw new Error(`${file} was not written by the operator: refusing it`);
  const result = memberListSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    throw new Error(`Invalid member list ${file}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Whether an organization of the file is a member under a member list. */
export function isMember(org: Organization, members: MemberList): boolean {
  if (members.left.includes(org.name)) return false;
  return org.joins === undefined || members.joined.includes(org.name);
}
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

/**
 * Reads and validates the topology file and applies the member list (by default the run folder's
 * `network/exchange/members.json`); throws with every problem listed.
 */
export function loadTopology(
  file: string = topologyFile,
  members: MemberList = readMemberList(),
): Topology {
  const result = topologySchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    throw new Error(`Invalid topology ${file}:\n${z.prettifyError(result.error)}`);
  }
  const all = result.data.organizations;
  for (const listed of [...members.joined, ...members.left]) {
    if (!all.some((org) => org.name === listed)) {
      throw new Error(`The member list names ${listed}, which is not in ${file}`);
    }
  }
  return {
    ...result.data,
    organizations: all.filter((org) => isMember(org, members)),
    candidates: all.filter((org) => !isMember(org, members)),
    former: all.filter((org) => members.left.includes(org.name)),
  };
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
