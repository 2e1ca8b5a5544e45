import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addOrganizationChange,
  applicationOrganizations,
  batchTimeoutChange,
  batchTimeoutOf,
  computeConfigUpdate,
  configUpdateBytesOf,
  configUpdateEnvelope,
  copyConfig,
  groupsOf,
  modifiedElements,
  NoConfigChangeError,
  organizationGroup,
  organizationMsp,
  policiesOf,
  policyTree,
  removeOrganizationChange,
  requirementsOf,
  revocationListChange,
  signatureCreator,
  signatureValid,
  signConfigUpdateBytes,
  signedConfigUpdateEnvelope,
  treeSatisfied,
  valuesOf,
  type ConfigChange,
  type ConfigSigner,
} from './config-tx.ts';

const MEMBERS = [
  'GovMSP',
  'TertiaryHospitalMSP',
  'CommunityHospitalMSP',
  'EnterpriseMSP',
  'ResearchMSP',
];
const pem = (name: string): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(name).toString('base64')}\n-----END CERTIFICATE-----\n`;

function implicitMeta(rule: 0 | 1 | 2, subPolicy: string): common.ConfigPolicy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setRule(rule);
  meta.setSubPolicy(subPolicy);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setModPolicy('Admins');
  configPolicy.setPolicy(policy);
  return configPolicy;
}

function withImplicitPolicies(group: common.ConfigGroup, version: number): common.ConfigGroup {
  group.setModPolicy('Admins');
  group.setVersion(version);
  policiesOf(group).set('Admins', implicitMeta(2, 'Admins'));
  policiesOf(group).set('Readers', implicitMeta(0, 'Readers'));
  policiesOf(group).set('Writers', implicitMeta(0, 'Writers'));
  return group;
}

/** The members that run the orderers, as in network/topology.yaml. */
const ORDERER_ORGS = ['GovMSP', 'TertiaryHospitalMSP', 'CommunityHospitalMSP'];

/**
 * A channel configuration shaped as network/src/channel.ts makes it: five members, three of which
 * also run the orderers (their MSP in both groups).
 */
function channelConfig(): common.Config {
  const application = withImplicitPolicies(new common.ConfigGroup(), 1);
  for (const mspId of MEMBERS)
    groupsOf(application).set(
      mspId,
      organizationGroup({
        mspId,
        rootCerts: [pem(mspId)],
        tlsRootCerts: [pem(mspId)],
        nodeOus: true,
        anchorPeers: [{ host: '127.0.0.1', port: 7051 }],
      }),
    );
  const ordererGroup = withImplicitPolicies(new common.ConfigGroup(), 0);
  const timeout = new orderer.BatchTimeout();
  timeout.setTimeout('200ms');
  const timeoutValue = new common.ConfigValue();
  timeoutValue.setModPolicy('Admins');
  timeoutValue.setValue(timeout.serializeBinary());
  valuesOf(ordererGroup).set('BatchTimeout', timeoutValue);
  for (const mspId of ORDERER_ORGS)
    groupsOf(ordererGroup).set(
      mspId,
      organizationGroup({
        mspId,
        rootCerts: [pem(mspId)],
        tlsRootCerts: [pem(mspId)],
        nodeOus: true,
        anchorPeers: [],
      }),
    );
  const channel = withImplicitPolicies(new common.ConfigGroup(), 0);
  groupsOf(channel).set('Application', application);
  groupsOf(channel).set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setSequence(3);
  config.setChannelGroup(channel);
  return config;
}

function updateOf(change: ConfigChange): { config: common.Config; update: common.ConfigUpdate } {
  const config = channelConfig();
  const updated = copyConfig(config);
  change(updated);
  return { config, update: computeConfigUpdate({ channel: 'health', original: config, updated }) };
}

describe('computeConfigUpdate', () => {
  it('changes only the BatchTimeout value, at its next version, under unchanged groups', () => {
    const { config, update } = updateOf(batchTimeoutChange('500ms'));
    const write = update.getWriteSet();
    const read = update.getReadSet();
    if (write === undefined || read === undefined) throw new Error('no read or write set');
    const writtenOrderer = groupsOf(write).get('Orderer');
    expect(write.getVersion()).toBe(0);
    expect(writtenOrderer?.getVersion()).toBe(0);
    const value =
      writtenOrderer === undefined ? undefined : valuesOf(writtenOrderer).get('BatchTimeout');
    expect(value?.getVersion()).toBe(1);
    expect(
      orderer.BatchTimeout.deserializeBinary(
        value?.getValue_asU8() ?? new Uint8Array(),
      ).getTimeout(),
    ).toBe('500ms');
    expect(groupsOf(write).has('Application')).toBe(false);
    const readOrderer = groupsOf(read).get('Orderer');
    expect(readOrderer === undefined ? undefined : valuesOf(readOrderer).has('BatchTimeout')).toBe(
      false,
    );
    expect(modifiedElements(config, update)).toEqual([
      { element: '/Channel/Orderer/BatchTimeout (value)', policy: '/Channel/Orderer/Admins' },
    ]);
    expect(update.getChannelId()).toBe('health');
  });

  it('adds an organization by raising the Application group version with every member listed', () => {
    const { config, update } = updateOf(
      addOrganizationChange({
        mspId: 'CountyHospitalMSP',
        rootCerts: [pem('county')],
        tlsRootCerts: [pem('county')],
        nodeOus: true,
        anchorPeers: [{ host: '127.0.0.1', port: 7651 }],
      }),
    );
    const application = groupsOf(update.getWriteSet() ?? new common.ConfigGroup()).get(
      'Application',
    );
    expect(application?.getVersion()).toBe(2);
    const added =
      application === undefined ? undefined : groupsOf(application).get('CountyHospitalMSP');
    expect(added?.getVersion()).toBe(0);
    expect(
      added === undefined
        ? []
        : [...['MSP', 'AnchorPeers']].filter((key) => valuesOf(added).has(key)),
    ).toEqual(['MSP', 'AnchorPeers']);
    for (const mspId of MEMBERS)
      expect(
        application === undefined ? undefined : groupsOf(application).get(mspId)?.getVersion(),
      ).toBe(0);
    expect(modifiedElements(config, update)).toEqual([
      { element: '/Channel/Application (group)', policy: '/Channel/Application/Admins' },
    ]);
  });

  it('removes an organization, and refuses to remove one that is not a member', () => {
    const { update } = updateOf(removeOrganizationChange('ResearchMSP'));
    const application = groupsOf(update.getWriteSet() ?? new common.ConfigGroup()).get(
      'Application',
    );
    expect(application?.getVersion()).toBe(2);
    expect(application === undefined ? undefined : groupsOf(application).has('ResearchMSP')).toBe(
      false,
    );
    expect(() => updateOf(removeOrganizationChange('NobodyMSP'))).toThrow(/not a member/);
    expect(() =>
      updateOf(
        addOrganizationChange({
          mspId: 'GovMSP',
          rootCerts: [],
          tlsRootCerts: [],
          nodeOus: false,
          anchorPeers: [],
        }),
      ),
    ).toThrow(/already a member/);
  });

  it('refuses a change that changes nothing', () => {
    expect(() => updateOf(batchTimeoutChange('200ms'))).toThrow(NoConfigChangeError);
    expect(() => batchTimeoutChange('soon')).toThrow(RangeError);
  });

  it('puts a CRL into one organization MSP, in every group that defines it, changing only that', () => {
    const { config, update } = updateOf(revocationListChange('TertiaryHospitalMSP', ['CRL-PEM']));
    // The tertiary hospital runs an orderer: its MSP is in both groups and must stay one version.
    expect(modifiedElements(config, update)).toEqual([
      {
        element: '/Channel/Application/TertiaryHospitalMSP/MSP (value)',
        policy: '/Channel/Application/TertiaryHospitalMSP/Admins',
      },
      {
        element: '/Channel/Orderer/TertiaryHospitalMSP/MSP (value)',
        policy: '/Channel/Orderer/TertiaryHospitalMSP/Admins',
      },
    ]);
    const enterprise = updateOf(revocationListChange('EnterpriseMSP', ['CRL-PEM']));
    expect(modifiedElements(enterprise.config, enterprise.update)).toEqual([
      {
        element: '/Channel/Application/EnterpriseMSP/MSP (value)',
        policy: '/Channel/Application/EnterpriseMSP/Admins',
      },
    ]);
    const updated = copyConfig(config);
    revocationListChange('TertiaryHospitalMSP', ['CRL-PEM'])(updated);
    expect(
      organizationMsp(updated, 'TertiaryHospitalMSP')
        .getRevocationListList_asU8()
        .map((bytes) => Buffer.from(bytes).toString()),
    ).toEqual(['CRL-PEM']);
    expect(organizationMsp(updated, 'TertiaryHospitalMSP').getName()).toBe('TertiaryHospitalMSP');
  });
});

describe('requirementsOf', () => {
  it('asks a MAJORITY of the application members for an Application change: 3 of 5', () => {
    const { config, update } = updateOf(removeOrganizationChange('ResearchMSP'));
    const [requirement, ...others] = requirementsOf(config, update);
    expect(others).toEqual([]);
    expect(requirement?.policy).toBe('/Channel/Application/Admins');
    expect(requirement?.needed).toBe(3);
    expect(requirement?.candidates).toEqual([...MEMBERS].sort());
    expect(requirement?.rule).toMatch(/^MAJORITY Admins of /);
    const tree = requirement?.tree ?? { unsatisfiable: 'none' };
    expect(treeSatisfied(tree, new Set(['GovMSP', 'EnterpriseMSP']))).toBe(false);
    expect(treeSatisfied(tree, new Set(['GovMSP', 'EnterpriseMSP', 'ResearchMSP']))).toBe(true);
  });

  it('asks a majority of the orderer organizations for an Orderer change: 2 of 3', () => {
    const { config, update } = updateOf(batchTimeoutChange('1s'));
    const requirements = requirementsOf(config, update);
    expect(
      requirements.map(({ policy, candidates, needed }) => ({ policy, candidates, needed })),
    ).toEqual([
      { policy: '/Channel/Orderer/Admins', candidates: [...ORDERER_ORGS].sort(), needed: 2 },
    ]);
    const tree = requirements[0]?.tree ?? { unsatisfiable: '' };
    expect(treeSatisfied(tree, new Set(['GovMSP', 'EnterpriseMSP', 'ResearchMSP']))).toBe(false);
    expect(treeSatisfied(tree, new Set(['GovMSP', 'CommunityHospitalMSP']))).toBe(true);
  });

  it("asks only the organization's own admin for a change of its MSP", () => {
    const { config, update } = updateOf(revocationListChange('GovMSP', ['CRL']));
    const [requirement] = requirementsOf(config, update);
    expect(requirement).toMatchObject({
      policy: '/Channel/Application/GovMSP/Admins',
      candidates: ['GovMSP'],
      needed: 1,
      rule: 'OR(GovMSP.admin)',
    });
    expect(treeSatisfied(requirement?.tree ?? { unsatisfiable: '' }, new Set(['GovMSP']))).toBe(
      true,
    );
    expect(
      treeSatisfied(requirement?.tree ?? { unsatisfiable: '' }, new Set(['ResearchMSP'])),
    ).toBe(false);
    expect(applicationOrganizations(config)).toEqual([...MEMBERS].sort());
  });

  it('counts no admin signature for a policy of peers, and checks a change against the current mod_policy', () => {
    const config = channelConfig();
    const { tree, rule } = policyTree(config, '/Channel/Application/GovMSP/Endorsement');
    expect(rule).toBe('OR(GovMSP non-admin role)');
    expect(treeSatisfied(tree, new Set(MEMBERS))).toBe(false);
    const updated = copyConfig(config);
    valuesOf(groupAtPath(updated, ['Application', 'GovMSP']))
      .get('MSP')
      ?.setModPolicy('Endorsement');
    const update = computeConfigUpdate({ channel: 'health', original: config, updated });
    expect(requirementsOf(config, update).map((each) => each.policy)).toEqual([
      '/Channel/Application/GovMSP/Admins',
    ]);
    expect(batchTimeoutOf(config)).toBe('200ms');
    expect(() => policyTree(config, '/Channel/Nowhere/Admins')).toThrow(/no policy/);
  });
});

function groupAtPath(config: common.Config, names: readonly string[]): common.ConfigGroup {
  let group = config.getChannelGroup();
  for (const name of names) group = group === undefined ? undefined : groupsOf(group).get(name);
  if (group === undefined) throw new Error(`no group ${names.join('/')}`);
  return group;
}

describe('signatures', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-tx-spec-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const digest = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();

  function makeSigner(mspId: string): ConfigSigner {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        `${mspId}.key`,
        '-out',
        `${mspId}.pem`,
        '-days',
        '1',
        '-subj',
        `/CN=admin.${mspId}`,
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const sign = signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(dir, `${mspId}.key`))),
    );
    return { mspId, certificate: readFileSync(path.join(dir, `${mspId}.pem`), 'utf8'), sign };
  }

  it("decodes the signer's MSP ID from the creator and verifies the signature over the update", async () => {
    const { update } = updateOf(batchTimeoutChange('1s'));
    const bytes = configUpdateBytesOf(configUpdateEnvelope(update));
    expect(Buffer.from(bytes).equals(Buffer.from(update.serializeBinary()))).toBe(true);
    const signer = makeSigner('GovMSP');
    const signature = await signConfigUpdateBytes({
      configUpdate: bytes,
      signer,
      nonce: new Uint8Array(24),
      digest,
    });
    expect(signatureCreator(signature).mspId).toBe('GovMSP');
    expect(signatureCreator(signature).certificate).toBe(signer.certificate);
    expect(signatureValid(signature, bytes)).toBe(true);
    const other = updateOf(batchTimeoutChange('2s')).update.serializeBinary();
    expect(signatureValid(signature, other)).toBe(false);
    // A creator claiming another MSP over the same signature bytes is decoded as what it claims;
    // the signature then no longer matches its header.
    const header = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
    const forged = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    forged.setMspid('ResearchMSP');
    header.setCreator(forged.serializeBinary());
    const tampered = common.ConfigSignature.deserializeBinary(signature.serializeBinary());
    tampered.setSignatureHeader(header.serializeBinary());
    expect(signatureCreator(tampered).mspId).toBe('ResearchMSP');
    expect(signatureValid(tampered, bytes)).toBe(false);
  });

  it('wraps the update and its signatures in an envelope signed by the submitter', async () => {
    const { update } = updateOf(batchTimeoutChange('1s'));
    const bytes = update.serializeBinary();
    const signer = makeSigner('EnterpriseMSP');
    const signature = await signConfigUpdateBytes({
      configUpdate: bytes,
      signer,
      nonce: new Uint8Array(24),
      digest,
    });
    const envelope = await signedConfigUpdateEnvelope({
      channel: 'health',
      configUpdate: bytes,
      signatures: [signature],
      submitter: signer,
      nonce: new Uint8Array(24),
      digest,
    });
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    expect(channelHeader.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(channelHeader.getChannelId()).toBe('health');
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    expect(updateEnvelope.getSignaturesList().map((each) => signatureCreator(each).mspId)).toEqual([
      'EnterpriseMSP',
    ]);
    expect(envelope.getSignature_asU8().length).toBeGreaterThan(60);
  });
});
