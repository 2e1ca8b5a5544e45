import { FAILURE_KINDS, type FailureCounts } from './classify.ts';
import type { PeerBreakdown } from './metrics.ts';
import type { LatencySummary } from './stats.ts';
import { round } from './stats.ts';

/** One measured workload at one concurrency (and, for audits, one ledger size). */
export interface WorkloadResult {
  readonly workload: string;
  readonly group: 'core' | 'audit' | 'rest' | 'verifier';
  /** The chaincode called (`consent-ledger-bench`, `consent-ledger`), or `offline`. */
  readonly target: string;
  readonly concurrency: number;
  /** Access events seeded in the benchmark namespace when measured (audits). */
  readonly ledgerEvents?: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly throughput: number;
  /** Hashes per second (batches), bundles per second (verifier); else = throughput. */
  readonly unitsPerSecond: number;
  readonly latency: LatencySummary;
  readonly failures: FailureCounts;
  readonly failureSamples: readonly string[];
  /** Peak sampled RSS during the workload, MiB: the largest peer, all peers, the gateway. */
  readonly memory: {
    readonly peerMaxMiB: number;
    readonly peersTotalMiB: number;
    readonly gatewayMiB?: number;
  };
  /** Where the time went on the peers, per operation (from their /metrics). */
  readonly peers?: PeerBreakdown;
  /**
   * Throughput of each pass, in run order, when the workload ran more than once (`--repeat`,
   * passes interleaved with the baseline's); the row's other figures are the median pass's.
   */
  readonly passes?: readonly number[];
}

/** A seeding step. */
export interface SeedingResult {
  readonly fromEvents: number;
  readonly toEvents: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly batchSize: number;
  readonly parallel: number;
}

/** A target of the issue, evaluated on the run's figures. */
export interface TargetResult {
  readonly name: string;
  readonly rule: string;
  /** The measured figure the rule is about (a ratio, a rate, milliseconds), null if not measured. */
  readonly value: number | null;
  readonly met: boolean | null;
  readonly detail: string;
}

/** The whole report (bench/results/latest.json). */
export interface BenchReport {
  readonly meta: {
    readonly date: string;
    readonly cores: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
    readonly command: string;
    readonly durationMs: number;
    readonly warmupMs: number;
    readonly concurrency: readonly number[];
    readonly sizes: readonly number[];
    readonly quick: boolean;
    readonly loadDriver: string;
    readonly notes: readonly string[];
  };
  readonly results: readonly WorkloadResult[];
  readonly seeding: readonly SeedingResult[];
  readonly targets: readonly TargetResult[];
  readonly processMemory: readonly { name: string; peakRssMiB: number; hwmMiB: number }[];
}

const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

const sameMeasurement = (a: WorkloadResult, b: WorkloadResult): boolean =>
  a.workload === b.workload &&
  a.target === b.target &&
  a.concurrency === b.concurrency &&
  a.ledgerEvents === b.ledgerEvents;

/**
 * One row per measurement: passes of the same workload, target, concurrency and ledger size are
 * replaced by their median pass (by throughput, the lower middle one for an even count), which
 * carries every pass's throughput in `passes`. Rows measured once are returned unchanged.
 */
export function combinePasses(results: readonly WorkloadResult[]): WorkloadResult[] {
  const groups: WorkloadResult[][] = [];
  for (const result of results) {
    const group = groups.find((g) => g[0] !== undefined && sameMeasurement(g[0], result));
    if (group === undefined) groups.push([result]);
    else group.push(result);
  }
  return groups.map((group) => {
    if (group.length === 1 && group[0] !== undefined) return group[0];
    const byThroughput = [...group].sort((a, b) => a.throughput - b.throughput);
    const median = byThroughput[Math.floor((byThroughput.length - 1) / 2)];
    if (median === undefined) throw new Error('empty group');
    return { ...median, passes: group.map((r) => r.throughput) };
  });
}

const peakRow = (results: readonly WorkloadResult[], workload: string): WorkloadResult | null => {
  const found = results.filter((r) => r.workload === workload && r.succeeded > 0);
  return found.reduce<WorkloadResult | null>(
    (best, r) => (best === null || r.unitsPerSecond > best.unitsPerSecond ? r : best),
    null,
  );
};

const peak = (results: readonly WorkloadResult[], workload: string): number | null =>
  peakRow(results, workload)?.unitsPerSecond ?? null;

const ratioTarget = (
  results: readonly WorkloadResult[],
  spec: Readonly<{ name: string; workload: string; baseline: string; threshold: number }>,
): TargetResult => {
  const valueRow = peakRow(results, spec.workload);
  const baseRow = peakRow(results, spec.baseline);
  const value = valueRow?.unitsPerSecond ?? null;
  const base = baseRow?.unitsPerSecond ?? null;
  const rule = `peak ${spec.workload} throughput >= ${String(spec.threshold)} x peak ${spec.baseline}`;
  if (value === null || base === null || base === 0) {
    return { name: spec.name, rule, value: null, met: null, detail: 'not measured' };
  }
  const ratio = value / base;
  // Passes at the same concurrency ran interleaved (baseline, workload, baseline, ...): their
  // ratios show how much of the difference is noise.
  const perPass =
    valueRow?.passes !== undefined &&
    baseRow?.passes !== undefined &&
    valueRow.concurrency === baseRow.concurrency &&
    valueRow.passes.length === baseRow.passes.length
      ? valueRow.passes.map((v, i) => fmt(v / (baseRow.passes?.[i] ?? Number.NaN), 2))
      : undefined;
  return {
    name: spec.name,
    rule,
    value: round(ratio, 3),
    met: ratio >= spec.threshold,
    detail:
      `${round(value, 1)} vs ${round(base, 1)} tx/s` +
      (perPass === undefined
        ? ''
        : ` (medians of ${String(perPass.length)} passes; ratio per pass ${perPass.join(', ')})`),
  };
};

/** Evaluates the targets (reported, never asserted). */
export function evaluateTargets(results: readonly WorkloadResult[]): TargetResult[] {
  const targets: TargetResult[] = [
    ratioTarget(results, {
      name: 'grant consent',
      workload: 'grant-consent',
      baseline: 'baseline-put',
      threshold: 0.8,
    }),
    ratioTarget(results, {
      name: 'request access',
      workload: 'request-access',
      baseline: 'baseline-put',
      threshold: 0.7,
    }),
    ratioTarget(results, {
      name: 'check access',
      workload: 'check-access',
      baseline: 'baseline-get',
      threshold: 0.8,
    }),
  ];
  const batch = Math.max(
    peak(results, 'anchor-batch-1000') ?? 0,
    peak(results, 'anchor-batch-10000') ?? 0,
  );
  targets.push({
    name: 'batch anchoring',
    rule: 'record hashes anchored per second >= 10,000 (best batch workload)',
    value: batch === 0 ? null : round(batch, 0),
    met: batch === 0 ? null : batch >= 10_000,
    detail: batch === 0 ? 'not measured' : `${round(batch, 0)} hashes/s`,
  });
  for (const workload of ['audit-by-patient', 'audit-by-org-window']) {
    const audits = results
      .filter((r) => r.workload === workload && r.ledgerEvents !== undefined && r.succeeded > 0)
      .sort((a, b) => (a.ledgerEvents ?? 0) - (b.ledgerEvents ?? 0));
    const first = audits[0];
    const last = audits.at(-1);
    if (first === undefined || last === undefined) {
      targets.push({
        name: workload,
        rule: 'p95 <= 250 ms at the largest ledger',
        value: null,
        met: null,
        detail: 'not measured',
      });
      continue;
    }
    const events = last.ledgerEvents ?? 0;
    targets.push({
      name: `${workload} p95`,
      rule: `p95 <= 250 ms at ${events.toLocaleString('en-US')} events (target: 1,000,000)`,
      value: round(last.latency.p95, 1),
      met: last.latency.p95 <= 250,
      detail: `${round(last.latency.p95, 1)} ms`,
    });
    if (audits.length > 1 && (first.ledgerEvents ?? 0) > 1) {
      const growth = last.latency.p50 / first.latency.p50;
      const logGrowth = Math.log(events) / Math.log(first.ledgerEvents ?? 2);
      targets.push({
        name: `${workload} growth`,
        rule: 'p50 grows no faster than log(events): p50 ratio <= log ratio',
        value: round(growth, 3),
        met: growth <= logGrowth,
        detail: `p50 x${round(growth, 2)} from ${String(first.ledgerEvents)} to ${String(events)} events; log ratio ${round(logGrowth, 2)}`,
      });
    }
  }
  for (const [name, rest, direct] of [
    ['REST grant overhead', 'rest-grant-consent', 'direct-grant-consent'],
    ['REST request overhead', 'rest-request-access', 'direct-request-access'],
  ] as const) {
    const r = results.find((x) => x.workload === rest && x.succeeded > 0);
    const d = results.find((x) => x.workload === direct && x.succeeded > 0);
    if (r === undefined || d === undefined) {
      targets.push({
        name,
        rule: 'REST p50 <= 1.15 x direct p50',
        value: null,
        met: null,
        detail: 'not measured',
      });
      continue;
    }
    const overhead = r.latency.p50 / d.latency.p50 - 1;
    targets.push({
      name,
      rule: 'REST gateway adds <= 15% to p50 latency',
      value: round(overhead, 3),
      met: overhead <= 0.15,
      detail: `p50 ${round(r.latency.p50, 1)} ms (REST) vs ${round(d.latency.p50, 1)} ms (direct), ${overhead >= 0 ? '+' : ''}${String(round(overhead * 100, 1))}%`,
    });
  }
  return targets;
}

/** The baseline figure a result is compared with (same concurrency), if any. */
function baselineOf(result: WorkloadResult, results: readonly WorkloadResult[]): number | null {
  if (result.group !== 'core' || result.workload.startsWith('baseline')) return null;
  const base =
    result.workload === 'check-access' || result.workload === 'verify-record'
      ? 'baseline-get'
      : 'baseline-put';
  const found = results.find((r) => r.workload === base && r.concurrency === result.concurrency);
  return found === undefined || found.throughput === 0 ? null : found.throughput;
}

/** Renders the report as Markdown (bench/results/latest.md). */
export function renderMarkdown(report: BenchReport): string {
  const { meta } = report;
  const lines: string[] = [
    '# Consent Ledger benchmark: latest run',
    '',
    `Run ${meta.date} on ${String(meta.cores)} cores (${meta.cpuModel}), ${fmt(meta.memoryGiB)} GiB, Node ${meta.node}; ` +
      `${String(meta.durationMs / 1000)} s per workload after ${String(meta.warmupMs / 1000)} s warm-up; ` +
      `load driver: ${meta.loadDriver}.`,
    '',
    `Command: \`${meta.command}\``,
    '',
    '## Targets (reported, not asserted)',
    '',
    '| target | rule | measured | met |',
    '| --- | --- | --- | --- |',
    ...report.targets.map(
      (t) =>
        `| ${t.name} | ${t.rule} | ${t.detail} | ${t.met === null ? 'not measured' : t.met ? 'yes' : '**no**'} |`,
    ),
    '',
    '## Workloads',
    '',
    'Throughput in operations per second (units: hashes for batches, bundles for the verifier); ' +
      'latency in ms; x baseline = throughput / baseline Put (writes) or Get (reads) at the same ' +
      'concurrency; failures: MVCC / phantom / endorsement / timeout / unavailable / ledger / http / other; ' +
      'passes: throughput of each pass when a workload ran more than once (the row is the median pass).',
    '',
    '| workload | target | conc. | events | ok | tput | units/s | x baseline | p50 | p95 | p99 | failures | peer peak MiB | peers MiB | gateway MiB | passes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    ...report.results.map((r) => {
      const base = baselineOf(r, report.results);
      const failures = FAILURE_KINDS.map((kind) => String(r.failures[kind])).join('/');
      return `| ${r.workload} | ${r.target} | ${String(r.concurrency)} | ${r.ledgerEvents === undefined ? '' : r.ledgerEvents.toLocaleString('en-US')} | ${String(r.succeeded)} | ${fmt(r.throughput)} | ${fmt(r.unitsPerSecond)} | ${base === null ? '' : fmt(r.throughput / base, 2)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p95)} | ${fmt(r.latency.p99)} | ${failures} | ${fmt(r.memory.peerMaxMiB, 0)} | ${fmt(r.memory.peersTotalMiB, 0)} | ${r.memory.gatewayMiB === undefined ? '' : fmt(r.memory.gatewayMiB, 0)} | ${r.passes === undefined ? '' : r.passes.map((t) => fmt(t)).join(' / ')} |`;
    }),
    '',
  ];
  const broken = report.results.filter((r) => r.peers !== undefined && r.succeeded > 0);
  if (broken.length > 0) {
    lines.push(
      '## Where the time goes (peers, per operation)',
      '',
      'Per operation that ended (warm-up included), summed over the peers from their /metrics: endorsement time (all endorsers), the chaincode ' +
        'requests to its peer (state reads and writes, range queries) and the time answering them, ' +
        'block validation and commit (channel-wide: other traffic counts too).',
      '',
      '| workload | conc. | endorse ms | shim requests | shim ms | validate ms | commit ms |',
      '| --- | ---: | ---: | --- | ---: | ---: | ---: |',
      ...broken.map((r) => {
        const p = r.peers;
        if (p === undefined) return '';
        const requests = Object.entries(p.shimRequests)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, count]) => `${type} ${fmt(count, 1)}`)
          .join(', ');
        return `| ${r.workload} | ${String(r.concurrency)} | ${fmt(p.endorseMs, 2)} | ${requests} | ${fmt(p.shimMs, 2)} | ${fmt(p.validateMs, 2)} | ${fmt(p.commitMs, 2)} |`;
      }),
      '',
    );
  }
  if (report.seeding.length > 0) {
    lines.push(
      '## Seeding (bench:SeedAccessEvents)',
      '',
      '| from | to | seconds | events/s | batch | parallel |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      ...report.seeding.map(
        (s) =>
          `| ${s.fromEvents.toLocaleString('en-US')} | ${s.toEvents.toLocaleString('en-US')} | ${fmt(s.seconds)} | ${fmt(s.eventsPerSecond, 0)} | ${String(s.batchSize)} | ${String(s.parallel)} |`,
      ),
      '',
    );
  }
  if (report.processMemory.length > 0) {
    lines.push(
      '## Process memory over the run',
      '',
      '| process | peak sampled RSS MiB | VmHWM (process lifetime) MiB |',
      '| --- | ---: | ---: |',
      ...report.processMemory.map(
        (p) => `| ${p.name} | ${fmt(p.peakRssMiB, 0)} | ${fmt(p.hwmMiB, 0)} |`,
      ),
      '',
    );
  }
  if (meta.notes.length > 0) lines.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
  lines.push(
    'Charts: [throughput.svg](throughput.svg), [audit-latency.svg](audit-latency.svg).',
    '',
  );
  return lines.join('\n');
}
