import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  buildEvidence,
  gatewayMetricsToken,
  gatewayProcessName,
  gatewayUrl,
  peerId,
  repoRoot,
  runDir,
  type Topology,
  faultInjectionInProgress,
  loadTopology,
  waitWhileFaultInjection,
  adminCredentials,
} from '@consent-ledger/network';
import type { ConsentInput } from '@consent-ledger/ledger-api';
import { parseBundle, verifyBundle } from '@consent-ledger/verifier';
import { renderAttack, runAttackScenario } from './attack.ts';
import { retryTally, type LedgerCalls } from './calls.ts';
import { parseDuration, readBatchTimeout, setBatchTimeout } from './channel-config.ts';
import { auditLatencyChart, throughputChart } from './charts.ts';
import {
  homeEndorsers,
  partyEndorsers,
  publicEndorsers,
  regulatorEndorsers,
  seedingEndorsers,
} from './endorsers.ts';
import { benchTopology, benchUser, BENCH_CHAINCODE, orgNamed, prepareNetwork } from './fabric.ts';
import {
  measureJoins,
  mergeJoinReports,
  renderJoins,
  type JoinReport,
  type JoinSizeResult,
} from './join.ts';
import { runLoad, type LoadResult, type Operation } from './load.ts';
import { sampleMemory } from './memory.ts';
import { breakdown, scrapeAll } from './metrics.ts';
import { keptPatient, type BenchPatient } from './patients.ts';
import {
  combinePasses,
  compareReports,
  CROWDED_REQUEST,
  evaluateTargets,
  renderMarkdown,
  UNRELATED_CONSENTS,
  type BenchReport,
  type SeedingResult,
  type WorkloadResult,
} from './report.ts';
import { restClient, restGrant, restRequest, restUsers } from './rest.ts';
import { seededEvents, seedPatientId, seedTo, SEED_DAYS, SEED_START_DAY } from './seed.ts';
import {
  checkStatement,
  publicKeyOf,
  signatureOperation,
  signedSample,
  verifySignature,
} from './signature.ts';
import {
  anchorBatch,
  anchorRecord,
  auditQuery,
  baselineGet,
  baselinePut,
  checkAccess,
  grantConsent,
  requestAccess,
  revokeConsent,
  RUN_TAG,
  treatmentConsent,
  treatmentRequest,
  unrelatedConsent,
  verifyRecord,
  type AnchoredRecord,
  type SignedWorkload,
  type UnrelatedGrantee,
} from './workloads.ts';

/**
 * `npm run bench`: brings the network up if needed, deploys the benchmark chaincode, runs the
 * workloads and writes bench/results/latest.{json,md}, throughput.svg and audit-latency.svg.
 * See docs/benchmark.md.
 */

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    concurrency: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rate: { type: 'string' },
    only: { type: 'string' },
    'audit-concurrency': { type: 'string' },
    'batch-concurrency': { type: 'string' },
    'seed-batch': { type: 'string' },
    'seed-parallel': { type: 'string' },
    out: { type: 'string' },
    merge: { type: 'boolean', default: false },
    'genesis-budget': { type: 'string' },
    repeat: { type: 'string' },
    'batch-timeouts': { type: 'string' },
    'set-batch-timeout': { type: 'string' },
    compare: { type: 'string' },
    attackers: { type: 'string' },
    journeys: { type: 'string' },
    'seed-only': { type: 'boolean' },
  },
});

const numbers = (text: string | undefined, fallback: readonly number[]): number[] =>
  text === undefined ? [...fallback] : text.split(',').map((part) => Number(part.trim()));

const quick = flags.quick;
const concurrencies = numbers(flags.concurrency, quick ? [8] : [16, 64, 128]);
const sizes = numbers(flags.sizes, quick ? [2_000] : [10_000, 100_000, 1_000_000]);
const durationMs = Number(flags.duration ?? (quick ? 5 : 15)) * 1000;
const warmupMs = Number(flags.warmup ?? (quick ? 1 : 3)) * 1000;
const rate = flags.rate === undefined ? undefined : Number(flags.rate);
const auditConcurrency = Number(flags['audit-concurrency'] ?? 4);
const batchConcurrencyCap = Number(flags['batch-concurrency'] ?? 8);
const seedBatch = Number(flags['seed-batch'] ?? 1_000);
const seedParallel = Number(flags['seed-parallel'] ?? 4);
// Core workloads run `repeat` passes per concurrency, interleaved (baseline, grant, ..., then
// again), and each row reports its median pass: one pass's ratio moves with the machine's noise.
const repeat = Number(flags.repeat ?? 1);
const only = flags.only === undefined ? undefined : new Set(flags.only.split(','));
const outDir = flags.out ?? path.join(repoRoot, 'bench', 'results');
// The block timer settings the `ordering` group measures in turn (none unless asked for).
const batchTimeouts =
  flags['batch-timeouts'] === undefined
    ? []
    : flags['batch-timeouts'].split(',').map((part) => part.trim());
const setTimeoutTo = flags['set-batch-timeout'];
for (const timeout of [...batchTimeouts, ...(setTimeoutTo === undefined ? [] : [setTimeoutTo])])
  parseDuration(timeout);
for (const value of [...concurrencies, ...sizes, durationMs, auditConcurrency, seedBatch, repeat]) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`bad option value ${String(value)}`);
}
const maxConcurrency = Math.max(...concurrencies);
/** Issue 14 judges a clinician's access decision at 16 workers. */
const DECISION_CONCURRENCY = 16;

const log = (line: string): void => {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
};
const wanted = (workload: string, group: string): boolean =>
  only === undefined || only.has(workload) || only.has(group);

const results: WorkloadResult[] = [];
const seeding: SeedingResult[] = [];
const notes: string[] = [];

interface Measure {
  readonly workload: string;
  readonly group: WorkloadResult['group'];
  readonly target: string;
  readonly concurrency: number;
  readonly operation: Operation;
  readonly ledgerEvents?: number;
  readonly maxOperations?: number;
  readonly gateway?: string;
  readonly warmupMs?: number;
  readonly batchTimeout?: string;
}

async function measure(topology: Topology, spec: Readonly<Measure>): Promise<LoadResult> {
  const peers = topology.organizations.flatMap((org) => org.peers.map((peer) => peerId(org, peer)));
  const metricsUrls = topology.organizations.flatMap((org) =>
    org.peers.map((peer) => `http://${peer.host}:${String(peer.operationsPort)}/metrics`),
  );
  await waitWhileFaultInjection({ log, timeoutMs: 600_000 });
  // Fault-injection tests of other runs announce themselves: a workload they overlap is noted.
  const faults = new Set<string>();
  const faultWatch = setInterval(() => {
    const fault = faultInjectionInProgress();
    if (fault !== undefined) faults.add(fault.description);
  }, 500);
  const before = await scrapeAll(metricsUrls);
  const retriesBefore = retryTally();
  const sampler = sampleMemory(spec.gateway === undefined ? peers : [...peers, spec.gateway]);
  const result = await runLoad({
    operation: spec.operation,
    concurrency: spec.concurrency,
    durationMs,
    warmupMs: spec.warmupMs ?? warmupMs,
    ...(rate === undefined || spec.target === 'offline' ? {} : { rate }),
    ...(spec.maxOperations === undefined ? {} : { maxOperations: spec.maxOperations }),
  });
  const memory = sampler.stop();
  const retriesAfter = retryTally();
  const retries = Object.fromEntries(
    Object.entries(retriesAfter)
      .map(([kind, n]) => [kind, n - (retriesBefore[kind] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  const after = await scrapeAll(metricsUrls);
  clearInterval(faultWatch);
  if (faults.size > 0) {
    notes.push(
      `${spec.workload} (concurrency ${String(spec.concurrency)}) overlapped a fault injection: ${[...faults].join('; ')}.`,
    );
  }
  const peerMemory = memory.filter((m) => peers.includes(m.name));
  const gatewayMemory = memory.find((m) => m.name === spec.gateway);
  results.push({
    workload: spec.workload,
    group: spec.group,
    target: spec.target,
    concurrency: spec.concurrency,
    ...(spec.ledgerEvents === undefined ? {} : { ledgerEvents: spec.ledgerEvents }),
    ...(spec.batchTimeout === undefined ? {} : { batchTimeout: spec.batchTimeout }),
    succeeded: result.succeeded,
    failed: result.failed,
    throughput: result.throughput,
    unitsPerSecond: result.unitsPerSecond,
    latency: result.latency,
    failures: result.failures,
    failureSamples: result.failureSamples,
    ...(spec.target === 'offline' ? {} : { retries }),
    memory: {
      peerMaxMiB: Math.max(0, ...peerMemory.map((m) => m.peakRssMiB)),
      peersTotalMiB: peerMemory.reduce((sum, m) => sum + m.peakRssMiB, 0),
      ...(gatewayMemory === undefined ? {} : { gatewayMiB: gatewayMemory.peakRssMiB }),
    },
    ...(spec.target === 'offline'
      ? {}
      : {
          peers: breakdown({
            before,
            after,
            chaincode: spec.target,
            // The counters also saw the warm-up: divide by every operation that ended.
            operations: result.completed,
          }),
        }),
  });
  log(
    `${spec.workload} c=${String(spec.concurrency)}${spec.ledgerEvents === undefined ? '' : ` events=${String(spec.ledgerEvents)}`}${spec.group === 'ordering' ? ` BatchTimeout=${spec.batchTimeout ?? '?'}` : ''}: ` +
      `${result.throughput.toFixed(1)} op/s, ${result.unitsPerSecond.toFixed(1)} units/s, ` +
      `p50 ${result.latency.p50.toFixed(1)} p95 ${result.latency.p95.toFixed(1)} ms, ` +
      `${String(result.succeeded)} ok ${String(result.failed)} failed` +
      (result.failureSamples[0] === undefined ? '' : ` (${result.failureSamples[0]})`),
  );
  return result;
}

/** Runs a section; a failure (e.g. a gateway down) is noted and the run goes on. */
async function section(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    notes.push(`Section ${name} failed and was cut short: ${message.slice(0, 200)}`);
    log(`section ${name} failed: ${message}`);
  }
}

/** Runs `body` on every item, at most `parallel` at a time. */
async function inParallel<T>(
  options: Readonly<{ items: readonly T[]; parallel: number; body: (item: T) => Promise<void> }>,
): Promise<void> {
  const { items, body } = options;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.parallel, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++) {
        const item = items[index];
        if (item !== undefined) await body(item);
      }
    }),
  );
}

// `--only attack`: the gateway under attack (issue 19), against the running network's gateways
// only: no benchmark chaincode, no seeding. Writes bench/results/attack.{json,md}.
if (only?.size === 1 && only.has('attack')) {
  const topology = loadTopology();
  const tertiary = orgNamed(topology, 'tertiary');
  const attackers = Number(flags.attackers ?? 50);
  const result = await runAttackScenario({
    base: gatewayUrl(tertiary),
    mspId: tertiary.mspId,
    admin: adminCredentials(tertiary),
    metricsToken: gatewayMetricsToken(tertiary),
    attackers,
    journeys: Number(flags.journeys ?? (quick ? 10 : 30)),
    journeyEveryMs: 2500,
    log,
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'attack.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'attack.md'), renderAttack(result, attackers));
  log(`attack: written to ${path.join(outDir, 'attack.{json,md}')}`);
  process.exit(0);
}

const started = performance.now();
log(
  `concurrency ${concurrencies.join(',')}, sizes ${sizes.join(',')}, ${String(durationMs / 1000)} s + ${String(warmupMs / 1000)} s warm-up per workload`,
);
const { topology, install } = await prepareNetwork(log);
const bench = benchTopology(topology);
const channel = topology.channel.name;
const tertiary = orgNamed(topology, 'tertiary');
const community = orgNamed(topology, 'community');
const orgs = { mspIds: topology.organizations.map((org) => org.mspId) };
const user = (org: string, name: string, attributes: Record<string, string>) =>
  benchUser({ install, topology, org, name, attributes });

// Staff only: patients have no certificates (docs/patient-keys.md). The tertiary hospital's admin
// writes the baseline, registers the benchmark's patients and carries their signed statements.
const operator = await user('tertiary', 'bench-admin-tertiary', { role: 'admin' });
const clinician = await user('tertiary', 'bench-clinician-tertiary', { role: 'clinician' });
const gp = await user('community', 'bench-clinician-community', { role: 'clinician' });
const regulator = await user('gov', 'bench-regulator', { role: 'regulator' });
const production = topology.chaincode.name;
const operatorCalls = operator.calls();
const gpCalls = gp.calls();

if (setTimeoutTo !== undefined) {
  const before = await setBatchTimeout({
    install,
    topology,
    gateway: operator.connection.gateway,
    timeout: setTimeoutTo,
    log,
  });
  log(`BatchTimeout was ${before}, is now ${setTimeoutTo}`);
  for (const each of [clinician, gp, regulator, operator]) each.connection.close();
  process.exit(0);
}

// `--only join` (issue 16): a fresh peer joining from the first block versus from a snapshot, at
// each of --sizes seeded access events (10^4 and 10^5 by default). Writes bench/results/join.{json,md}.
/** Events seeded between two records of the count in `--seed-only` (about 7 minutes here). */
const SEED_ONLY_STEP = 50_000;
if (only?.size === 1 && only.has('join')) {
  const joinSizes = numbers(flags.sizes, quick ? [2_000] : [10_000, 100_000]);
  const rows: JoinSizeResult[] = [];
  const joinNotes: string[] = [];
  const seeder = regulator.calls();
  const joinPutEndorsers = publicEndorsers(orgs, tertiary.mspId);
  joinNotes.push(
    'Access events are seeded with bench:SeedAccessEvents (real endorsed and ordered transactions of 1,000 events each, written where access:RequestAccess writes them: docs/benchmark.md); one request per transaction would make about 1,000 times more transactions for the same events.',
    "The fresh peer is the regulator's peer1 (outside the topology; the regulator is a member of every collection, so this peer pulls the most private data of any); its enrolment, start and chaincode installation are common to both ways and not timed. The snapshot is taken by the tertiary hospital's peer0 and copied into the exchange area.",
    "Private data is not in a snapshot: the snapshot-joined peer reaches the height with the hashes only and pulls its collections' data by reconciliation afterwards; the genesis-joined peer pulls it while committing.",
  );
  // Written after each size: a long run cut short keeps what it measured.
  const writeJoins = (): void => {
    const date = new Date().toISOString();
    const command = `npm run bench --${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    const file = path.join(outDir, 'join.json');
    let joinReport: JoinReport = {
      meta: { date, command, cores: os.availableParallelism(), notes: joinNotes },
      results: rows,
    };
    if (flags.merge && existsSync(file))
      joinReport = mergeJoinReports(
        JSON.parse(readFileSync(file, 'utf8')) as JoinReport,
        joinReport,
      );
    mkdirSync(outDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(joinReport, null, 2)}\n`);
    writeFileSync(path.join(outDir, 'join.md'), renderJoins(joinReport.results, joinReport.meta));
  };
  // `--seed-only`: seeds up to the largest size and measures nothing, recording the count every
  // SEED_ONLY_STEP events, so a seeding longer than one sitting can be stopped and resumed.
  if (flags['seed-only'] === true) {
    const target = Math.max(...joinSizes);
    for (;;) {
      const present = await seededEvents(operatorCalls);
      if (present >= target) break;
      const step = await seedTo({
        seeder,
        seedEndorsers: seedingEndorsers(orgs),
        baseline: operatorCalls,
        baselineEndorsers: joinPutEndorsers,
        events: Math.min(target, present + SEED_ONLY_STEP),
        batchSize: seedBatch,
        parallel: seedParallel,
        log,
      });
      if (step !== undefined)
        log(
          `seeded ${String(step.fromEvents)} -> ${String(step.toEvents)} events: ${step.eventsPerSecond.toFixed(0)} events/s`,
        );
    }
    log(`join: the benchmark namespace holds ${String(await seededEvents(operatorCalls))} events`);
    for (const each of [clinician, gp, regulator, operator]) each.connection.close();
    process.exit(0);
  }
  for (const size of [...joinSizes].sort((a, b) => a - b)) {
    const present = await seededEvents(operatorCalls);
    if (present > size) {
      joinNotes.push(
        `${String(size)} events skipped: the benchmark namespace already holds ${String(present)} (seeding only adds).`,
      );
      continue;
    }
    const step = await seedTo({
      seeder,
      seedEndorsers: seedingEndorsers(orgs),
      baseline: operatorCalls,
      baselineEndorsers: joinPutEndorsers,
      events: size,
      batchSize: seedBatch,
      parallel: seedParallel,
      log,
    });
    if (step !== undefined) {
      joinNotes.push(
        `Seeding ${String(step.fromEvents)} -> ${String(step.toEvents)} events: ${step.eventsPerSecond.toFixed(0)} events/s (${String(step.batchSize)} per transaction, ${String(step.parallel)} in flight).`,
      );
    }
    rows.push(
      await measureJoins({
        install,
        topology,
        joiner: orgNamed(topology, 'gov'),
        source: tertiary,
        chaincodes: [production, BENCH_CHAINCODE],
        accessEvents: size,
        log,
        ...(flags['genesis-budget'] === undefined
          ? {}
          : { genesisBudgetMs: parseDuration(flags['genesis-budget']) }),
      }),
    );
    writeJoins();
  }
  for (const each of [clinician, gp, regulator, operator]) each.connection.close();
  log(`join: written to ${path.join(outDir, 'join.{json,md}')}`);
  process.exit(0);
}

const batchTimeout = await readBatchTimeout(operator.connection.gateway, channel).catch(
  (error: unknown) => {
    notes.push(`The channel's BatchTimeout could not be read: ${String(error).slice(0, 200)}.`);
    return undefined;
  },
);
if (batchTimeout !== undefined) log(`the channel's BatchTimeout is ${batchTimeout}`);

// The benchmark's patients, homed at the tertiary hospital, kept across runs with their key files.
const patientsDir = path.join(runDir, 'bench', 'patients');
const benchScope = { channel, chaincode: BENCH_CHAINCODE };
const patientNamed = async (name: string): Promise<BenchPatient> => {
  const { patient, created } = await keptPatient({
    dir: patientsDir,
    name,
    carrier: operatorCalls,
    scope: benchScope,
  });
  log(`patient ${name}: ${patient.patientId}${created ? ' (registered now)' : ''}`);
  return patient;
};
// One granting patient per worker: a grant rewrites the set of the patient's consents that the
// grantee's decisions read, so one patient's concurrent grants to one organization would conflict.
const grantPatients: BenchPatient[] = [];
await inParallel({
  items: Array.from({ length: maxConcurrency }, (_, i) => i),
  parallel: 16,
  body: async (i) => {
    grantPatients[i] = await patientNamed(`grant-${String(i)}`);
  },
});
const accessPatient = await patientNamed('access');
const crowdedPatient = await patientNamed('crowded');
const tertiaryEndorsers = homeEndorsers(tertiary.mspId);
const signed = (patients: readonly BenchPatient[]): SignedWorkload => ({
  patients,
  carrier: operatorCalls,
  endorsers: tertiaryEndorsers,
});

/** A treatment permit of the patient to the community hospital's clinicians, granted once. */
async function ensurePermit(patient: BenchPatient): Promise<void> {
  const decision = await gpCalls.evaluate(
    'access:CheckAccess',
    treatmentRequest(patient.patientId),
  );
  if (decision.decision === 'permit') return;
  await grantConsent(signed([patient]), { terms: treatmentConsent(community.mspId) })({
    worker: 0,
    seq: 0,
  });
}

/**
 * Tops the crowded patient up to {@link UNRELATED_CONSENTS} active consents to organizations other
 * than the community hospital (counted on the ledger, as the home admin reads them).
 */
async function ensureUnrelated(patient: BenchPatient): Promise<number> {
  let unrelated = 0;
  let bookmark: string | undefined;
  do {
    const page = await operatorCalls.evaluate('consent:QueryConsents', {
      patientId: patient.patientId,
      status: 'active',
      pageSize: 100,
      ...(bookmark === undefined ? {} : { bookmark }),
    });
    unrelated += page.items.filter((consent) => consent.grantee?.org !== community.mspId).length;
    bookmark = page.items.length === 0 || page.bookmark === '' ? undefined : page.bookmark;
  } while (bookmark !== undefined);
  const missing = Math.max(0, UNRELATED_CONSENTS - unrelated);
  if (missing === 0) return unrelated;
  log(`granting ${String(missing)} unrelated consents of the crowded patient`);
  const grantees: UnrelatedGrantee[] = topology.organizations
    .filter((org) => org.mspId !== community.mspId)
    .map((org) => ({ org: org.mspId, type: org.type }));
  const terms: ConsentInput[] = Array.from({ length: missing }, (_, n) =>
    unrelatedConsent(grantees, unrelated + n),
  );
  // One grantee organization's grants one after the other (each rewrites the patient's set for that
  // organization: concurrent ones would conflict), the organizations in parallel.
  await inParallel({
    items: grantees.map((grantee) => terms.filter((each) => each.grantee?.org === grantee.org)),
    parallel: grantees.length,
    body: async (sameGrantee) => {
      for (const each of sameGrantee)
        await grantConsent(signed([patient]), { terms: each })({ worker: 0, seq: 0 });
    },
  });
  return unrelated + missing;
}

// One treatment permit to the community hospital's clinicians for the access patients; the
// crowded patient's 400 other consents go to every other organization.
await ensurePermit(accessPatient);
await ensurePermit(crowdedPatient);
const unrelatedHeld = await ensureUnrelated(crowdedPatient);
const baseline = operatorCalls;
const putEndorsers = publicEndorsers(orgs, tertiary.mspId);
const getKeys = Array.from({ length: 64 }, (_, i) => `get-${String(i)}`);
await Promise.all(
  getKeys.map((key) => baseline.submit('baseline:Put', [key, 'g'.repeat(100)], putEndorsers)),
);
// A community clinician's request about a tertiary patient: the clinician's hospital and the home.
const requestEndorsers = partyEndorsers(orgs, { own: community.mspId, home: tertiary.mspId });
const anchorEndorsers = partyEndorsers(orgs, { own: tertiary.mspId, home: tertiary.mspId });
const clinicianCalls = clinician.calls();

const anchored: AnchoredRecord[] = [];
for (const concurrency of concurrencies) {
  const core = (workload: string, operation: Operation, extra: Partial<Measure> = {}) =>
    wanted(workload, 'core')
      ? measure(topology, {
          workload,
          group: 'core',
          target: BENCH_CHAINCODE,
          concurrency,
          operation,
          ...(batchTimeout === undefined ? {} : { batchTimeout }),
          ...extra,
        })
      : Promise.resolve(undefined);
  for (let pass = 1; pass <= repeat; pass += 1) {
    await core('baseline-put', baselinePut(baseline, putEndorsers));
    await core('baseline-get', baselineGet(baseline, getKeys));
    const granted: string[][] = [];
    await core(
      'grant-consent',
      grantConsent(signed(grantPatients), { terms: treatmentConsent(community.mspId), granted }),
    );
    const grantedCount = granted.reduce((sum, ids) => sum + ids.length, 0);
    if (wanted('revoke-consent', 'core') && grantedCount > 0) {
      // Each worker revokes its own patient's consents of the grant workload, warm-up ones too.
      await core('revoke-consent', revokeConsent(signed(grantPatients), granted), {
        warmupMs: 0,
        maxOperations: grantedCount,
      });
    }
    await core(
      'request-access',
      requestAccess(gpCalls, { patientId: accessPatient.patientId, endorsers: requestEndorsers }),
    );
    await core(
      CROWDED_REQUEST,
      requestAccess(gpCalls, { patientId: crowdedPatient.patientId, endorsers: requestEndorsers }),
    );
    await core('check-access', checkAccess(gpCalls, accessPatient.patientId));
    await core(
      'anchor-record',
      anchorRecord(clinicianCalls, {
        patientId: accessPatient.patientId,
        endorsers: anchorEndorsers,
        anchored,
      }),
    );
    if (anchored.length > 0) await core('verify-record', verifyRecord(clinicianCalls, anchored));
  }
  const batchConcurrency = Math.min(concurrency, batchConcurrencyCap);
  if (concurrency === concurrencies[0] || batchConcurrency === concurrency) {
    for (const size of [1_000, 10_000]) {
      await core(
        `anchor-batch-${String(size)}`,
        anchorBatch(clinicianCalls, {
          size,
          patientId: accessPatient.patientId,
          endorsers: regulatorEndorsers(tertiary.mspId),
        }),
        // Batches take seconds: no warm-up, or a short window would count none of them.
        { concurrency: batchConcurrency, warmupMs: 0 },
      );
    }
  }
}

if (wanted('crypto', 'crypto'))
  await section('crypto', async () => {
    const sample = await signedSample();
    const key = publicKeyOf(sample.publicKey);
    const offline = (workload: string, check: () => boolean) =>
      measure(topology, {
        workload,
        group: 'crypto',
        target: 'offline',
        concurrency: 1,
        operation: signatureOperation(check),
      });
    await offline('statement-check', () => checkStatement(sample));
    await offline('ecdsa-verify', () => verifySignature(sample, key));
  });

if (batchTimeouts.length > 0 && wanted('ordering', 'ordering'))
  await section('ordering', async () => {
    const gateway = operator.connection.gateway;
    const original = await readBatchTimeout(gateway, channel);
    try {
      for (const timeout of batchTimeouts) {
        await setBatchTimeout({ install, topology, gateway, timeout, log });
        const ordering = (workload: string, concurrency: number, operation: Operation) =>
          measure(topology, {
            workload,
            group: 'ordering',
            target: BENCH_CHAINCODE,
            concurrency,
            operation,
            batchTimeout: timeout,
          });
        for (let pass = 1; pass <= repeat; pass += 1) {
          await ordering('baseline-put', maxConcurrency, baselinePut(baseline, putEndorsers));
          await ordering(
            'grant-consent',
            maxConcurrency,
            grantConsent(signed(grantPatients), { terms: treatmentConsent(community.mspId) }),
          );
          for (const concurrency of [...new Set([DECISION_CONCURRENCY, maxConcurrency])])
            await ordering(
              'request-access',
              concurrency,
              requestAccess(gpCalls, {
                patientId: accessPatient.patientId,
                endorsers: requestEndorsers,
              }),
            );
        }
      }
    } finally {
      await setBatchTimeout({ install, topology, gateway, timeout: original, log });
    }
  });

if (wanted('rest', 'rest'))
  await section('rest', async () => {
    const restConcurrency = concurrencies[0] ?? 16;
    const patientGateway = restClient(gatewayUrl(tertiary));
    const clinicianGateway = restClient(gatewayUrl(community));
    const users = await restUsers({
      granting: restConcurrency,
      patientGateway,
      clinicianGateway,
      clinicianOrg: community.mspId,
      // Each gateway's bootstrap admin: GATEWAY_ADMIN_PASSWORD, or the one `npm start` generated.
      admins: { patient: adminCredentials(tertiary), clinician: adminCredentials(community) },
    });
    const rest = (workload: string, operation: Operation, gateway?: string) =>
      measure(topology, {
        workload,
        group: 'rest',
        target: production,
        concurrency: restConcurrency,
        operation,
        ...(gateway === undefined ? {} : { gateway }),
      });
    // The same patient and the same signed statements, carried by the home admin's own client
    // (direct) or posted by the patient's session to the home gateway (REST).
    const direct: SignedWorkload = {
      patients: users.granting.map((each) => each.patient),
      carrier: operator.calls(production),
      endorsers: tertiaryEndorsers,
    };
    await rest(
      'direct-grant-consent',
      grantConsent(direct, { terms: treatmentConsent(community.mspId) }),
    );
    await rest(
      'rest-grant-consent',
      restGrant(patientGateway, { patients: users.granting, granteeOrg: community.mspId }),
      gatewayProcessName(tertiary),
    );
    await rest(
      'direct-request-access',
      requestAccess(gp.calls(production), {
        patientId: users.requestedPatientId,
        endorsers: requestEndorsers,
      }),
    );
    await rest(
      'rest-request-access',
      restRequest(clinicianGateway, {
        token: users.clinicianToken,
        patientId: users.requestedPatientId,
      }),
      gatewayProcessName(community),
    );
  });

if (wanted('verifier', 'verifier') && anchored.length > 0)
  await section('verifier', async () => {
    const bundles: string[] = [];
    for (const record of anchored.slice(0, 10)) {
      const bundle = await buildEvidence({
        gateway: clinician.connection.gateway,
        topology: bench,
        txId: record.txId,
        subject: {
          kind: 'record',
          recordId: record.recordId,
          owner: record.owner,
          sha256: record.sha256,
          version: 1,
        },
      });
      bundles.push(JSON.stringify(bundle));
    }
    await measure(topology, {
      workload: 'verify-bundle',
      group: 'verifier',
      target: 'offline',
      concurrency: 1,
      operation: ({ seq }) => {
        const report = verifyBundle(parseBundle(JSON.parse(bundles[seq % bundles.length] ?? '')));
        if (!report.ok) throw new Error(`bundle failed: ${String(report.firstFailure)}`);
        return Promise.resolve(1);
      },
    });
  });

if (wanted('audit', 'audit'))
  await section('audit', async () => {
    const regulatorCalls: LedgerCalls = regulator.calls();
    for (const size of [...sizes].sort((a, b) => a - b)) {
      const present = await seededEvents(baseline);
      if (present > size) {
        notes.push(
          `Audit at ${String(size)} events skipped: the benchmark namespace already holds ${String(present)} seeded events (seeding only adds).`,
        );
        continue;
      }
      const step = await seedTo({
        seeder: regulatorCalls,
        seedEndorsers: seedingEndorsers(orgs),
        baseline,
        baselineEndorsers: putEndorsers,
        events: size,
        batchSize: seedBatch,
        parallel: seedParallel,
        log,
      });
      if (step !== undefined) seeding.push(step);
      await measure(topology, {
        workload: 'audit-by-patient',
        group: 'audit',
        target: BENCH_CHAINCODE,
        concurrency: auditConcurrency,
        ledgerEvents: size,
        operation: auditQuery(regulatorCalls, (seq) => ({
          patientId: seedPatientId((seq * 37) % 100),
        })),
      });
      await measure(topology, {
        workload: 'audit-by-org-window',
        group: 'audit',
        target: BENCH_CHAINCODE,
        concurrency: auditConcurrency,
        ledgerEvents: size,
        operation: auditQuery(regulatorCalls, (seq) => {
          const from =
            Date.parse(`${SEED_START_DAY}T00:00:00.000Z`) + (seq % SEED_DAYS) * 86_400_000;
          return {
            accessorOrg: orgs.mspIds[seq % orgs.mspIds.length],
            from: new Date(from).toISOString(),
            to: new Date(from + 86_400_000).toISOString(),
          };
        }),
      });
    }
  });

for (const each of [clinician, gp, regulator, operator]) each.connection.close();

const peerNames = topology.organizations.flatMap((org) =>
  org.peers.map((peer) => peerId(org, peer)),
);
const finalMemory = sampleMemory([
  ...peerNames,
  ...topology.organizations.map((org) => gatewayProcessName(org)),
]).stop();
notes.push(
  `Run tag ${RUN_TAG}; the whole run took ${((performance.now() - started) / 60_000).toFixed(1)} min.`,
  'Load: closed loop (each worker waits for its operation) unless --rate; warm-up operations are not counted.',
  `Batch workloads run at min(concurrency, ${String(batchConcurrencyCap)}); audits at ${String(auditConcurrency)}; REST comparisons at ${String(concurrencies[0])}.`,
  'Core and audit workloads run against the benchmark deployment (consent-ledger-bench); REST and their direct counterparts against consent-ledger, which the gateways call.',
  'Audit ledger sizes count the seeded synthetic events; the request-access workloads add their own (real) events on top, under other patients and days.',
  `Endorsers named by every submit (docs/privacy.md): grants and revocations the patient's home and the regulator (${tertiaryEndorsers.join(', ')}); access requests the clinician's hospital and the home (${requestEndorsers.join(', ')}); record anchors ${anchorEndorsers.join(', ')}; batches the owner and the regulator; baseline Put ${putEndorsers.join(', ')}; seeding every organization.`,
  `${CROWDED_REQUEST}: a patient with one treatment permit to the requesting hospital and ${String(unrelatedHeld)} active consents to the other organizations.`,
);
const measured = combinePasses(results);
let report: BenchReport = {
  meta: {
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    command: `npm run bench --${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    durationMs,
    warmupMs,
    concurrency: concurrencies,
    sizes,
    quick,
    loadDriver: 'own workers after Caliper (closed loop / fixed rate), @hyperledger/fabric-gateway',
    notes,
    ...(batchTimeout === undefined ? {} : { batchTimeout }),
  },
  results: measured,
  seeding,
  targets: evaluateTargets(measured),
  processMemory: finalMemory,
};
if (flags.merge) {
  // Re-measured workloads replace their earlier figures in the existing report; the rest stay.
  const previous = JSON.parse(
    readFileSync(path.join(outDir, 'latest.json'), 'utf8'),
  ) as BenchReport;
  const same = (a: WorkloadResult, b: WorkloadResult): boolean =>
    a.workload === b.workload &&
    a.group === b.group &&
    a.concurrency === b.concurrency &&
    a.ledgerEvents === b.ledgerEvents &&
    a.batchTimeout === b.batchTimeout;
  const kept = previous.results.filter((old) => !measured.some((now) => same(old, now)));
  report = {
    ...report,
    meta: {
      ...report.meta,
      command: `${previous.meta.command}; then ${report.meta.command}`,
      concurrency: previous.meta.concurrency,
      sizes: previous.meta.sizes,
      notes: [
        ...previous.meta.notes,
        `Merged at ${report.meta.date}: ${measured.map((r) => `${r.workload}@${String(r.concurrency)}`).join(', ')} re-measured (${report.meta.command}).`,
        ...notes.filter(
          (note) => !note.startsWith('Run tag') && !previous.meta.notes.includes(note),
        ),
      ],
    },
    results: [...kept, ...measured],
    seeding: [...previous.seeding, ...seeding],
    targets: evaluateTargets([...kept, ...measured]),
    // An earlier --compare stays unless this run makes its own (below).
    ...(previous.comparison === undefined ? {} : { comparison: previous.comparison }),
  };
  if (previous.meta.comparedWith !== undefined)
    report = { ...report, meta: { ...report.meta, comparedWith: previous.meta.comparedWith } };
}
if (flags.compare !== undefined) {
  // The same workloads in an earlier report (e.g. `git show <commit>:bench/results/latest.json`
  // from before private data): what the change cost, as ratios to each run's own baseline.
  const before = JSON.parse(readFileSync(flags.compare, 'utf8')) as BenchReport;
  report = {
    ...report,
    meta: { ...report.meta, comparedWith: `${path.basename(flags.compare)} (${before.meta.date})` },
    comparison: compareReports(before, report),
  };
}
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(outDir, 'latest.md'), renderMarkdown(report));
writeFileSync(path.join(outDir, 'throughput.svg'), await throughputChart(report));
writeFileSync(path.join(outDir, 'audit-latency.svg'), await auditLatencyChart(report));
log(`wrote ${outDir}/latest.{json,md}, throughput.svg, audit-latency.svg`);
for (const target of report.targets) {
  log(
    `target ${target.name}: ${target.detail} -> ${target.met === null ? 'not measured' : target.met ? 'met' : 'MISSED'}`,
  );
}
