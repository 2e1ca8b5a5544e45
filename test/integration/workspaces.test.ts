import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bin,
  fabricInstall,
  gatewayDataDir,
  gatewayProcessName,
  ordererIdentity,
  ordererNodes,
  orgLayout,
  orgUser,
  orgUserName,
  peerCliEnv,
  peerRuntime,
  runningProcess,
  runPaths,
  separationEnabled,
  workspaceDir,
  type OrgUser,
} from '@consent-ledger/network';
import { connectAdmin, topology } from '../support/ledger.ts';

/**
 * Each organization keeps its own secrets (issue 16): one workspace per organization, owned by its
 * own Unix user and closed to everyone else, one exchange for what members share, and every
 * process and command acting for an organization run as its user. Proven where `npm start` runs as
 * root (as CI does): elsewhere the organizations run as the caller and there is no separation to
 * prove (network/src/workspaces.ts).
 */

function userOf(name: string): OrgUser {
  const user = orgUser(name);
  if (user === undefined) throw new Error('no separation');
  return user;
}

/** Runs a command as an organization's user; answers its exit status and output. */
function asUser(user: OrgUser, command: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, {
    uid: user.uid,
    gid: user.gid,
    encoding: 'utf8',
    env: env ?? { PATH: process.env.PATH },
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The real user ID a process runs as, from /proc. */
function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

describe.runIf(separationEnabled())('one workspace per organization', () => {
  const orgs = topology.organizations;

  it('gives each organization a workspace only its own user can open', () => {
    for (const org of orgs) {
      const stat = statSync(workspaceDir(org.name));
      expect(stat.mode & 0o777, org.name).toBe(0o700);
      expect(stat.uid, org.name).toBe(userOf(org.name).uid);
      expect(userOf(org.name).name).toBe(orgUserName(org.name));
    }
    expect(new Set(orgs.map((org) => userOf(org.name).uid)).size).toBe(orgs.length);
  });

  it("runs every organization's CA, peers, orderers and gateway as its own user", () => {
    let checked = 0;
    for (const org of orgs) {
      const names = [
        `ca.${org.name}`,
        ...org.peers.map((peer) => peerRuntime(org, peer).name),
        ...ordererNodes(topology)
          .filter((node) => node.org.name === org.name)
          .map((node) => node.name),
        gatewayProcessName(org),
      ];
      for (const name of names) {
        const running = runningProcess(name);
        expect(running, `${name} is running`).toBeDefined();
        if (running === undefined) continue;
        expect(uidOf(running.pid), name).toBe(userOf(org.name).uid);
        checked += 1;
      }
    }
    expect(checked).toBe(orgs.length * 3 + ordererNodes(topology).length);
  });

  it("refuses every organization's user another organization's secrets, and gives it its own", () => {
    for (const reader of orgs) {
      const user = userOf(reader.name);
      const own = orgLayout(reader);
      expect(asUser(user, 'cat', [own.secretsFile]).status, `${reader.name} own`).toBe(0);
      expect(asUser(user, 'ls', [own.admin.mspDir]).status).toBe(0);
      for (const other of orgs.filter((org) => org.name !== reader.name)) {
        const theirs = orgLayout(other);
        for (const target of [
          theirs.secretsFile,
          path.join(theirs.admin.mspDir, 'keystore'),
          theirs.caHome,
          gatewayDataDir(other),
        ]) {
          const result = asUser(user, 'ls', [target]);
          expect(result.status, `${reader.name} reading ${target}`).not.toBe(0);
          expect(result.output).toMatch(/Permission denied/);
        }
        // What the others published is readable.
        expect(asUser(user, 'cat', [theirs.publicCaCert]).status).toBe(0);
      }
    }
  });

  it("refuses an admin command pointed at another organization's admin", () => {
    const install = fabricInstall(topology);
    const [tertiary, gov] = ['tertiary', 'gov'].map((name) => {
      const found = orgs.find((org) => org.name === name);
      if (found === undefined) throw new Error(name);
      return found;
    });
    if (tertiary === undefined || gov === undefined) throw new Error('organizations');
    const [peer] = tertiary.peers;
    if (peer === undefined) throw new Error('peer');
    const env = peerCliEnv(install, tertiary, peer);
    const own = asUser(userOf('tertiary'), bin(install, 'peer'), ['channel', 'list'], env);
    expect(own.output).toContain(topology.channel.name);
    expect(own.status).toBe(0);
    const borrowed = asUser(userOf('tertiary'), bin(install, 'peer'), ['channel', 'list'], {
      ...env,
      CORE_PEER_LOCALMSPID: gov.mspId,
      CORE_PEER_MSPCONFIGPATH: orgLayout(gov).admin.mspDir,
    });
    expect(borrowed.status).not.toBe(0);
    expect(borrowed.output).toMatch(/permission denied/i);
  });

  it('shares nothing secret in the exchange', () => {
    const files = filesUnder(runPaths.exchange);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      expect(readFileSync(file).includes('PRIVATE KEY'), file).toBe(false);
      expect(file).not.toMatch(/keystore|secrets|\.db$/);
    }
  });
});

describe.runIf(separationEnabled())('the ordering service run by the members', () => {
  const connection = connectAdmin('gov');
  afterAll(() => {
    connection.close();
  });

  it('has each orderer issued by its own organization and no majority with any one', () => {
    const nodes = ordererNodes(topology);
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    const perOrg = new Map<string, number>();
    for (const node of nodes) {
      perOrg.set(node.org.mspId, (perOrg.get(node.org.mspId) ?? 0) + 1);
      const certificate = new X509Certificate(readFileSync(ordererIdentity(node).tlsCert));
      const ca = new X509Certificate(readFileSync(orgLayout(node.org).caCert));
      expect(certificate.checkIssued(ca), node.name).toBe(true);
      for (const other of topology.organizations.filter((org) => org.name !== node.org.name)) {
        const foreign = new X509Certificate(readFileSync(orgLayout(other).caCert));
        expect(certificate.checkIssued(foreign)).toBe(false);
      }
    }
    for (const count of perOrg.values()) expect(2 * count).toBeLessThan(nodes.length);
  });

  it("names the members' organizations, and only them, as the channel's orderer organizations", async () => {
    const block = common.Block.deserializeBinary(
      await connection.gateway
        .getNetwork(topology.channel.name)
        .getContract('cscc')
        .evaluateTransaction('GetConfigBlock', topology.channel.name),
    );
    const envelope = common.Envelope.deserializeBinary(
      block.getData()?.getDataList_asU8()[0] ?? new Uint8Array(),
    );
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
    const channelGroup = config?.getChannelGroup();
    /** The part of jspb.Map used here (google-protobuf's types are not installed). */
    interface ProtoMap {
      get(key: string): common.ConfigGroup | undefined;
      forEach(callback: (value: common.ConfigGroup, key: string) => void): void;
    }
    const groupsOf = (group: common.ConfigGroup | undefined) =>
      group === undefined ? undefined : (group.getGroupsMap() as unknown as ProtoMap);
    const groupNames = (group: common.ConfigGroup | undefined): string[] => {
      const names: string[] = [];
      groupsOf(group)?.forEach((_value, key) => names.push(key));
      return names;
    };
    const sub = (group: common.ConfigGroup | undefined, name: string) => groupsOf(group)?.get(name);
    const ordererOrgs = groupNames(sub(channelGroup, 'Orderer')).sort();
    const memberOrgs = new Set(groupNames(sub(channelGroup, 'Application')));
    expect(ordererOrgs).toEqual(
      [...new Set(ordererNodes(topology).map((node) => node.org.mspId))].sort(),
    );
    expect(ordererOrgs).not.toContain('OrdererMSP');
    for (const mspId of ordererOrgs) expect(memberOrgs.has(mspId)).toBe(true);
  });
});
