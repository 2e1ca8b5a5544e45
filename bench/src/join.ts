import { performance } from 'node:perf_hooks';
import {
  channelHeight,
  extraPeerOf,
  folderBytes,
  joinPeer,
  joinPeerBySnapshot,
  peerId,
  peerRuntime,
  removeExtraPeer,
  startExtraPeer,
  takeSnapshot,
  waitUntil,
  type FabricInstall,
  type Organization,
  type Topology,
} from '@consent-ledger/network';
import path from 'node:path';

/**
 * `npm run bench -- --only join` (docs/reliability.md, "Joining from a snapshot"): at each ledger
 * size, a fresh peer (the regulator's `peer1`, outside the topology) joins the channel
 * from the first block and, started afresh, from a snapshot the tertiary hospital's peer takes;
 * each is timed until the peer reaches the channel's height.
 */

/** One way of joining, measured. */
export interface JoinMeasurement {
  /** Seconds from the join request to the peer reaching the target height. */
  readonly seconds: number;
  /** Blocks the peer committed itself (height minus the snapshot's height, or the height). */
  readonly blocksCommitted: number;
  /** Bytes of the peer's ledgers folder when it reached the height. */
  readonly ledgerBytes: number;
}

/** The measurements at one ledger size. */
export interface JoinSizeResult {
  /** Access events on the channel (seeded plus any the run found). */
  readonly accessEvents: number;
  /** The channel's height the joins caught up to. */
  readonly height: number;
  readonly genesis: JoinMeasurement;
  readonly snapshot: JoinMeasurement & {
    /** Seconds the member's peer took to write the snapshot and copy it into the exchange. */
    readonly takeSeconds: number;
    /** Seconds from the join request to the target height (the join's part of `seconds`). */
    readonly joinSeconds: number;
    readonly snapshotBytes: number;
    readonly snapshotBlock: number;
  };
  /** Snapshot (take + join + catch up) over genesis seconds. */
  readonly ratio: number;
}

/** The snapshot's seconds over the genesis join's, rounded to three decimals. */
export function joinRatio(snapshotSeconds: number, genesisSeconds: number): number {
  if (!(genesisSeconds > 0)) throw new RangeError('the genesis join took no time');
  return Math.round((snapshotSeconds / genesisSeconds) * 1000) / 1000;
}

/** Options of {@link measureJoins}. */
export interface MeasureJoinsOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  /** The organization of the fresh peer. */
  readonly joiner: Organization;
  /** The member whose first peer takes the snapshot. */
  readonly source: Organization;
  /** Chaincodes whose approved packages the fresh peer installs before joining. */
  readonly chaincodes: readonly string[];
  readonly accessEvents: number;
  readonly log: (line: string) => void;
  /** How long one join may take (an hour by default). */
  readonly timeoutMs?: number;
}

/** Waits until the peer reaches `target`, then measures its ledger folder. */
async function caughtUp(
  options: Readonly<MeasureJoinsOptions>,
  peer: ReturnType<typeof extraPeerOf>,
  target: number,
): Promise<{ height: number; ledgerBytes: number }> {
  let height = 0;
  await waitUntil(
    async () => {
      height = await channelHeight(options.install, options.topology, options.joiner, peer);
      return height >= target;
    },
    {
      description: `${peerId(options.joiner, peer)} to reach height ${String(target)}`,
      timeoutMs: options.timeoutMs ?? 3_600_000,
      intervalMs: 250,
    },
  );
  const ledgers = path.join(peerRuntime(options.joiner, peer).dataDir, 'ledgersData');
  return { height, ledgerBytes: folderBytes(ledgers) };
}

/**
 * Joins a fresh peer from the first block, then (deleted and started afresh) from a snapshot, and
 * times both. The peer's enrolment, start and chaincode installation are the same for both and
 * not timed; the snapshot's time counts taking it, copying it into the exchange, joining and
 * catching up. Nothing else should load the network meanwhile.
 */
export async function measureJoins(
  options: Readonly<MeasureJoinsOptions>,
): Promise<JoinSizeResult> {
  const { install, topology, joiner, source, log } = options;
  const [sourcePeer] = source.peers;
  if (sourcePeer === undefined) throw new Error(`${source.name} has no peer`);
  const peer = extraPeerOf(joiner);
  const name = peerId(joiner, peer);
  const fresh = async (): Promise<void> => {
    await removeExtraPeer({ topology, org: joiner, peer });
    await startExtraPeer({
      install,
      topology,
      org: joiner,
      peer,
      chaincodes: options.chaincodes,
      log,
    });
  };
  const target = await channelHeight(install, topology, source, sourcePeer);
  try {
    await fresh();
    log(`${name}: joining from the first block, up to height ${String(target)}`);
    const genesisStart = performance.now();
    await joinPeer(install, topology, joiner, peer);
    const genesisDone = await caughtUp(options, peer, target);
    const genesisSeconds = (performance.now() - genesisStart) / 1000;
    log(`${name}: from the first block in ${genesisSeconds.toFixed(1)} s`);

    await fresh();
    const snapshotStart = performance.now();
    const snapshot = await takeSnapshot({ install, topology, org: source, peer: sourcePeer, log });
    const takeSeconds = (performance.now() - snapshotStart) / 1000;
    const joinStart = performance.now();
    await joinPeerBySnapshot({
      install,
      topology,
      org: joiner,
      peer,
      snapshotDir: snapshot.dir,
      target,
      log,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    const snapshotDone = await caughtUp(options, peer, target);
    const joinSeconds = (performance.now() - joinStart) / 1000;
    const snapshotSeconds = (performance.now() - snapshotStart) / 1000;
    log(
      `${name}: from the snapshot in ${snapshotSeconds.toFixed(1)} s (take ${takeSeconds.toFixed(1)} s, join ${joinSeconds.toFixed(1)} s)`,
    );
    return {
      accessEvents: options.accessEvents,
      height: target,
      genesis: {
        seconds: genesisSeconds,
        blocksCommitted: genesisDone.height,
        ledgerBytes: genesisDone.ledgerBytes,
      },
      snapshot: {
        seconds: snapshotSeconds,
        takeSeconds,
        joinSeconds,
        blocksCommitted: snapshotDone.height - snapshot.height,
        ledgerBytes: snapshotDone.ledgerBytes,
        snapshotBytes: snapshot.bytes,
        snapshotBlock: snapshot.metadata.lastBlockNumber,
      },
      ratio: joinRatio(snapshotSeconds, genesisSeconds),
    };
  } finally {
    await removeExtraPeer({ topology, org: joiner, peer });
  }
}

/** bench/results/join.json: the rows and how they were measured. */
export interface JoinReport {
  readonly meta: Readonly<{ date: string; command: string; cores: number; notes: string[] }>;
  readonly results: JoinSizeResult[];
}

/**
 * `--merge`: the sizes measured now replace their earlier rows in the previous report, the other
 * rows stay (sorted by size), and the notes say which run measured what. A 10^6 join measured
 * after a seeding of several sittings keeps the 10^5 row of an earlier run beside it.
 */
export function mergeJoinReports(previous: JoinReport, now: JoinReport): JoinReport {
  const measured = new Set(now.results.map((row) => row.accessEvents));
  const kept = previous.results.filter((row) => !measured.has(row.accessEvents));
  const sizes = [...measured].map((size) => size.toLocaleString('en-US')).join(', ');
  return {
    meta: {
      ...now.meta,
      command: `${previous.meta.command}; then ${now.meta.command}`,
      notes: [
        ...previous.meta.notes,
        `Merged at ${now.meta.date}: ${sizes} measured by \`${now.meta.command}\`.`,
        ...now.meta.notes.filter((note) => !previous.meta.notes.includes(note)),
      ],
    },
    results: [...kept, ...now.results].sort((a, b) => a.accessEvents - b.accessEvents),
  };
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

/** The join report as Markdown: one row per ledger size. */
export function renderJoins(
  rows: readonly JoinSizeResult[],
  meta: Readonly<{ date: string; command: string; notes: readonly string[] }>,
): string {
  const lines = [
    '# Joining a peer: from the first block versus from a snapshot',
    '',
    `${meta.date}, \`${meta.command}\``,
    '',
    '| access events | height | genesis s | genesis ledger MB | snapshot s (take + join) | snapshot MB | snapshot-joined ledger MB | blocks committed (genesis / snapshot) | snapshot / genesis |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.accessEvents.toLocaleString('en-US')} | ${String(row.height)} | ${row.genesis.seconds.toFixed(1)} | ${mb(row.genesis.ledgerBytes)} | ${row.snapshot.seconds.toFixed(1)} (${row.snapshot.takeSeconds.toFixed(1)} + ${row.snapshot.joinSeconds.toFixed(1)}) | ${mb(row.snapshot.snapshotBytes)} | ${mb(row.snapshot.ledgerBytes)} | ${String(row.genesis.blocksCommitted)} / ${String(row.snapshot.blocksCommitted)} | ${row.ratio.toFixed(2)} |`,
    ),
    '',
    ...meta.notes.map((note) => `- ${note}`),
    '',
  ];
  return lines.join('\n');
}
