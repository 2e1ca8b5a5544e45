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
  /** Seconds from the join request to the peer reaching the target height (or to the budget). */
  readonly seconds: number;
  /** Blocks the peer committed itself (height minus the snapshot's height, or the height). */
  readonly blocksCommitted: number;
  /** Bytes of the peer's ledgers folder when it reached the height. */
  readonly ledgerBytes: number;
}

/** The join from the first block: `stopped` when its budget ran out before the target height. */
export type GenesisJoin = JoinMeasurement & { readonly stopped?: boolean };

/** The measurements at one ledger size. */
export interface JoinSizeResult {
  /** Access events on the channel (seeded plus any the run found). */
  readonly accessEvents: number;
  /** The channel's height the joins caught up to. */
  readonly height: number;
  /**
   * From the first block: absent when not measured (a budget of 0); `stopped` when the budget ran
   * out first, `blocksCommitted` then being the height it had reached.
   */
  readonly genesis?: GenesisJoin;
  readonly snapshot: JoinMeasurement & {
    /** Seconds the member's peer took to write the snapshot and copy it into the exchange. */
    readonly takeSeconds: number;
    /** Seconds from the join request to the target height (the join's part of `seconds`). */
    readonly joinSeconds: number;
    readonly snapshotBytes: number;
    readonly snapshotBlock: number;
  };
  /**
   * Snapshot (take + join + catch up) over genesis seconds; absent without a complete genesis
   * join (an incomplete one gives an upper bound, left to the reader).
   */
  readonly ratio?: number;
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
  /**
   * How long the join from the first block may go on before it is recorded as incomplete (the
   * height it reached) and the snapshot join measured; 0 skips it. Unlimited by default.
   */
  readonly genesisBudgetMs?: number;
}

/** Waits until the peer reaches `target`, then measures its ledger folder. */
async function caughtUp(
  options: Readonly<MeasureJoinsOptions>,
  peer: ReturnType<typeof extraPeerOf>,
  target: number,
  budgetMs?: number,
): Promise<{ height: number; ledgerBytes: number; complete: boolean }> {
  let height = 0;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const started = performance.now();
  await waitUntil(
    async () => {
      height = await channelHeight(options.install, options.topology, options.joiner, peer);
      return (
        height >= target || (budgetMs !== undefined && performance.now() - started >= budgetMs)
      );
    },
    {
      description: `${peerId(options.joiner, peer)} to reach height ${String(target)}`,
      timeoutMs: budgetMs === undefined ? timeoutMs : Math.min(timeoutMs, budgetMs + 60_000),
      intervalMs: 250,
    },
  );
  const ledgers = path.join(peerRuntime(options.joiner, peer).dataDir, 'ledgersData');
  return { height, ledgerBytes: folderBytes(ledgers), complete: height >= target };
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
    let genesis: GenesisJoin | undefined;
    if (options.genesisBudgetMs !== 0) {
      await fresh();
      log(`${name}: joining from the first block, up to height ${String(target)}`);
      const genesisStart = performance.now();
      await joinPeer(install, topology, joiner, peer);
      const done = await caughtUp(options, peer, target, options.genesisBudgetMs);
      const seconds = (performance.now() - genesisStart) / 1000;
      genesis = {
        seconds,
        blocksCommitted: done.height,
        ledgerBytes: done.ledgerBytes,
        ...(done.complete ? {} : { stopped: true }),
      };
      log(
        done.complete
          ? `${name}: from the first block in ${seconds.toFixed(1)} s`
          : `${name}: from the first block, stopped at the budget: height ${String(done.height)} of ${String(target)} in ${seconds.toFixed(1)} s`,
      );
    }

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
      ...(genesis === undefined ? {} : { genesis }),
      snapshot: {
        seconds: snapshotSeconds,
        takeSeconds,
        joinSeconds,
        blocksCommitted: snapshotDone.height - snapshot.height,
        ledgerBytes: snapshotDone.ledgerBytes,
        snapshotBytes: snapshot.bytes,
        snapshotBlock: snapshot.metadata.lastBlockNumber,
      },
      ...(genesis !== undefined && genesis.stopped !== true
        ? { ratio: joinRatio(snapshotSeconds, genesis.seconds) }
        : {}),
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
    ...rows.map((row) => {
      const { genesis } = row;
      const seconds =
        genesis === undefined
          ? 'not measured'
          : genesis.stopped === true
            ? `> ${genesis.seconds.toFixed(1)} (stopped at height ${String(genesis.blocksCommitted)})`
            : genesis.seconds.toFixed(1);
      return `| ${row.accessEvents.toLocaleString('en-US')} | ${String(row.height)} | ${seconds} | ${genesis === undefined ? '' : mb(genesis.ledgerBytes)} | ${row.snapshot.seconds.toFixed(1)} (${row.snapshot.takeSeconds.toFixed(1)} + ${row.snapshot.joinSeconds.toFixed(1)}) | ${mb(row.snapshot.snapshotBytes)} | ${mb(row.snapshot.ledgerBytes)} | ${genesis === undefined ? '' : String(genesis.blocksCommitted)} / ${String(row.snapshot.blocksCommitted)} | ${row.ratio === undefined ? '' : row.ratio.toFixed(2)} |`;
    }),
    '',
    ...meta.notes.map((note) => `- ${note}`),
    '',
  ];
  return lines.join('\n');
}
