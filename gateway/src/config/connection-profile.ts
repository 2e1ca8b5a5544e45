import { readFileSync } from 'node:fs';
import {
  HOSPITAL_TIERS,
  ORGANIZATION_TYPES,
  type HospitalTier,
  type OrganizationType,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';

const pem = z.string().includes('-----BEGIN CERTIFICATE-----');

const profileSchema = z.object({
  client: z.object({ organization: z.string().min(1) }),
  peers: z.record(
    z.string(),
    z.object({
      url: z.string().regex(/^grpcs?:\/\/[^/]+$/, 'grpc(s)://host:port'),
      tlsCACerts: z.object({ pem }),
      grpcOptions: z.record(z.string(), z.string()).optional(),
    }),
  ),
  organizations: z.record(
    z.string(),
    z.object({
      mspid: z.string().min(1),
      peers: z.array(z.string()).min(1),
      certificateAuthorities: z.array(z.string()).min(1),
    }),
  ),
  certificateAuthorities: z.record(
    z.string(),
    z.object({
      url: z.string().regex(/^https?:\/\//),
      caName: z.string().min(1),
      tlsCACerts: z.object({ pem: z.array(pem).min(1) }),
      httpOptions: z.object({ verify: z.boolean() }).optional(),
    }),
  ),
  'x-consent-ledger': z.object({
    channel: z.string().min(1),
    chaincode: z.string().min(1),
    mspId: z.string().min(1),
    displayName: z.string().min(1),
    type: z.enum(ORGANIZATION_TYPES),
    tier: z.enum(HOSPITAL_TIERS).optional(),
    region: z.record(z.string(), z.string()),
    registrar: z.object({ enrollmentId: z.string().min(1), enrollmentSecret: z.string().min(1) }),
  }),
});

/** What the gateway needs to know of its organization, its peer and its CA. */
export interface OrgProfile {
  readonly mspId: string;
  readonly displayName: string;
  readonly type: OrganizationType;
  readonly tier?: HospitalTier;
  readonly region: Readonly<Record<string, string>>;
  readonly channel: string;
  readonly chaincode: string;
  readonly peer: {
    readonly name: string;
    /** `host:port`, without scheme. */
    readonly endpoint: string;
    readonly tls: boolean;
    readonly tlsCaPem: string;
    readonly hostOverride?: string;
  };
  readonly ca: {
    readonly url: string;
    readonly caName: string;
    readonly tlsCaPems: readonly string[];
    readonly verify: boolean;
  };
  readonly registrar: { readonly enrollmentId: string; readonly enrollmentSecret: string };
}

/** Parses a connection profile (common format plus `x-consent-ledger`); throws on any gap. */
export function parseConnectionProfile(json: unknown): OrgProfile {
  const result = profileSchema.safeParse(json);
  if (!result.success)
    throw new Error(`Invalid connection profile:\n${z.prettifyError(result.error)}`);
  const profile = result.data;
  const own = profile['x-consent-ledger'];
  const org = profile.organizations[own.mspId];
  if (org === undefined) throw new Error(`Connection profile has no organization ${own.mspId}`);
  const peerName = org.peers[0] ?? '';
  const peer = profile.peers[peerName];
  if (peer === undefined) throw new Error(`Connection profile has no peer ${peerName}`);
  const caName = org.certificateAuthorities[0] ?? '';
  const ca = profile.certificateAuthorities[caName];
  if (ca === undefined) throw new Error(`Connection profile has no CA ${caName}`);
  const hostOverride = peer.grpcOptions?.['ssl-target-name-override'];
  return {
    mspId: own.mspId,
    displayName: own.displayName,
    type: own.type,
    ...(own.tier === undefined ? {} : { tier: own.tier }),
    region: own.region,
    channel: own.channel,
    chaincode: own.chaincode,
    peer: {
      name: peerName,
      endpoint: peer.url.replace(/^grpcs?:\/\//, ''),
      tls: peer.url.startsWith('grpcs://'),
      tlsCaPem: peer.tlsCACerts.pem,
      ...(hostOverride === undefined ? {} : { hostOverride }),
    },
    ca: {
      url: ca.url,
      caName: ca.caName,
      tlsCaPems: ca.tlsCACerts.pem,
      verify: ca.httpOptions?.verify ?? true,
    },
    registrar: own.registrar,
  };
}

/** Reads and parses the connection profile file. */
export function loadConnectionProfile(file: string): OrgProfile {
  return parseConnectionProfile(JSON.parse(readFileSync(file, 'utf8')));
}

/** Injection token of the {@link OrgProfile}. */
export const ORG_PROFILE = Symbol('ORG_PROFILE');
