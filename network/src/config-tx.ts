import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';

/**
 * Pure helpers over Fabric channel configurations (common.Config, fabric-protos): decoding a config
 * block, computing the ConfigUpdate between two configurations, the policies an update needs and
 * whether a set of signers satisfies them, the changes the consortium makes (an organization in,
 * an organization out, the block timer, an organization's CRL) and the envelopes around an update.
 *
 * Everything is done over the protobufs in TypeScript, not with the `configtxlator` binary: the
 * gateway publishes an organization's CRL itself and runs without Fabric's binaries, and one code
 * path for the CLI, the tests, the benchmark and the gateway is easier to keep right. The update
 * computation follows `configtxlator compute_update` (Fabric's internal/configtxlator/update).
 */

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
  has(key: string): boolean;
  del(key: string): boolean;
  forEach(callback: (value: V, key: string) => void): void;
}

const protoMap = <V>(map: unknown): ProtoMap<V> => map as ProtoMap<V>;

/** The sub-groups of a config group. */
export const groupsOf = (group: common.ConfigGroup): ProtoMap<common.ConfigGroup> =>
  protoMap(group.getGroupsMap());
/** The values of a config group. */
export const valuesOf = (group: common.ConfigGroup): ProtoMap<common.ConfigValue> =>
  protoMap(group.getValuesMap());
/** The policies of a config group. */
export const policiesOf = (group: common.ConfigGroup): ProtoMap<common.ConfigPolicy> =>
  protoMap(group.getPoliciesMap());

const entries = <V>(map: ProtoMap<V>): [string, V][] => {
  const list: [string, V][] = [];
  map.forEach((value, key) => list.push([key, value]));
  return list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** The channel configuration a config block carries, and the block's number. */
export function configOfBlock(blockBytes: Uint8Array): common.Config {
  const block = common.Block.deserializeBinary(blockBytes);
  const [envelopeBytes] = block.getData()?.getDataList_asU8() ?? [];
  if (envelopeBytes === undefined) throw new Error('a config block without a transaction');
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (config === undefined) throw new Error('a config block without a configuration');
  return config;
}

/** A deep copy of a configuration (to change it and compare with the original). */
export function copyConfig(config: common.Config): common.Config {
  return common.Config.deserializeBinary(config.serializeBinary());
}

/** The group at a path such as `['Application', 'GovMSP']` under /Channel, or undefined. */
export function groupAt(
  config: common.Config,
  names: readonly string[],
): common.ConfigGroup | undefined {
  let group = config.getChannelGroup();
  for (const name of names) group = group === undefined ? undefined : groupsOf(group).get(name);
  return group;
}

function requireGroup(config: common.Config, names: readonly string[]): common.ConfigGroup {
  const group = groupAt(config, names);
  if (group === undefined)
    throw new Error(`the channel configuration has no /Channel/${names.join('/')}`);
  return group;
}

interface GroupDelta {
  readonly read: common.ConfigGroup;
  readonly write: common.ConfigGroup;
  readonly updated: boolean;
}

/** Values or policies: the entries that changed (write), and those kept (same), as compute_update. */
function itemsDelta<T extends common.ConfigValue | common.ConfigPolicy>(
  original: ProtoMap<T>,
  updated: ProtoMap<T>,
  options: Readonly<{
    make: () => T;
    content: (item: T) => Uint8Array;
    copy: (from: T, to: T) => void;
  }>,
): { write: [string, T][]; same: [string, T][]; members: boolean } {
  const write: [string, T][] = [];
  const same: [string, T][] = [];
  let members = false;
  for (const [name, before] of entries(original)) {
    const after = updated.get(name);
    if (after === undefined) {
      members = true;
      continue;
    }
    const item = options.make();
    if (
      before.getModPolicy() === after.getModPolicy() &&
      sameBytes(options.content(before), options.content(after))
    ) {
      item.setVersion(before.getVersion());
      same.push([name, item]);
      continue;
    }
    item.setVersion(before.getVersion() + 1);
    item.setModPolicy(after.getModPolicy());
    options.copy(after, item);
    write.push([name, item]);
  }
  for (const [name, after] of entries(updated)) {
    if (original.has(name)) continue;
    members = true;
    const item = options.make();
    item.setVersion(0);
    item.setModPolicy(after.getModPolicy());
    options.copy(after, item);
    write.push([name, item]);
  }
  return { write, same, members };
}

const valueItems = {
  make: () => new common.ConfigValue(),
  content: (value: common.ConfigValue) => value.getValue_asU8(),
  copy: (from: common.ConfigValue, to: common.ConfigValue) => {
    to.setValue(from.getValue_asU8());
  },
};
const policyItems = {
  make: () => new common.ConfigPolicy(),
  content: (policy: common.ConfigPolicy) =>
    policy.getPolicy()?.serializeBinary() ?? new Uint8Array(),
  copy: (from: common.ConfigPolicy, to: common.ConfigPolicy) => {
    to.setPolicy(from.getPolicy());
  },
};

function groupDelta(original: common.ConfigGroup, updated: common.ConfigGroup): GroupDelta {
  const values = itemsDelta(valuesOf(original), valuesOf(updated), valueItems);
  const policies = itemsDelta(policiesOf(original), policiesOf(updated), policyItems);
  const groupRead: [string, common.ConfigGroup][] = [];
  const groupWrite: [string, common.ConfigGroup][] = [];
  const groupSame: [string, common.ConfigGroup][] = [];
  let groupMembers = false;
  for (const [name, before] of entries(groupsOf(original))) {
    const after = groupsOf(updated).get(name);
    if (after === undefined) {
      groupMembers = true;
      continue;
    }
    const delta = groupDelta(before, after);
    if (!delta.updated) {
      groupSame.push([name, delta.read]);
      continue;
    }
    groupRead.push([name, delta.read]);
    groupWrite.push([name, delta.write]);
  }
  for (const [name, after] of entries(groupsOf(updated))) {
    if (groupsOf(original).has(name)) continue;
    groupMembers = true;
    const { write } = groupDelta(new common.ConfigGroup(), after);
    write.setVersion(0);
    write.setModPolicy(after.getModPolicy());
    groupWrite.push([name, write]);
  }
  const read = new common.ConfigGroup();
  const write = new common.ConfigGroup();
  read.setVersion(original.getVersion());
  const fill = (
    group: common.ConfigGroup,
    parts: Readonly<{
      values: [string, common.ConfigValue][];
      policies: [string, common.ConfigPolicy][];
      groups: [string, common.ConfigGroup][];
    }>,
  ): void => {
    for (const [name, value] of parts.values) valuesOf(group).set(name, value);
    for (const [name, policy] of parts.policies) policiesOf(group).set(name, policy);
    for (const [name, child] of parts.groups) groupsOf(group).set(name, child);
  };
  const membersChanged =
    values.members ||
    policies.members ||
    groupMembers ||
    original.getModPolicy() !== updated.getModPolicy();
  if (!membersChanged) {
    write.setVersion(original.getVersion());
    const changed = values.write.length + policies.write.length + groupWrite.length > 0;
    fill(read, { values: [], policies: [], groups: groupRead });
    fill(write, { values: values.write, policies: policies.write, groups: groupWrite });
    return { read, write, updated: changed };
  }
  // The group's members change: its version goes up, and every kept member is listed at its
  // version in both sets (so that the new member list is exactly the write set's).
  fill(read, {
    values: values.same,
    policies: policies.same,
    groups: [...groupRead, ...groupSame],
  });
  fill(write, {
    values: [...values.write, ...values.same],
    policies: [...policies.write, ...policies.same],
    groups: [...groupWrite, ...groupSame],
  });
  write.setVersion(original.getVersion() + 1);
  write.setModPolicy(updated.getModPolicy());
  return { read, write, updated: true };
}

/** Thrown when a change leaves the configuration as it was. */
export class NoConfigChangeError extends Error {
  override readonly name = 'NoConfigChangeError';
  readonly code = 'NO_CHANGE';
}

/**
 * The ConfigUpdate that turns `original` into `updated`, as `configtxlator compute_update` makes
 * it. Throws {@link NoConfigChangeError} when they do not differ.
 */
export function computeConfigUpdate(
  options: Readonly<{ channel: string; original: common.Config; updated: common.Config }>,
): common.ConfigUpdate {
  const before = options.original.getChannelGroup();
  const after = options.updated.getChannelGroup();
  if (before === undefined || after === undefined)
    throw new Error('a configuration without a channel group');
  const delta = groupDelta(before, after);
  if (!delta.updated)
    throw new NoConfigChangeError('the change leaves the channel configuration as it is');
  const update = new common.ConfigUpdate();
  update.setChannelId(options.channel);
  update.setReadSet(delta.read);
  update.setWriteSet(delta.write);
  return update;
}

/** One element an update modifies, and the policy (absolute path) that must allow it. */
export interface ModifiedElement {
  /** `/Channel/Orderer/BatchTimeout (value)`, `/Channel/Application/GovMSP (group)`. */
  readonly element: string;
  readonly policy: string;
}

const resolvePolicy = (groupPath: string, modPolicy: string): string =>
  modPolicy.startsWith('/') ? modPolicy : `${groupPath}/${modPolicy}`;

/**
 * What an update modifies, each with the policy Fabric checks for it: a group whose members change
 * is checked against the group's own mod_policy; a changed value or policy against its mod_policy,
 * relative to the group that holds it. New elements are covered by their parent group's change.
 */
export function modifiedElements(
  config: common.Config,
  update: common.ConfigUpdate,
): ModifiedElement[] {
  const found: ModifiedElement[] = [];
  const walk = (current: common.ConfigGroup, written: common.ConfigGroup, path: string): void => {
    if (written.getVersion() > current.getVersion())
      found.push({
        element: `${path} (group)`,
        policy: resolvePolicy(path, current.getModPolicy()),
      });
    for (const [name, value] of entries(valuesOf(written))) {
      const now = valuesOf(current).get(name);
      if (now !== undefined && value.getVersion() > now.getVersion())
        found.push({
          element: `${path}/${name} (value)`,
          policy: resolvePolicy(path, now.getModPolicy()),
        });
    }
    for (const [name, policy] of entries(policiesOf(written))) {
      const now = policiesOf(current).get(name);
      if (now !== undefined && policy.getVersion() > now.getVersion())
        found.push({
          element: `${path}/${name} (policy)`,
          policy: resolvePolicy(path, now.getModPolicy()),
        });
    }
    for (const [name, child] of entries(groupsOf(written))) {
      const now = groupsOf(current).get(name);
      if (now !== undefined) walk(now, child, `${path}/${name}`);
    }
  };
  const channel = config.getChannelGroup();
  const written = update.getWriteSet();
  if (channel !== undefined && written !== undefined) walk(channel, written, '/Channel');
  return found;
}

/**
 * A policy as a tree an admin signature can satisfy: an organization's admin (an admin's signature
 * of that MSP; MEMBER principals count too), something no admin signature satisfies (a peer or
 * client role), or n of several.
 */
export type PolicyTree =
  | { readonly admin: string }
  | { readonly unsatisfiable: string }
  | { readonly n: number; readonly of: readonly PolicyTree[] };

/** A policy an update needs, with its rule in words and the tree to check signers against. */
export interface PolicyRequirement {
  readonly policy: string;
  /** `MAJORITY Admins of 5 organizations`, `OR('GovMSP.admin')`... */
  readonly rule: string;
  readonly tree: PolicyTree;
  /** The MSP IDs whose admins' signatures can count. */
  readonly candidates: readonly string[];
  /** How many of the candidates must sign (for the top rule). */
  readonly needed: number;
}

const IMPLICIT_RULES = ['ANY', 'ALL', 'MAJORITY'] as const;

function signatureTree(
  rule: common.SignaturePolicy,
  identities: readonly msp.MSPPrincipal[],
): PolicyTree {
  if (rule.hasNOutOf()) {
    const nOutOf = rule.getNOutOf();
    return {
      n: nOutOf?.getN() ?? 0,
      of: (nOutOf?.getRulesList() ?? []).map((child) => signatureTree(child, identities)),
    };
  }
  const principal = identities[rule.getSignedBy()];
  if (principal === undefined) return { unsatisfiable: 'a missing principal' };
  if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE)
    return { unsatisfiable: 'a non-role principal' };
  const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
  const name = role.getMspIdentifier();
  return role.getRole() === msp.MSPRole.MSPRoleType.ADMIN ||
    role.getRole() === msp.MSPRole.MSPRoleType.MEMBER
    ? { admin: name }
    : { unsatisfiable: `${name} non-admin role` };
}

/** The tree of the policy at an absolute path (`/Channel/Application/Admins`). */
export function policyTree(
  config: common.Config,
  policyPath: string,
): { tree: PolicyTree; rule: string } {
  const parts = policyPath.split('/').filter((part) => part.length > 0);
  const name = parts.pop();
  if (parts[0] !== 'Channel' || name === undefined)
    throw new Error(`bad policy path ${policyPath}`);
  const group = groupAt(config, parts.slice(1));
  const policy = group === undefined ? undefined : policiesOf(group).get(name)?.getPolicy();
  if (group === undefined || policy === undefined)
    throw new Error(`the channel configuration has no policy ${policyPath}`);
  if (policy.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const subGroups = entries(groupsOf(group)).map(([child]) => child);
    const subTrees = subGroups.map(
      (child) => policyTree(config, `/${parts.join('/')}/${child}/${meta.getSubPolicy()}`).tree,
    );
    const ruleName = IMPLICIT_RULES[meta.getRule()];
    const n =
      ruleName === 'ANY'
        ? 1
        : ruleName === 'ALL'
          ? subTrees.length
          : Math.floor(subTrees.length / 2) + 1;
    return {
      tree: { n: Math.min(n, subTrees.length), of: subTrees },
      rule: `${ruleName} ${meta.getSubPolicy()} of ${subGroups.join(', ')}`,
    };
  }
  if (policy.getType() === common.Policy.PolicyType.SIGNATURE) {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    const rule = envelope.getRule();
    if (rule === undefined) return { tree: { unsatisfiable: 'an empty rule' }, rule: 'empty' };
    const tree = signatureTree(rule, envelope.getIdentitiesList());
    return { tree, rule: describeTree(tree) };
  }
  return { tree: { unsatisfiable: 'an unknown policy type' }, rule: 'unknown' };
}

function describeTree(tree: PolicyTree): string {
  if ('admin' in tree) return `${tree.admin}.admin`;
  if ('unsatisfiable' in tree) return tree.unsatisfiable;
  const parts = tree.of.map(describeTree).join(', ');
  return tree.n === 1
    ? `OR(${parts})`
    : tree.n === tree.of.length
      ? `AND(${parts})`
      : `${tree.n} of (${parts})`;
}

/** The MSP IDs whose admins appear in a tree. */
export function treeCandidates(tree: PolicyTree): string[] {
  if ('admin' in tree) return [tree.admin];
  if ('unsatisfiable' in tree) return [];
  return [...new Set(tree.of.flatMap(treeCandidates))].sort();
}

/** Whether admin signatures of `signers` (MSP IDs) satisfy a tree. */
export function treeSatisfied(tree: PolicyTree, signers: ReadonlySet<string>): boolean {
  if ('admin' in tree) return signers.has(tree.admin);
  if ('unsatisfiable' in tree) return false;
  return tree.of.filter((child) => treeSatisfied(child, signers)).length >= tree.n;
}

/** The distinct policies an update needs, resolved against the configuration it applies to. */
export function requirementsOf(
  config: common.Config,
  update: common.ConfigUpdate,
): PolicyRequirement[] {
  const policies = [...new Set(modifiedElements(config, update).map((element) => element.policy))];
  return policies.map((policy) => {
    const { tree, rule } = policyTree(config, policy);
    return {
      policy,
      rule,
      tree,
      candidates: treeCandidates(tree),
      needed: 'n' in tree ? tree.n : 'admin' in tree ? 1 : 0,
    };
  });
}

/** The signer of a ConfigSignature: the MSP ID and certificate of its creator. */
export function signatureCreator(signature: common.ConfigSignature): {
  mspId: string;
  certificate: string;
} {
  const header = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
  const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
  return {
    mspId: creator.getMspid(),
    certificate: Buffer.from(creator.getIdBytes_asU8()).toString('utf8'),
  };
}

/** Whether a ConfigSignature is a valid ECDSA/SHA-256 signature of `configUpdate` by its creator's key. */
export function signatureValid(
  signature: common.ConfigSignature,
  configUpdate: Uint8Array,
): boolean {
  try {
    const { certificate } = signatureCreator(signature);
    const key = createPublicKey(
      new X509Certificate(certificate).publicKey.export({ format: 'pem', type: 'spki' }),
    );
    return verify(
      'sha256',
      Buffer.concat([signature.getSignatureHeader_asU8(), configUpdate]),
      key,
      signature.getSignature_asU8(),
    );
  } catch {
    return false;
  }
}

/** A change of a configuration, made in place on a decoded copy. */
export type ConfigChange = (config: common.Config) => void;

/** Sets the channel's BatchTimeout (a Go duration such as `500ms`). */
export function batchTimeoutChange(timeout: string): ConfigChange {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(timeout))
    throw new RangeError(`${JSON.stringify(timeout)} is not a duration such as 500ms or 2s`);
  return (config) => {
    const value = valuesOf(requireGroup(config, ['Orderer'])).get('BatchTimeout');
    if (value === undefined)
      throw new Error('the channel configuration has no Orderer BatchTimeout');
    const batchTimeout = new orderer.BatchTimeout();
    batchTimeout.setTimeout(timeout);
    value.setValue(batchTimeout.serializeBinary());
  };
}

/** The channel's BatchTimeout (`500ms`). */
export function batchTimeoutOf(config: common.Config): string {
  const value = valuesOf(requireGroup(config, ['Orderer'])).get('BatchTimeout');
  if (value === undefined) throw new Error('the channel configuration has no Orderer BatchTimeout');
  return orderer.BatchTimeout.deserializeBinary(value.getValue_asU8()).getTimeout();
}

/** An organization's MSP definition for the channel: PEM trust anchors and NodeOU roles. */
export interface OrganizationDefinition {
  readonly mspId: string;
  readonly rootCerts: readonly string[];
  readonly tlsRootCerts: readonly string[];
  /** NodeOU classification by the root CA (client, peer, admin, orderer OUs); off when false. */
  readonly nodeOus: boolean;
  readonly anchorPeers: readonly Readonly<{ host: string; port: number }>[];
  readonly revocationList?: readonly string[];
}

function signaturePolicy(
  mspId: string,
  roles: readonly (keyof msp.MSPRole.MSPRoleTypeMap)[],
): common.Policy {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(
    roles.map((role) => {
      const mspRole = new msp.MSPRole();
      mspRole.setMspIdentifier(mspId);
      mspRole.setRole(msp.MSPRole.MSPRoleType[role]);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(mspRole.serializeBinary());
      return principal;
    }),
  );
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList(
    roles.map((_, index) => {
      const rule = new common.SignaturePolicy();
      rule.setSignedBy(index);
      return rule;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  envelope.setRule(rule);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  return policy;
}

const encoder = new TextEncoder();

/** The FabricMSPConfig of an organization definition. */
export function mspConfigOf(definition: OrganizationDefinition): msp.MSPConfig {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(definition.mspId);
  fabric.setRootCertsList(definition.rootCerts.map((pem) => encoder.encode(pem)));
  fabric.setTlsRootCertsList(definition.tlsRootCerts.map((pem) => encoder.encode(pem)));
  fabric.setRevocationListList((definition.revocationList ?? []).map((pem) => encoder.encode(pem)));
  const crypto = new msp.FabricCryptoConfig();
  crypto.setSignatureHashFamily('SHA2');
  crypto.setIdentityIdentifierHashFunction('SHA256');
  fabric.setCryptoConfig(crypto);
  const [root] = definition.rootCerts;
  if (definition.nodeOus && root !== undefined) {
    const ou = (name: string): msp.FabricOUIdentifier => {
      const identifier = new msp.FabricOUIdentifier();
      identifier.setCertificate(encoder.encode(root));
      identifier.setOrganizationalUnitIdentifier(name);
      return identifier;
    };
    const nodeOus = new msp.FabricNodeOUs();
    nodeOus.setEnable(true);
    nodeOus.setClientOuIdentifier(ou('client'));
    nodeOus.setPeerOuIdentifier(ou('peer'));
    nodeOus.setAdminOuIdentifier(ou('admin'));
    nodeOus.setOrdererOuIdentifier(ou('orderer'));
    fabric.setFabricNodeOus(nodeOus);
  }
  const config = new msp.MSPConfig();
  config.setType(0);
  config.setConfig(fabric.serializeBinary());
  return config;
}

/**
 * An application organization's config group, as configtxgen writes it for network/src/channel.ts:
 * its MSP, its anchor peers, and Readers/Writers/Admins/Endorsement policies by NodeOU role, every
 * element modifiable by the organization's own Admins.
 */
export function organizationGroup(definition: OrganizationDefinition): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setModPolicy('Admins');
  const value = (bytes: Uint8Array): common.ConfigValue => {
    const configValue = new common.ConfigValue();
    configValue.setModPolicy('Admins');
    configValue.setValue(bytes);
    return configValue;
  };
  valuesOf(group).set('MSP', value(mspConfigOf(definition).serializeBinary()));
  if (definition.anchorPeers.length > 0) {
    const anchors = new peer.AnchorPeers();
    anchors.setAnchorPeersList(
      definition.anchorPeers.map(({ host, port }) => {
        const anchor = new peer.AnchorPeer();
        anchor.setHost(host);
        anchor.setPort(port);
        return anchor;
      }),
    );
    valuesOf(group).set('AnchorPeers', value(anchors.serializeBinary()));
  }
  const { mspId } = definition;
  const policies: [string, common.Policy][] = [
    ['Readers', signaturePolicy(mspId, ['ADMIN', 'PEER', 'CLIENT'])],
    ['Writers', signaturePolicy(mspId, ['ADMIN', 'CLIENT'])],
    ['Admins', signaturePolicy(mspId, ['ADMIN'])],
    ['Endorsement', signaturePolicy(mspId, ['PEER'])],
  ];
  for (const [name, policy] of policies) {
    const configPolicy = new common.ConfigPolicy();
    configPolicy.setModPolicy('Admins');
    configPolicy.setPolicy(policy);
    policiesOf(group).set(name, configPolicy);
  }
  return group;
}

/** Adds an application organization (its group is keyed by its MSP ID, as configtxgen does). */
export function addOrganizationChange(definition: OrganizationDefinition): ConfigChange {
  return (config) => {
    const application = requireGroup(config, ['Application']);
    if (groupsOf(application).has(definition.mspId))
      throw new Error(`${definition.mspId} is already a member of the channel`);
    groupsOf(application).set(definition.mspId, organizationGroup(definition));
  };
}

/** Removes an application organization by its MSP ID. */
export function removeOrganizationChange(mspId: string): ConfigChange {
  return (config) => {
    const application = requireGroup(config, ['Application']);
    if (!groupsOf(application).has(mspId))
      throw new Error(`${mspId} is not a member of the channel`);
    groupsOf(application).del(mspId);
  };
}

/** The MSP IDs of the channel's application organizations. */
export function applicationOrganizations(config: common.Config): string[] {
  return entries(groupsOf(requireGroup(config, ['Application']))).map(([name]) => name);
}

/** The FabricMSPConfig of an application organization in a configuration. */
export function organizationMsp(config: common.Config, mspId: string): msp.FabricMSPConfig {
  const value = valuesOf(requireGroup(config, ['Application', mspId])).get('MSP');
  if (value === undefined) throw new Error(`${mspId} has no MSP in the channel configuration`);
  const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  return msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
}

/**
 * Replaces an organization's revocation list (its CA's CRLs, PEM) in its MSP, in every group that
 * defines it: the application group, and the orderer group when the organization runs orderers
 * (Fabric refuses two different versions of one MSP). Each organization group holds its MSP with
 * mod_policy `Admins`, its own Admins policy, so the organization's admin alone may publish it.
 */
export function revocationListChange(mspId: string, crls: readonly string[]): ConfigChange {
  return (config) => {
    requireGroup(config, ['Application', mspId]);
    for (const parent of ['Application', 'Orderer']) {
      const group = groupAt(config, [parent, mspId]);
      if (group === undefined) continue;
      const value = valuesOf(group).get('MSP');
      if (value === undefined) throw new Error(`${mspId} has no MSP in /Channel/${parent}`);
      const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
      const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
      fabric.setRevocationListList(crls.map((pem) => encoder.encode(pem)));
      mspConfig.setConfig(fabric.serializeBinary());
      value.setValue(mspConfig.serializeBinary());
    }
  };
}

/** A signer: an identity (MSP ID and certificate PEM) and a function signing a SHA-256 digest. */
export interface ConfigSigner {
  readonly mspId: string;
  readonly certificate: string;
  /** Signs a digest (ECDSA, low-S DER, as Fabric requires). */
  sign(digest: Uint8Array): Promise<Uint8Array>;
}

/** The serialized identity (creator) of a signer. */
export function creatorOf(signer: Pick<ConfigSigner, 'mspId' | 'certificate'>): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(signer.mspId);
  identity.setIdBytes(encoder.encode(signer.certificate));
  return identity.serializeBinary();
}

/** A signature header with a fresh nonce. */
function signatureHeader(signer: ConfigSigner, nonce: Uint8Array): common.SignatureHeader {
  const header = new common.SignatureHeader();
  header.setCreator(creatorOf(signer));
  header.setNonce(nonce);
  return header;
}

/** A ConfigSignature of serialized ConfigUpdate bytes. */
export async function signConfigUpdateBytes(
  options: Readonly<{
    configUpdate: Uint8Array;
    signer: ConfigSigner;
    nonce: Uint8Array;
    digest: (data: Uint8Array) => Uint8Array;
  }>,
): Promise<common.ConfigSignature> {
  const headerBytes = signatureHeader(options.signer, options.nonce).serializeBinary();
  const signature = new common.ConfigSignature();
  signature.setSignatureHeader(headerBytes);
  signature.setSignature(
    await options.signer.sign(options.digest(Buffer.concat([headerBytes, options.configUpdate]))),
  );
  return signature;
}

/**
 * An unsigned CONFIG_UPDATE envelope of `update`, as `peer channel update -f` takes it, and as the
 * exchange keeps a proposal (update.pb).
 */
export function configUpdateEnvelope(update: common.ConfigUpdate): Uint8Array {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(update.serializeBinary());
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(update.getChannelId());
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

/** The ConfigUpdate bytes inside an unsigned CONFIG_UPDATE envelope. */
export function configUpdateBytesOf(envelopeBytes: Uint8Array): Uint8Array {
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  return common.ConfigUpdateEnvelope.deserializeBinary(
    payload.getData_asU8(),
  ).getConfigUpdate_asU8();
}

/**
 * The signed CONFIG_UPDATE envelope the orderer takes: the update with every collected signature,
 * in a payload whose header names `submitter`, signed by the submitter.
 */
export async function signedConfigUpdateEnvelope(
  options: Readonly<{
    channel: string;
    configUpdate: Uint8Array;
    signatures: readonly common.ConfigSignature[];
    submitter: ConfigSigner;
    nonce: Uint8Array;
    digest: (data: Uint8Array) => Uint8Array;
  }>,
): Promise<common.Envelope> {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(options.configUpdate);
  updateEnvelope.setSignaturesList([...options.signatures]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(options.channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader(options.submitter, options.nonce).serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await options.submitter.sign(options.digest(payloadBytes)));
  return envelope;
}

/**
 * Sets one access control list entry of the channel's applications (the Application group's
 * `ACLs` value): `resource` (such as `qscc/GetChainInfo`) answered by the policy at `policy`.
 */
export function applicationAclChange(resource: string, policy: string): ConfigChange {
  return (config) => {
    const application = requireGroup(config, ['Application']);
    const existing = valuesOf(application).get('ACLs');
    const acls =
      existing === undefined
        ? new peer.ACLs()
        : peer.ACLs.deserializeBinary(existing.getValue_asU8());
    const entry = new peer.APIResource();
    entry.setPolicyRef(policy);
    (acls.getAclsMap() as unknown as ProtoMap<peer.APIResource>).set(resource, entry);
    const value = existing ?? new common.ConfigValue();
    value.setModPolicy('Admins');
    value.setValue(acls.serializeBinary());
    valuesOf(application).set('ACLs', value);
  };
}
