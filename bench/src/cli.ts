import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  buildEvidence,
  gatewayProcessName,
  gatewayUrl,
  peerId,
  repoRoot,
  type Topology,
  faultInjectionInProgress,
  waitWhileFaultInjection,
} from '@consent-ledger/network';
import { decodeResult, encodeArguments } from '@consent-ledger/ledger-api';
import { parseBundle, verifyBundle } from '@consent-ledger/verifier';
import { auditLatencyChart, throughputChart } from './charts.ts';
import { benchTopology, benchUser, BENCH_CHAINCODE, orgNamed, prepareNetwork } from './fabric.ts';
import { runLoad, type LoadResult, type Operation } from './load.ts';
import { sampleMemory } from './memory.ts';
import { breakdown, scrapeAll } from './metrics.ts';
import {
  combinePasses,
  evaluateTargets,
  renderMarkdown,
  type BenchReport,
  type SeedingResult,
  type WorkloadResult,
} from './report.ts';
import { restClient, restGrant, restRequest, restUsers } from './rest.ts';
import { seededEvents, seedPatientId, seedTo, SEED_DAYS, SEED_START_DAY } from './seed.ts';
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
  verifyRecord,
  type AnchoredRecord,
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
    repeat: { type: 'string' },
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
for (const value of [...concurrencies, ...sizes, durationMs, auditConcurrency, seedBatch, repeat]) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`bad option value ${String(value)}`);
}

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
  const sampler = sampleMemory(spec.gateway === undefined ? peers : [...peers, spec.gateway]);
  const result = await runLoad({
    operation: spec.operation,
    concurrency: spec.concurrency,
    durationMs,
    warmupMs: spec.warmupMs ?? warmupMs,
    ...(rate === undefined || spec.group === 'verifier' ? {} : { rate }),
    ...(spec.maxOperations === undefined ? {} : { maxOperations: spec.maxOperations }),
  });
  const memory = sampler.stop();
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
    succeeded: result.succeeded,
    failed: result.failed,
    throughput: result.throughput,
    unitsPerSecond: result.unitsPerSecond,
    latency: result.latency,
    failures: result.failures,
    failureSamples: result.failureSamples,
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
    `${spec.workload} c=${String(spec.concurrency)}${spec.ledgerEvents === undefined ? '' : ` events=${String(spec.ledgerEvents)}`}: ` +
      `${result.throughput.toFixed(1)} op/s, ${result.unitsPerSecond.toFixed(1)} units/s, ` +
      `p50 ${result.latency.p50.toFixed(1)} p95 ${result.latency.p95.toFixed(1)} ms, ` +
      `${String(result.succeeded)} ok ${String(result.failed)} failed` +
      (result.failureSamples[0] === undefined ? '' : ` (${result.failureSamples[0]})`),
  );
  return result;
}

const started = performance.now();
log(
  `concurrency ${concurrencies.join(',')}, sizes ${sizes.join(',')}, ${String(durationMs / 1000)} s + ${String(warmupMs / 1000)} s warm-up per workload`,
);
const { topology, install } = await prepareNetwork(log);
const bench = benchTopology(topology);
const tertiary = orgNamed(topology, 'tertiary');
const community = orgNamed(topology, 'community');
const user = (org: string, id: string, attributes: Record<string, string>) =>
  benchUser({ install, topology, org, id, attributes });

const clinician = await user('tertiary', 'bench-clinician-tertiary', { role: 'clinician' });
const grantPatientId = 'pid-benchgrantpatient';
const accessPatientId = 'pid-benchaccesspatient';
const grantPatient = await user('tertiary', 'bench-patient-grant', {
  role: 'patient',
  patientId: grantPatientId,
});
const accessPatient = await user('tertiary', 'bench-patient-access', {
  role: 'patient',
  patientId: accessPatientId,
});
const gp = await user('community', 'bench-clinician-community', { role: 'clinician' });
const regulator = await user('gov', 'bench-regulator', { role: 'regulator' });
// baseline:Put is for admins only (chaincode/src/baseline/baseline.contract.ts): the yardstick and
// the seeded-events counter are written by an admin user of the same hospital as the clinician.
const operator = await user('tertiary', 'bench-admin-tertiary', { role: 'admin' });

// One treatment permit to the community hospital's clinicians, in both namespaces.
for (const chaincode of [BENCH_CHAINCODE, topology.chaincode.name]) {
  const decision = decodeResult(
    'access:CheckAccess',
    await gp
      .contract('access', chaincode)
      .evaluateTransaction('CheckAccess', ...encodeArguments([treatmentRequest(accessPatientId)])),
  );
  if (decision.decision !== 'permit') {
    await accessPatient
      .contract('consent', chaincode)
      .submitTransaction('GrantConsent', ...encodeArguments([treatmentConsent(community.mspId)]));
  }
}
const baseline = operator.contract('baseline');
const getKeys = Array.from({ length: 64 }, (_, i) => `get-${String(i)}`);
await Promise.all(getKeys.map((key) => baseline.submitTransaction('Put', key, 'g'.repeat(100))));

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
          ...extra,
        })
      : Promise.resolve(undefined);
  for (let pass = 1; pass <= repeat; pass += 1) {
    await core('baseline-put', baselinePut(baseline));
    await core('baseline-get', baselineGet(baseline, getKeys));
    const granted: string[] = [];
    await core(
      'grant-consent',
      grantConsent(grantPatient.contract('consent'), community.mspId, granted),
    );
    if (wanted('revoke-consent', 'core') && granted.length > 0) {
      // Warm-up revocations come out of the granted pool too.
      await core('revoke-consent', revokeConsent(grantPatient.contract('consent'), granted), {
        warmupMs: 0,
        maxOperations: granted.length,
      });
    }
    await core('request-access', requestAccess(gp.contract('access'), accessPatientId));
    await core('check-access', checkAccess(gp.contract('access'), accessPatientId));
    await core(
      'anchor-record',
      anchorRecord(clinician.contract('records'), accessPatientId, anchored),
    );
    if (anchored.length > 0)
      await core('verify-record', verifyRecord(clinician.contract('records'), anchored));
  }
  const batchConcurrency = Math.min(concurrency, batchConcurrencyCap);
  if (concurrency === concurrencies[0] || batchConcurrency === concurrency) {
    for (const size of [1_000, 10_000]) {
      await core(
        `anchor-batch-${String(size)}`,
        anchorBatch(clinician.contract('records'), size, accessPatientId),
        // Batches take seconds: no warm-up, or a short window would count none of them.
        { concurrency: batchConcurrency, warmupMs: 0 },
      );
    }
  }
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

if (wanted('rest', 'rest'))
  await section('rest', async () => {
    const restConcurrency = concurrencies[0] ?? 16;
    const patientGateway = restClient(gatewayUrl(tertiary));
    const clinicianGateway = restClient(gatewayUrl(community));
    const users = await restUsers({
      patientGateway,
      clinicianGateway,
      clinicianOrg: community.mspId,
      admin: {
        username: process.env.GATEWAY_ADMIN_USERNAME ?? 'admin',
        password: process.env.GATEWAY_ADMIN_PASSWORD ?? 'adminpw',
      },
    });
    const production = topology.chaincode.name;
    const rest = (workload: string, operation: Operation, gateway?: string) =>
      measure(topology, {
        workload,
        group: 'rest',
        target: production,
        concurrency: restConcurrency,
        operation,
        ...(gateway === undefined ? {} : { gateway }),
      });
    const granted: string[] = [];
    await rest(
      'direct-grant-consent',
      grantConsent(grantPatient.contract('consent', production), community.mspId, granted),
    );
    await rest(
      'rest-grant-consent',
      restGrant(patientGateway, users.patientToken, community.mspId),
      gatewayProcessName(tertiary),
    );
    await rest(
      'direct-request-access',
      requestAccess(gp.contract('access', production), users.requestedPatientId),
    );
    await rest(
      'rest-request-access',
      restRequest(clinicianGateway, users.clinicianToken, users.requestedPatientId),
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
        subject: { kind: 'record', recordId: record.recordId, sha256: record.sha256, version: 1 },
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
    for (const size of [...sizes].sort((a, b) => a - b)) {
      const present = await seededEvents(operator.contract('baseline'));
      if (present > size) {
        notes.push(
          `Audit at ${String(size)} events skipped: the benchmark namespace already holds ${String(present)} seeded events (seeding only adds).`,
        );
        continue;
      }
      const step = await seedTo({
        contract: regulator.contract('bench'),
        baseline: operator.contract('baseline'),
        events: size,
        batchSize: seedBatch,
        parallel: seedParallel,
        log,
      });
      if (step !== undefined) seeding.push(step);
      const orgs = topology.organizations.map((org) => org.mspId);
      const audit = regulator.contract('audit');
      await measure(topology, {
        workload: 'audit-by-patient',
        group: 'audit',
        target: BENCH_CHAINCODE,
        concurrency: auditConcurrency,
        ledgerEvents: size,
        operation: auditQuery(audit, (seq) => ({ patientId: seedPatientId((seq * 37) % 100) })),
      });
      await measure(topology, {
        workload: 'audit-by-org-window',
        group: 'audit',
        target: BENCH_CHAINCODE,
        concurrency: auditConcurrency,
        ledgerEvents: size,
        operation: auditQuery(audit, (seq) => {
          const from =
            Date.parse(`${SEED_START_DAY}T00:00:00.000Z`) + (seq % SEED_DAYS) * 86_400_000;
          return {
            accessorOrg: orgs[seq % orgs.length],
            from: new Date(from).toISOString(),
            to: new Date(from + 86_400_000).toISOString(),
          };
        }),
      });
    }
  });

for (const each of [clinician, grantPatient, accessPatient, gp, regulator, operator])
  each.connection.close();

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
    a.concurrency === b.concurrency &&
    a.ledgerEvents === b.ledgerEvents;
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
