import { FAILURE_KINDS, type FailureCounts } from './classify.ts';
import type { PeerBreakdown } from './metrics.ts';
import type { LatencySummary } from './stats.ts';
import { round } from './stats.ts';

/** A group of workloads (docs/benchmark.md, "What runs where"). */
export type WorkloadGroup = 'core' | 'audit' | 'rest' | 'verifier' | 'crypto' | 'ordering';

/** One measured workload at one concurrency (and, for audits, one ledger size). */
export interface WorkloadResult {
  readonly workload: string;
  readonly group: WorkloadGroup;
  /** The chaincode called (`consent-ledger-bench`, `consent-ledger`), or `offline`. */
  readonly target: string;
  readonly concurrency: number;
  /** Access events seeded in the benchmark namespace when measured (audits). */
  readonly ledgerEvents?: number;
  /** The channel's BatchTimeout (orderers' block timer) while it was measured, when known. */
  readonly batchTimeout?: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly throughput: number;
  /** Hashes per second (batches), bundles per second (verifier); else = throughput. */
  readonly unitsPerSecond: number;
  readonly latency: LatencySummary;
  readonly failures: FailureCounts;
  readonly failureSamples: readonly string[];
  /**
   * Submits retried during the workload (warm-up included), by kind: MVCC and phantom read
   * conflicts, endorsement mismatches (bench/src/calls.ts retries them as the gateway does).
   */
  readonly retries?: Readonly<Record<string, number>>;
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
    /** The channel's BatchTimeout during the core workloads (read from its config block). */
    readonly batchTimeout?: string;
    /** The report the comparison was made with (`--compare`). */
    readonly comparedWith?: string;
  };
  readonly results: readonly WorkloadResult[];
  readonly seeding: readonly SeedingResult[];
  readonly targets: readonly TargetResult[];
  readonly processMemory: readonly { name: string; peakRssMiB: number; hwmMiB: number }[];
  /** The same workloads in an earlier report (`--compare`), e.g. before private data. */
  readonly comparison?: readonly ComparisonRow[];
}

/** One workload's figures in two reports. */
export interface ComparisonRow {
  readonly workload: string;
  readonly group: WorkloadGroup;
  readonly concurrency: number;
  readonly ledgerEvents?: number;
  readonly before: ComparedFigures;
  readonly after: ComparedFigures;
}

/** What a comparison shows of one report's row. */
export interface ComparedFigures {
  readonly throughput: number;
  /** Throughput / the same report's baseline at the same concurrency (null for none). */
  readonly ratio: number | null;
  readonly p50: number;
}

const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

const sameMeasurement = (a: WorkloadResult, b: WorkloadResult): boolean =>
  a.workload === b.workload &&
  a.group === b.group &&
  a.target === b.target &&
  a.concurrency === b.concurrency &&
  a.ledgerEvents === b.ledgerEvents &&
  a.batchTimeout === b.batchTimeout;

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

/** Rows measured for the issue's targets: the core group, as run at the channel's own setting. */
const coreRows = (results: readonly WorkloadResult[], workload: string): WorkloadResult[] =>
  results.filter((r) => r.group === 'core' && r.workload === workload && r.succeeded > 0);

const peakRow = (results: readonly WorkloadResult[], workload: string): WorkloadResult | null =>
  coreRows(results, workload).reduce<WorkloadResult | null>(
    (best, r) => (best === null || r.unitsPerSecond > best.unitsPerSecond ? r : best),
    null,
  );

const peak = (results: readonly WorkloadResult[], workload: string): number | null =>
  peakRow(results, workload)?.unitsPerSecond ?? null;

/**
 * "x of y tx/s", with the ratio of each pass when both rows ran the same number of interleaved
 * passes (baseline, workload, baseline, ...): they show how much of a difference is noise.
 */
function ratioDetail(valueRow: WorkloadResult, baseRow: WorkloadResult): string {
  const perPass =
    valueRow.passes !== undefined &&
    baseRow.passes !== undefined &&
    valueRow.concurrency === baseRow.concurrency &&
    valueRow.passes.length === baseRow.passes.length
      ? valueRow.passes.map((v, i) => fmt(v / (baseRow.passes?.[i] ?? Number.NaN), 2))
      : undefined;
  return (
    `${String(round(valueRow.unitsPerSecond, 1))} vs ${String(round(baseRow.unitsPerSecond, 1))} tx/s` +
    (perPass === undefined
      ? ''
      : ` (medians of ${String(perPass.length)} passes; ratio per pass ${perPass.join(', ')})`)
  );
}

const notMeasured = (name: string, rule: string): TargetResult => ({
  name,
  rule,
  value: null,
  met: null,
  detail: 'not measured',
});

/** Peak throughput of a workload against the peak of its baseline. */
const peakRatioTarget = (
  results: readonly WorkloadResult[],
  spec: Readonly<{ name: string; workload: string; baseline: string; threshold: number }>,
): TargetResult => {
  const valueRow = peakRow(results, spec.workload);
  const baseRow = peakRow(results, spec.baseline);
  const rule = `peak ${spec.workload} throughput >= ${String(spec.threshold)} x peak ${spec.baseline}`;
  if (valueRow === null || baseRow === null || baseRow.unitsPerSecond === 0)
    return notMeasured(spec.name, rule);
  const ratio = valueRow.unitsPerSecond / baseRow.unitsPerSecond;
  return {
    name: spec.name,
    rule,
    value: round(ratio, 3),
    met: ratio >= spec.threshold,
    detail: ratioDetail(valueRow, baseRow),
  };
};

/** The concurrencies at which issue 14's write targets hold (same run, same concurrency). */
export const WRITE_TARGET_CONCURRENCIES: readonly number[] = [64, 128];

/**
 * A workload's throughput against its baseline's at the same concurrency, at each of
 * `concurrencies` (every one must meet the threshold: the value is the lowest ratio). A run that
 * measured none of them is judged at the concurrencies it measured both at, and says so.
 */
const sameConcurrencyTarget = (
  results: readonly WorkloadResult[],
  spec: Readonly<{
    name: string;
    workload: string;
    baseline: string;
    threshold: number;
    concurrencies: readonly number[];
  }>,
): TargetResult => {
  const rule = `${spec.workload} throughput >= ${String(spec.threshold)} x ${spec.baseline} at ${spec.concurrencies.join(' and ')} workers (same concurrency)`;
  const pairs = coreRows(results, spec.workload).flatMap((valueRow) => {
    const baseRow = coreRows(results, spec.baseline).find(
      (r) => r.concurrency === valueRow.concurrency && r.unitsPerSecond > 0,
    );
    return baseRow === undefined ? [] : [{ valueRow, baseRow }];
  });
  const wanted = pairs.filter(({ valueRow }) => spec.concurrencies.includes(valueRow.concurrency));
  const judged = (wanted.length > 0 ? wanted : pairs).sort(
    (a, b) => a.valueRow.concurrency - b.valueRow.concurrency,
  );
  if (judged.length === 0) return notMeasured(spec.name, rule);
  const ratios = judged.map(
    ({ valueRow, baseRow }) => valueRow.unitsPerSecond / baseRow.unitsPerSecond,
  );
  const lowest = Math.min(...ratios);
  const parts = judged.map(({ valueRow, baseRow }) => ratioDetail(valueRow, baseRow));
  const labelled = wanted.length === 0 || parts.length > 1;
  return {
    name: spec.name,
    rule,
    value: round(lowest, 3),
    met: lowest >= spec.threshold,
    detail: (labelled
      ? judged.map(
          ({ valueRow }, i) => `at ${String(valueRow.concurrency)} workers: ${parts[i] ?? ''}`,
        )
      : parts
    ).join('; '),
  };
};

/** The workload of access requests to a patient with 400 unrelated consents (and one permit). */
export const CROWDED_REQUEST = 'request-access-crowded';
/** Unrelated consents the crowded patient holds. */
export const UNRELATED_CONSENTS = 400;

/** Issue 14: a request's p50 may grow by at most this factor with 400 unrelated consents. */
const CROWDED_P50_FACTOR = 1.2;
/** Issue 14: a clinician's access decision p50 at this many workers... */
const DECISION_CONCURRENCY = 16;
/** ... at most this many milliseconds. */
const DECISION_P50_MS = 300;

function crowdedTarget(results: readonly WorkloadResult[]): TargetResult {
  const name = `request access, ${String(UNRELATED_CONSENTS)} unrelated consents`;
  const rule = `request-access p50 with ${String(UNRELATED_CONSENTS)} unrelated consents of the patient <= ${String(CROWDED_P50_FACTOR)} x p50 with one (same run, same concurrency)`;
  const pairs = coreRows(results, CROWDED_REQUEST)
    .flatMap((crowded) => {
      const plain = coreRows(results, 'request-access').find(
        (r) => r.concurrency === crowded.concurrency,
      );
      return plain === undefined ? [] : [{ crowded, plain }];
    })
    .sort((a, b) => a.crowded.concurrency - b.crowded.concurrency);
  const [first] = pairs;
  if (first === undefined) return notMeasured(name, rule);
  const ratio = first.crowded.latency.p50 / first.plain.latency.p50;
  return {
    name,
    rule,
    value: round(ratio, 3),
    met: ratio <= CROWDED_P50_FACTOR,
    detail: `p50 ${String(round(first.crowded.latency.p50, 1))} ms vs ${String(round(first.plain.latency.p50, 1))} ms at ${String(first.crowded.concurrency)} workers`,
  };
}

function decisionTarget(results: readonly WorkloadResult[]): TargetResult {
  const name = 'access decision p50';
  const rule = `a clinician's request-access p50 <= ${String(DECISION_P50_MS)} ms at ${String(DECISION_CONCURRENCY)} workers`;
  const row = coreRows(results, 'request-access').find(
    (r) => r.concurrency === DECISION_CONCURRENCY,
  );
  if (row === undefined) return notMeasured(name, rule);
  const others = results
    .filter(
      (r) =>
        r.group === 'ordering' &&
        r.workload === 'request-access' &&
        r.concurrency === DECISION_CONCURRENCY &&
        r.succeeded > 0 &&
        r.batchTimeout !== undefined,
    )
    .map((r) => `BatchTimeout ${r.batchTimeout ?? ''}: ${String(round(r.latency.p50, 1))} ms`);
  return {
    name,
    rule,
    value: round(row.latency.p50, 1),
    met: row.latency.p50 <= DECISION_P50_MS,
    detail:
      `${String(round(row.latency.p50, 1))} ms` +
      (row.batchTimeout === undefined ? '' : ` (BatchTimeout ${row.batchTimeout})`) +
      (others.length === 0 ? '' : `; ${others.join('; ')}`),
  };
}

/** Evaluates the issues' targets (reported, never asserted). */
export function evaluateTargets(results: readonly WorkloadResult[]): TargetResult[] {
  const targets: TargetResult[] = [
    ...(
      [
        ['grant consent', 'grant-consent'],
        ['revoke consent', 'revoke-consent'],
        ['request access', 'request-access'],
      ] as const
    ).map(([name, workload]) =>
      sameConcurrencyTarget(results, {
        name,
        workload,
        baseline: 'baseline-put',
        threshold: 0.7,
        concurrencies: WRITE_TARGET_CONCURRENCIES,
      }),
    ),
    peakRatioTarget(results, {
      name: 'check access',
      workload: 'check-access',
      baseline: 'baseline-get',
      threshold: 0.7,
    }),
    crowdedTarget(results),
    decisionTarget(results),
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
    detail: batch === 0 ? 'not measured' : `${String(round(batch, 0))} hashes/s`,
  });
  for (const workload of ['audit-by-patient', 'audit-by-org-window']) {
    const audits = results
      .filter((r) => r.workload === workload && r.ledgerEvents !== undefined && r.succeeded > 0)
      .sort((a, b) => (a.ledgerEvents ?? 0) - (b.ledgerEvents ?? 0));
    const first = audits[0];
    const last = audits.at(-1);
    if (first === undefined || last === undefined) {
      targets.push(notMeasured(workload, 'p95 <= 250 ms at the largest ledger'));
      continue;
    }
    const events = last.ledgerEvents ?? 0;
    targets.push({
      name: `${workload} p95`,
      rule: `p95 <= 250 ms at ${events.toLocaleString('en-US')} events (target: 1,000,000)`,
      value: round(last.latency.p95, 1),
      met: last.latency.p95 <= 250,
      detail: `${String(round(last.latency.p95, 1))} ms`,
    });
    if (audits.length > 1 && (first.ledgerEvents ?? 0) > 1) {
      const growth = last.latency.p50 / first.latency.p50;
      const logGrowth = Math.log(events) / Math.log(first.ledgerEvents ?? 2);
      targets.push({
        name: `${workload} growth`,
        rule: 'p50 grows no faster than log(events): p50 ratio <= log ratio',
        value: round(growth, 3),
        met: growth <= logGrowth,
        detail: `p50 x${String(round(growth, 2))} from ${String(first.ledgerEvents)} to ${String(events)} events; log ratio ${String(round(logGrowth, 2))}`,
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
      targets.push(notMeasured(name, 'REST p50 <= 1.15 x direct p50'));
      continue;
    }
    const overhead = r.latency.p50 / d.latency.p50 - 1;
    targets.push({
      name,
      rule: 'REST gateway adds <= 15% to p50 latency',
      value: round(overhead, 3),
      met: overhead <= 0.15,
      detail: `p50 ${String(round(r.latency.p50, 1))} ms (REST) vs ${String(round(d.latency.p50, 1))} ms (direct), ${overhead >= 0 ? '+' : ''}${String(round(overhead * 100, 1))}%`,
    });
  }
  return targets;
}

/** The baseline figure a result is compared with (same group, concurrency and block timer), if any. */
function baselineOf(result: WorkloadResult, results: readonly WorkloadResult[]): number | null {
  if (
    (result.group !== 'core' && result.group !== 'ordering') ||
    result.workload.startsWith('baseline')
  )
    return null;
  const base =
    result.workload === 'check-access' || result.workload === 'verify-record'
      ? 'baseline-get'
      : 'baseline-put';
  const found = results.find(
    (r) =>
      r.workload === base &&
      r.group === result.group &&
      r.concurrency === result.concurrency &&
      r.batchTimeout === result.batchTimeout,
  );
  return found === undefined || found.throughput === 0 ? null : found.throughput;
}

/**
 * The rows of `after` that `before` measured too (same workload, group, concurrency and ledger
 * size; core, REST and audit groups), each with its throughput, its ratio to its own report's
 * baseline and its p50: what changed between two runs (e.g. before and after private data), in
 * the ratios that are comparable across runs.
 */
export function compareReports(before: BenchReport, after: BenchReport): ComparisonRow[] {
  const figures = (row: WorkloadResult, all: readonly WorkloadResult[]): ComparedFigures => {
    const base = baselineOf(row, all);
    return {
      throughput: row.throughput,
      ratio: base === null ? null : round(row.throughput / base, 3),
      p50: row.latency.p50,
    };
  };
  return after.results.flatMap((now) => {
    if (now.group !== 'core' && now.group !== 'rest' && now.group !== 'audit') return [];
    const then = before.results.find(
      (old) =>
        old.workload === now.workload &&
        old.group === now.group &&
        old.concurrency === now.concurrency &&
        old.ledgerEvents === now.ledgerEvents &&
        old.succeeded > 0,
    );
    if (then === undefined || now.succeeded === 0) return [];
    return [
      {
        workload: now.workload,
        group: now.group,
        concurrency: now.concurrency,
        ...(now.ledgerEvents === undefined ? {} : { ledgerEvents: now.ledgerEvents }),
        before: figures(then, before.results),
        after: figures(now, after.results),
      },
    ];
  });
}

/** Mean time of one signature check (microseconds) of a crypto row: one worker, checks per second. */
export function microsPerCheck(row: WorkloadResult): number {
  return row.unitsPerSecond > 0 ? 1e6 / row.unitsPerSecond : Number.NaN;
}

/** Endorsers of a grant (the patient's home and the regulator: docs/privacy.md). */
const GRANT_ENDORSERS = 2;

function signatureSection(report: BenchReport): string[] {
  const rows = report.results.filter((r) => r.group === 'crypto' && r.succeeded > 0);
  if (rows.length === 0) return [];
  const grant = coreRows(report.results, 'grant-consent')
    .filter((r) => r.peers !== undefined)
    .sort((a, b) => a.concurrency - b.concurrency)[0];
  const check = rows.find((r) => r.workload === 'statement-check');
  const perEndorsement =
    grant?.peers === undefined ? undefined : grant.peers.endorseMs / GRANT_ENDORSERS;
  const lines = [
    '## Signature check',
    '',
    'A patient statement checked as every endorsing peer checks it (canonical JSON, SPKI key import, ECDSA P-256 / SHA-256 P1363 verify; node:crypto in this process, one core), and the verification alone.',
    '',
    '| check | µs per check | checks/s (one core) |',
    '| --- | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.workload} | ${fmt(microsPerCheck(r))} | ${fmt(r.unitsPerSecond, 0)} |`,
    ),
    '',
  ];
  if (check !== undefined && grant !== undefined && perEndorsement !== undefined) {
    const share = microsPerCheck(check) / (perEndorsement * 1000);
    lines.push(
      `Per endorsement of a grant (${String(GRANT_ENDORSERS)} endorsers, each checks once): ${fmt(microsPerCheck(check))} µs of ${fmt(perEndorsement, 2)} ms endorsement time at ${String(grant.concurrency)} workers (${fmt(share * 100, 2)}%).`,
      '',
    );
  }
  return lines;
}

function blockTimerSection(report: BenchReport): string[] {
  const rows = report.results
    .filter((r) => r.group === 'ordering' && r.succeeded > 0)
    .sort(
      (a, b) =>
        a.workload.localeCompare(b.workload) ||
        a.concurrency - b.concurrency ||
        (a.batchTimeout ?? '').localeCompare(b.batchTimeout ?? ''),
    );
  if (rows.length === 0) return [];
  return [
    "## The block timer (the channel's BatchTimeout)",
    '',
    'The same workloads with the channel configured for each BatchTimeout in turn (one run; the setting restored afterwards).',
    '',
    '| BatchTimeout | workload | conc. | tput | x baseline | p50 | p95 | passes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => {
      const base = baselineOf(r, report.results);
      return `| ${r.batchTimeout ?? ''} | ${r.workload} | ${String(r.concurrency)} | ${fmt(r.throughput)} | ${base === null ? '' : fmt(r.throughput / base, 2)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p95)} | ${r.passes === undefined ? '' : r.passes.map((t) => fmt(t)).join(' / ')} |`;
    }),
    '',
  ];
}

function comparisonSection(report: BenchReport): string[] {
  const rows = report.comparison ?? [];
  if (rows.length === 0) return [];
  const ratio = (value: number | null): string => (value === null ? '' : fmt(value, 2));
  return [
    '## Before and after',
    '',
    `The same workloads in ${report.meta.comparedWith ?? 'the earlier report'} (before) and in this run (after); ratios are to each run's own baseline at the same concurrency.`,
    '',
    '| workload | conc. | events | tput before | tput after | x baseline before | x baseline after | p50 before | p50 after |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${String(r.concurrency)} | ${r.ledgerEvents === undefined ? '' : r.ledgerEvents.toLocaleString('en-US')} | ${fmt(r.before.throughput)} | ${fmt(r.after.throughput)} | ${ratio(r.before.ratio)} | ${ratio(r.after.ratio)} | ${fmt(r.before.p50)} | ${fmt(r.after.p50)} |`,
    ),
    '',
  ];
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
    ...(meta.batchTimeout === undefined
      ? []
      : [
          `Channel BatchTimeout (orderers' block timer) during the core workloads: ${meta.batchTimeout}.`,
          '',
        ]),
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
      'retries: submits retried (MVCC, phantom, endorsement mismatch: warm-up included); ' +
      'passes: throughput of each pass when a workload ran more than once (the row is the median pass).',
    '',
    '| workload | target | conc. | events | ok | tput | units/s | x baseline | p50 | p95 | p99 | failures | retries | peer peak MiB | peers MiB | gateway MiB | passes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
    ...report.results
      .filter((r) => r.group !== 'ordering')
      .map((r) => {
        const base = baselineOf(r, report.results);
        const failures = FAILURE_KINDS.map((kind) => String(r.failures[kind])).join('/');
        return `| ${r.workload} | ${r.target} | ${String(r.concurrency)} | ${r.ledgerEvents === undefined ? '' : r.ledgerEvents.toLocaleString('en-US')} | ${String(r.succeeded)} | ${fmt(r.throughput)} | ${fmt(r.unitsPerSecond)} | ${base === null ? '' : fmt(r.throughput / base, 2)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p95)} | ${fmt(r.latency.p99)} | ${failures} | ${r.retries === undefined ? '' : String(Object.values(r.retries).reduce((sum, n) => sum + n, 0))} | ${fmt(r.memory.peerMaxMiB, 0)} | ${fmt(r.memory.peersTotalMiB, 0)} | ${r.memory.gatewayMiB === undefined ? '' : fmt(r.memory.gatewayMiB, 0)} | ${r.passes === undefined ? '' : r.passes.map((t) => fmt(t)).join(' / ')} |`;
      }),
    '',
  ];
  lines.push(
    ...blockTimerSection(report),
    ...signatureSection(report),
    ...comparisonSection(report),
  );
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
        return `| ${r.workload}${r.group === 'ordering' ? ` (BatchTimeout ${r.batchTimeout ?? ''})` : ''} | ${String(r.concurrency)} | ${fmt(p.endorseMs, 2)} | ${requests} | ${fmt(p.shimMs, 2)} | ${fmt(p.validateMs, 2)} | ${fmt(p.commitMs, 2)} |`;
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
