import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOVERNMENT_MSP, type ResultOf } from '@consent-ledger/ledger-api';
import {
  channelInfo,
  connectAs,
  ensureFabricBinaries,
  extraPeerOf,
  joinPeerBySnapshot,
  orgLayout,
  SNAPSHOT_MEMBERSHIP_PATCH,
  peerSnapshotsDir,
  readSnapshot,
  removeExtraPeer,
  SnapshotError,
  SNAPSHOTS_KEPT,
  startExtraPeer,
  takeSnapshot,
  waitUntil,
  type ChannelSnapshot,
  type FabricInstall,
  type LedgerConnection,
} from '@consent-ledger/network';
import { closeUsers } from '../support/identities.ts';
import { evaluate, submit } from '../support/ledger-calls.ts';
import { connectAdmin, org, topology } from '../support/ledger.ts';
import { registerPatient } from '../support/patients.ts';

/**
 * Joining a peer from a ledger snapshot (docs/reliability.md, "Joining from a snapshot"): the
 * tertiary hospital's peer takes a snapshot (holding private data hashes) into the exchange area,
 * a second peer of the community hospital (outside the topology, on its own ports; its
 * organization is outside most collections) joins from it, catches up, agrees with every other
 * peer on the height and the last block's hash, serves an evaluate of the chaincode installed on
 * it, and receives its own collections' private data by reconciliation. Fabric 2.5.0 crashes on
 * such a join; the binaries carry the fix (network/fabric-patches), and binaries without it refuse
 * the join before the peer would crash.
 */

const community = org('community');
const tertiary = org('tertiary');
const extra = extraPeerOf(community);
const [tertiaryPeer] = tertiary.peers;
if (tertiaryPeer === undefined) throw new Error('tertiary has no peer');
let install: FabricInstall;
let writer: LedgerConnection;
let snapshot: ChannelSnapshot;
/** Snapshot folders this test made (the exchange copy and the peer's own), deleted at the end. */
const snapshots = new Set<string>();
const remember = (taken: ChannelSnapshot): void => {
  snapshots.add(taken.dir);
  snapshots.add(
    path.join(
      peerSnapshotsDir(tertiary, tertiaryPeer),
      'completed',
      topology.channel.name,
      path.basename(taken.dir),
    ),
  );
};

/** Writes a baseline value, endorsed by the regulator and the tertiary hospital. */
async function put(key: string, value: string): Promise<void> {
  await submit({ connection: writer }, 'baseline:Put', [key, value], {
    endorsers: [GOVERNMENT_MSP, tertiary.mspId],
  });
}

/** A counter of the extra peer's Prometheus metrics (0 when absent). */
async function metric(name: string): Promise<number> {
  const response = await fetch(`http://${extra.host}:${String(extra.operationsPort)}/metrics`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * Runs `calls` as the community hospital's admin through the new peer's own gateway service;
 * answers how many proposals that peer endorsed meanwhile (its counter: it, not the
 * organization's first peer, answered).
 */
async function onNewPeer(calls: (connection: LedgerConnection) => Promise<void>): Promise<number> {
  const connection = connectAs({
    org: community,
    identity: orgLayout(community).admin,
    peer: extra,
  });
  try {
    const proposals = await metric('endorser_successful_proposals');
    await calls(connection);
    return (await metric('endorser_successful_proposals')) - proposals;
  } finally {
    connection.close();
  }
}

beforeAll(async () => {
  install = await ensureFabricBinaries(topology);
  writer = connectAdmin('gov');
  await removeExtraPeer({ topology, org: community, peer: extra });
  await startExtraPeer({
    install,
    topology,
    org: community,
    peer: extra,
    chaincodes: [topology.chaincode.name],
  });
});

afterAll(async () => {
  writer.close();
  closeUsers();
  await removeExtraPeer({ topology, org: community, peer: extra });
  // Snapshots are the test's own: once written, the peer does not use its copy (Fabric's guide).
  for (const dir of snapshots) rmSync(dir, { recursive: true, force: true });
});

describe('joining a peer from a ledger snapshot', () => {
  const before = `snapshot-before-${randomUUID()}`;
  const after = `snapshot-after-${randomUUID()}`;
  /** A patient of the community hospital, registered before the snapshot (private data at home). */
  let homePatient = '';

  it('takes a snapshot into the exchange area, checked against its metadata', async () => {
    await put(before, 'in the snapshot');
    // Private data of the chaincode (patients' bindings), whose hashes the snapshot holds: one in
    // collections the community hospital is outside of, one in its own.
    await registerPatient('tertiary', { activate: false });
    homePatient = (await registerPatient('community', { activate: false })).patientId;
    snapshot = await takeSnapshot({ install, topology, org: tertiary, peer: tertiaryPeer });
    remember(snapshot);
    const info = await channelInfo(install, topology, tertiary, tertiaryPeer);
    expect(snapshot.metadata.channel).toBe(topology.channel.name);
    expect(snapshot.height).toBeGreaterThan(1);
    expect(snapshot.height).toBeLessThanOrEqual(info.height);
    expect(snapshot.bytes).toBeGreaterThan(0);
    expect(path.basename(snapshot.dir)).toBe(String(snapshot.metadata.lastBlockNumber));
    // Taken again at the same height: the same snapshot, no new request.
    const again = await takeSnapshot({ install, topology, org: tertiary, peer: tertiaryPeer });
    remember(again);
    expect(again.metadata.lastBlockNumber).toBeGreaterThanOrEqual(
      snapshot.metadata.lastBlockNumber,
    );
  });

  it('refuses a tampered copy of the snapshot', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'cl-snapshot-'));
    try {
      cpSync(snapshot.dir, copy, { recursive: true });
      const data = readdirSync(copy).find((file) => !file.startsWith('_snapshot'));
      if (data === undefined) throw new Error('a snapshot without data files');
      // Fabric writes snapshot files read-only.
      chmodSync(path.join(copy, data), 0o600);
      writeFileSync(path.join(copy, data), 'tampered');
      expect(() => readSnapshot(copy, topology.channel.name)).toThrow(
        expect.objectContaining({ name: 'SnapshotError', code: 'SNAPSHOT_CORRUPT' }),
      );
      expect(() => readSnapshot(copy, 'another-channel')).toThrow(SnapshotError);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('builds the peers with the fix that lets an organization outside some collection join', () => {
    expect(install.patches).toContain(SNAPSHOT_MEMBERSHIP_PATCH);
  });

  it('joins a hospital’s fresh peer from the snapshot; it catches up and agrees on the block hashes', async () => {
    const joined = await joinPeerBySnapshot({
      install,
      topology,
      org: community,
      peer: extra,
      snapshotDir: snapshot.dir,
      timeoutMs: 120_000,
    });
    expect(joined.joined).toBe(true);
    expect(joined.snapshotHeight).toBe(snapshot.height);
    expect(joined.height).toBeGreaterThanOrEqual(joined.target);
    // A block after the snapshot, committed by every peer including the new one.
    await put(after, 'after the snapshot');
    const peers = topology.organizations.flatMap((each) =>
      each.peers.map((peer) => ({ org: each, peer })),
    );
    let infos: Awaited<ReturnType<typeof channelInfo>>[] = [];
    let mine: Awaited<ReturnType<typeof channelInfo>> | undefined;
    await waitUntil(
      async () => {
        infos = await Promise.all(
          peers.map(({ org: each, peer }) => channelInfo(install, topology, each, peer)),
        );
        mine = await channelInfo(install, topology, community, extra);
        return infos.every((info) => info.height === mine?.height);
      },
      { description: 'every peer at the same height', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(mine?.height).toBeGreaterThan(snapshot.height);
    for (const info of infos) {
      expect(info.currentBlockHash).toBe(mine?.currentBlockHash);
      expect(info.previousBlockHash).toBe(mine?.previousBlockHash);
    }
    // Joining again does nothing but wait.
    const again = await joinPeerBySnapshot({
      install,
      topology,
      org: community,
      peer: extra,
      snapshotDir: snapshot.dir,
    });
    expect(again.joined).toBe(false);
  });

  it('serves an evaluate of the chaincode installed on it, state from before and after the snapshot', async () => {
    const answered = await onNewPeer(async (connection) => {
      expect(await evaluate({ connection }, 'baseline:Get', before)).toBe('in the snapshot');
      expect(await evaluate({ connection }, 'baseline:Get', after)).toBe('after the snapshot');
    });
    expect(answered).toBeGreaterThanOrEqual(2);
  });

  it('receives its own collections’ private data from before the snapshot by reconciliation', async () => {
    // A snapshot holds private data hashes only: the peer pulls the values of its organization's
    // collections from the other members (every 10 s here), and none of the collections it is
    // outside of (the patched membership check answered "not a member" for those).
    let binding: ResultOf<'patient:GetBinding'> | undefined;
    const answered = await onNewPeer(async (connection) => {
      await waitUntil(
        async () => {
          binding = await evaluate({ connection }, 'patient:GetBinding', homePatient).catch(
            () => undefined,
          );
          return binding !== undefined;
        },
        { description: 'the home patient’s binding on the new peer', timeoutMs: 90_000 },
      );
    });
    expect(binding).toMatchObject({ patientId: homePatient, home: community.mspId });
    expect(answered).toBeGreaterThan(0);
  });

  it('keeps the newest snapshots only: older ones leave the peer and the exchange', async () => {
    const taken: ChannelSnapshot[] = [snapshot];
    for (const step of [1, 2]) {
      const previous = taken.at(-1)?.height ?? 0;
      await put(`snapshot-prune-${String(step)}-${randomUUID()}`, 'one more block');
      await waitUntil(
        async () =>
          (await channelInfo(install, topology, tertiary, tertiaryPeer)).height > previous,
        { description: 'the tertiary peer past the last snapshot', timeoutMs: 30_000 },
      );
      const next = await takeSnapshot({ install, topology, org: tertiary, peer: tertiaryPeer });
      remember(next);
      taken.push(next);
    }
    expect(SNAPSHOTS_KEPT).toBe(2);
    const [oldest, middle, newest] = taken;
    if (oldest === undefined || middle === undefined || newest === undefined)
      throw new Error('three snapshots expected');
    expect(oldest.height).toBeLessThan(middle.height);
    expect(middle.height).toBeLessThan(newest.height);
    // The exchange keeps the organization's two newest; its peer keeps only the newest.
    expect(existsSync(oldest.dir)).toBe(false);
    expect(readSnapshot(middle.dir, topology.channel.name).height).toBe(middle.height);
    expect(readSnapshot(newest.dir, topology.channel.name).height).toBe(newest.height);
    const completed = path.join(
      peerSnapshotsDir(tertiary, tertiaryPeer),
      'completed',
      topology.channel.name,
    );
    expect(readdirSync(completed).filter((entry) => /^\d+$/.test(entry))).toEqual([
      path.basename(newest.dir),
    ]);
  });
});
