import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { retentionPolicyOf } from '@consent-ledger/ledger-api';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { definitionVersion, endorsementPolicy, retentionJson } from './chaincode.ts';
import { collectionsConfig, collectionsConfigJson, type CollectionConfig } from './collections.ts';
import { topologyFile } from './paths.ts';
import { loadTopology, type Topology } from './topology.ts';

// The founders, whatever the local run folder's member list says.
const topology = loadTopology(topologyFile, { joined: [], left: [] });
const dir = mkdtempSync(path.join(tmpdir(), 'collections-spec-'));

type Yaml = Record<string, Record<string, unknown>>;

/** The topology file changed by `edit`, loaded (or its validation error thrown). */
function loadEdited(edit: (document: Yaml) => void): Topology {
  const document = parse(readFileSync(topologyFile, 'utf8')) as Yaml;
  edit(document);
  const file = path.join(dir, `topology-${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(file, stringify(document));
  return loadTopology(file, { joined: [], left: [] });
}

/** The topology with a sixth organization. */
function withSixthOrganization(): Topology {
  const [first] = topology.organizations;
  if (first === undefined) throw new Error('no organization');
  return {
    ...topology,
    organizations: [
      ...topology.organizations,
      { ...first, name: 'pharmacy', mspId: 'PharmacyMSP', type: 'enterprise' },
    ],
  };
}

describe('the collections configuration', () => {
  const collections = collectionsConfig(topology);

  it('has an organization collection per organization and a pair per two non-regulators', () => {
    expect(collections.map((each) => each.name)).toEqual([
      'org_CommunityHospitalMSP',
      'org_EnterpriseMSP',
      'org_GovMSP',
      'org_ResearchMSP',
      'org_TertiaryHospitalMSP',
      'pair_CommunityHospitalMSP_EnterpriseMSP',
      'pair_CommunityHospitalMSP_ResearchMSP',
      'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
      'pair_EnterpriseMSP_ResearchMSP',
      'pair_EnterpriseMSP_TertiaryHospitalMSP',
      'pair_ResearchMSP_TertiaryHospitalMSP',
    ]);
  });

  it('lets only members hold, read, write and endorse, and keeps data until erased', () => {
    const byName = new Map(collections.map((each) => [each.name, each]));
    expect(byName.get('pair_CommunityHospitalMSP_TertiaryHospitalMSP')).toEqual({
      name: 'pair_CommunityHospitalMSP_TertiaryHospitalMSP',
      policy: "OR('CommunityHospitalMSP.member', 'TertiaryHospitalMSP.member', 'GovMSP.member')",
      requiredPeerCount: 0,
      maxPeerCount: 2,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: {
        signaturePolicy:
          "OutOf(2, 'CommunityHospitalMSP.peer', 'TertiaryHospitalMSP.peer', 'GovMSP.peer')",
      },
    });
    expect(byName.get('org_EnterpriseMSP')).toMatchObject({
      policy: "OR('EnterpriseMSP.member', 'GovMSP.member')",
      maxPeerCount: 1,
      endorsementPolicy: { signaturePolicy: "OutOf(2, 'EnterpriseMSP.peer', 'GovMSP.peer')" },
    });
    expect(byName.get('org_GovMSP')).toMatchObject({
      policy: "OR('GovMSP.member')",
      requiredPeerCount: 0,
      maxPeerCount: 0,
      endorsementPolicy: { signaturePolicy: "OutOf(1, 'GovMSP.peer')" },
    });
    for (const each of collections) {
      expect(each).toMatchObject({
        requiredPeerCount: 0,
        blockToLive: 0,
        memberOnlyRead: true,
        memberOnlyWrite: true,
      });
      expect(each.policy).toContain("'GovMSP.member'");
    }
  });

  it('is the same text for the same topology, whatever the order of its organizations', () => {
    const reversed = { ...topology, organizations: [...topology.organizations].reverse() };
    expect(collectionsConfigJson(reversed)).toBe(collectionsConfigJson(topology));
    expect(JSON.parse(collectionsConfigJson(topology))).toEqual(collections);
  });

  it('grows with a new organization: its own collection and a pair with each other', () => {
    const names = collectionsConfig(withSixthOrganization()).map((each) => each.name);
    expect(names).toHaveLength(11 + 1 + 4);
    expect(names).toContain('org_PharmacyMSP');
    expect(names).toContain('pair_PharmacyMSP_TertiaryHospitalMSP');
    expect(names.filter((name) => name.includes('GovMSP'))).toEqual(['org_GovMSP']);
  });
});

describe('the definition version', () => {
  const label = 'consent-ledger_0123456789abcdef';
  const policy = endorsementPolicy(topology);
  const sha = (text: string): string =>
    Buffer.from(new TextEncoder().encode(text)).toString('hex').padEnd(64, '0').slice(0, 64);

  it('names the package and hashes the policy and collections, as Fabric accepts versions', () => {
    const version = definitionVersion({ label, policy, collectionsSha256: sha('a') });
    expect(version).toMatch(/^0123456789abcdef\.[0-9a-f]{12}$/);
    expect(version).toMatch(/^[A-Za-z0-9_.+-]+$/);
    expect(definitionVersion({ label, policy, collectionsSha256: sha('a') })).toBe(version);
  });

  it('changes with the collections or the endorsement policy, not only with the package', () => {
    const version = definitionVersion({ label, policy, collectionsSha256: sha('a') });
    expect(definitionVersion({ label, policy, collectionsSha256: sha('b') })).not.toBe(version);
    expect(
      definitionVersion({
        label,
        policy: endorsementPolicy({
          ...topology,
          chaincode: { ...topology.chaincode, endorsement: { outOf: 3 } },
        }),
        collectionsSha256: sha('a'),
      }),
    ).not.toBe(version);
  });
});

describe('the retention policy', () => {
  it('is read from the topology and packaged as sorted-key JSON', () => {
    expect(topology.chaincode.retention).toEqual({
      accessEvent: 3650,
      consent: 1825,
      referral: 1825,
    });
    const reordered = loadEdited((document) => {
      document.chaincode = {
        ...document.chaincode,
        retention: { referral: 30, consent: 20, accessEvent: 10 },
      };
    });
    expect(retentionJson(reordered)).toBe('{"accessEvent":10,"consent":20,"referral":30}\n');
    expect(retentionJson(topology)).toBe('{"accessEvent":3650,"consent":1825,"referral":1825}\n');
    // The chaincode reads the packaged file with ledger-api's parser.
    expect(retentionPolicyOf(JSON.parse(retentionJson(topology)))).toEqual(
      topology.chaincode.retention,
    );
  });

  it('is refused when a kind is missing, unknown, or not a whole number of days', () => {
    const edited = (retention: unknown) => () =>
      loadEdited((document) => {
        document.chaincode = { ...document.chaincode, retention };
      });
    expect(edited({ accessEvent: 10, consent: 20 })).toThrow(/referral/);
    expect(edited({ accessEvent: 10, consent: 20, referral: 30, patient: 5 })).toThrow(/patient/);
    expect(edited({ accessEvent: 10.5, consent: 20, referral: 30 })).toThrow(/accessEvent/);
    expect(edited({ accessEvent: 0, consent: 20, referral: 30 })).toThrow(/accessEvent/);
    expect(edited({ accessEvent: 36_501, consent: 20, referral: 30 })).toThrow(/accessEvent/);
    expect(edited(undefined)).toThrow(/retention/);
  });
});

describe('the topology', () => {
  it('needs the regulator, which every collection includes', () => {
    expect(() =>
      loadEdited((document) => {
        const organizations = document.organizations as unknown as { mspId: string }[];
        document.organizations = organizations.filter(
          (org) => org.mspId !== 'GovMSP',
        ) as unknown as Record<string, unknown>;
      }),
    ).toThrow(/no organization GovMSP/);
  });

  it('refuses two organizations with one MSP ID', () => {
    expect(() =>
      loadEdited((document) => {
        const organizations = document.organizations as unknown as { mspId: string }[];
        const [, second] = organizations;
        if (second !== undefined) second.mspId = 'GovMSP';
      }),
    ).toThrow(/MSP ID GovMSP is used by both/);
  });
});

describe('the collections after a member leaves', () => {
  const joined = loadTopology(topologyFile, { joined: ['county'], left: [] });
  const left = loadTopology(topologyFile, { joined: [], left: ['county'] });
  const byName = (config: readonly CollectionConfig[]): Map<string, CollectionConfig> =>
    new Map(config.map((collection) => [collection.name, collection]));

  it('keeps every collection the joined member had (Fabric never drops one), retired', () => {
    const before = collectionsConfig(joined);
    const after = collectionsConfig(left);
    expect(after.map((collection) => collection.name)).toEqual(
      before.map((collection) => collection.name),
    );
    expect(before.length).toBeGreaterThan(collectionsConfig(topology).length);
    const retired = byName(after);
    expect(retired.get('org_CountyHospitalMSP')).toMatchObject({
      policy: "OR('GovMSP.member')",
      maxPeerCount: 0,
      endorsementPolicy: { signaturePolicy: "OutOf(1, 'GovMSP.peer')" },
    });
    expect(retired.get('pair_CountyHospitalMSP_TertiaryHospitalMSP')).toMatchObject({
      policy: "OR('TertiaryHospitalMSP.member', 'GovMSP.member')",
      endorsementPolicy: {
        signaturePolicy: "OutOf(2, 'TertiaryHospitalMSP.peer', 'GovMSP.peer')",
      },
    });
    for (const collection of after) expect(collection.policy).not.toContain('County');
  });

  it('leaves the other collections as they were', () => {
    const founders = byName(collectionsConfig(topology));
    for (const collection of collectionsConfig(left)) {
      if (collection.name.includes('County')) continue;
      expect(collection).toEqual(founders.get(collection.name));
    }
  });
});
