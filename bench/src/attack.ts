import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SignedActionRequest } from '@consent-ledger/ledger-api';
import { hostileRequests, sendHostile } from './hostile-bodies.ts';
import { restClient, restPatient, type RestClient, type RestPatient } from './rest.ts';
import { round, summarize, type LatencySummary } from './stats.ts';
import { RUN_TAG, treatmentConsent, treatmentRequest } from './workloads.ts';

/**
 * The `attack` scenario (issue 19): a user's journey through one gateway (a clinician signs in,
 * the patient grants a consent, the clinician requests access, the patient reads the audit of
 * their data), measured idle, then while attackers send the worst bodies of hostile-bodies.ts to
 * the open and the authenticated routes from another address (127.0.0.2); /health/live is probed
 * every 50 ms throughout, and the gateway's event-loop delay is read from its own metrics
 * (prom-client's monitorEventLoopDelay, reset at each scrape). Reported as ratios to the idle
 * figures of the same run (docs/benchmark.md), never asserted.
 */

/** Options of {@link runAttackScenario}. */
export interface AttackOptions {
  /** The gateway's base URL (e.g. http://127.0.0.1:4002). */
  readonly base: string;
  readonly mspId: string;
  readonly admin: Readonly<{ username: string; password: string }>;
  /** Bearer token of the gateway's /metrics (GATEWAY_METRICS_TOKEN), when it has one. */
  readonly metricsToken?: string;
  readonly attackers: number;
  /** Journeys per phase, started every `journeyEveryMs`. */
  readonly journeys: number;
  readonly journeyEveryMs: number;
  readonly log: (line: string) => void;
}

/** One phase's figures. */
export interface PhaseResult {
  readonly journey: LatencySummary;
  readonly journeyFailures: readonly string[];
  readonly health: LatencySummary;
  readonly eventLoopLagMaxMs?: number;
  readonly eventLoopLagP99Ms?: number;
  readonly attackRequests?: number;
  readonly attackStatuses?: Readonly<Record<string, number>>;
  readonly attackAnswerMs?: LatencySummary;
  readonly attackLargestAnswerBytes?: number;
}

/** One hostile request sent alone. */
export interface AloneResult {
  readonly name: string;
  readonly status: number;
  readonly answerMs: number;
  readonly answerBytes: number;
  readonly healthMaxMs: number;
  readonly eventLoopLagMaxMs?: number;
}

/** What the scenario measured. */
export interface AttackResult {
  readonly idle: PhaseResult;
  readonly attack: PhaseResult;
  readonly p95Ratio: number;
  readonly p50Ratio: number;
  readonly alone: readonly AloneResult[];
}

interface JourneyUsers {
  readonly client: RestClient;
  readonly clinician: { readonly username: string; readonly password: string };
  readonly patient: RestPatient;
  readonly attackerToken: string;
}

async function setUp(options: Readonly<AttackOptions>): Promise<JourneyUsers> {
  const client = restClient(options.base);
  const adminToken = await client.login(options.admin.username, options.admin.password);
  const password = `attack-${RUN_TAG}-password`;
  const clinician = { username: `attack-clinician-${RUN_TAG}`, password };
  await client.createUser(adminToken, { ...clinician, role: 'clinician' });
  const attacker = { username: `attack-attacker-${RUN_TAG}`, password };
  await client.createUser(adminToken, { ...attacker, role: 'clinician' });
  const patient = await restPatient(client, {
    adminToken,
    username: `attack-patient-${RUN_TAG}`,
    password,
  });
  const attackerToken = await client.login(attacker.username, attacker.password);
  return { client, clinician, patient, attackerToken };
}

/** The journey: sign in, grant, request access, read the audit; its time in milliseconds. */
async function journey(users: JourneyUsers, mspId: string): Promise<number> {
  const started = performance.now();
  const { client, patient } = users;
  const token = await client.login(users.clinician.username, users.clinician.password);
  const grant: SignedActionRequest<'consent:GrantConsent'> = {
    action: await patient.patient.sign('consent:GrantConsent', treatmentConsent(mspId)),
  };
  await client.post('/consents', patient.token, grant);
  const decision = await client.post(
    '/access-requests',
    token,
    treatmentRequest(patient.patient.patientId),
  );
  if (decision.decision !== 'permit') throw new Error(`access ${String(decision.decision)}`);
  await client.get(
    `/audit/access-events?patientId=${patient.patient.patientId}&pageSize=10`,
    patient.token,
  );
  return performance.now() - started;
}

/** Probes /health/live every 50 ms until stopped; answers the latencies. */
function probeHealth(base: string): { stop: () => Promise<number[]> } {
  const samples: number[] = [];
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      const started = performance.now();
      try {
        const response = await fetch(`${base}/health/live`, {
          signal: AbortSignal.timeout(30_000),
        });
        await response.text();
        samples.push(performance.now() - started);
      } catch {
        samples.push(performance.now() - started);
      }
      await sleep(50);
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await loop;
      return samples;
    },
  };
}

/** The gateway's event-loop delay since the last scrape (prom-client resets it at each). */
async function eventLoopLag(
  base: string,
  token: string | undefined,
): Promise<{ maxMs: number; p99Ms: number } | undefined> {
  if (token === undefined) return undefined;
  let text: string;
  try {
    const response = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 200) return undefined;
    text = await response.text();
  } catch {
    // A gateway too busy to answer its metrics in 30 s: no figure.
    return undefined;
  }
  const read = (name: string): number | undefined => {
    const match = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1000;
  };
  const maxMs = read('gateway_nodejs_eventloop_lag_max_seconds');
  const p99Ms = read('gateway_nodejs_eventloop_lag_p99_seconds');
  return maxMs === undefined || p99Ms === undefined ? undefined : { maxMs, p99Ms };
}

async function phase(
  options: Readonly<AttackOptions>,
  users: JourneyUsers,
  attack: boolean,
): Promise<PhaseResult> {
  await eventLoopLag(options.base, options.metricsToken);
  const health = probeHealth(options.base);
  const hostile = hostileRequests();
  const attacking = { on: attack };
  const statuses = new Map<string, number>();
  const answerMs: number[] = [];
  let largest = 0;
  const attackers = Array.from({ length: attack ? options.attackers : 0 }, async (_, worker) => {
    for (let i = worker; attacking.on; i += 1) {
      const request = hostile[i % hostile.length];
      if (request === undefined) break;
      try {
        const answer = await sendHostile(options.base, request, {
          token: users.attackerToken,
          localAddress: '127.0.0.2',
        });
        statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
        answerMs.push(answer.ms);
        largest = Math.max(largest, answer.bytes);
      } catch (error) {
        const key = `error ${(error as NodeJS.ErrnoException).code ?? 'other'}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }
  });
  if (attack) await sleep(2000);
  const times: number[] = [];
  const failures: string[] = [];
  const journeys: Promise<void>[] = [];
  for (let i = 0; i < options.journeys; i += 1) {
    journeys.push(
      journey(users, options.mspId).then(
        (ms) => {
          times.push(ms);
        },
        (error: unknown) => {
          failures.push(String(error).slice(0, 200));
        },
      ),
    );
    await sleep(options.journeyEveryMs);
  }
  await Promise.all(journeys);
  attacking.on = false;
  await Promise.all(attackers);
  const probes = await health.stop();
  const lag = await eventLoopLag(options.base, options.metricsToken);
  return {
    journey: summarize(times),
    journeyFailures: failures,
    health: summarize(probes),
    ...(lag === undefined ? {} : { eventLoopLagMaxMs: lag.maxMs, eventLoopLagP99Ms: lag.p99Ms }),
    ...(attack
      ? {
          attackRequests: answerMs.length,
          attackStatuses: Object.fromEntries(statuses),
          attackAnswerMs: summarize(answerMs),
          attackLargestAnswerBytes: largest,
        }
      : {}),
  };
}

/** Each hostile request alone, three times: its answer and what it cost the gateway. */
async function alone(
  options: Readonly<AttackOptions>,
  users: JourneyUsers,
): Promise<AloneResult[]> {
  const results: AloneResult[] = [];
  for (const request of hostileRequests()) {
    let worst: AloneResult | undefined;
    for (let round = 0; round < 3; round += 1) {
      await eventLoopLag(options.base, options.metricsToken);
      const health = probeHealth(options.base);
      const answer = await sendHostile(options.base, request, {
        token: users.attackerToken,
        localAddress: '127.0.0.2',
      });
      await sleep(100);
      const probes = await health.stop();
      const lag = await eventLoopLag(options.base, options.metricsToken);
      const result: AloneResult = {
        name: request.name,
        status: answer.status,
        answerMs: answer.ms,
        answerBytes: answer.bytes,
        healthMaxMs: Math.max(0, ...probes),
        ...(lag === undefined ? {} : { eventLoopLagMaxMs: lag.maxMs }),
      };
      if (worst === undefined || result.answerMs > worst.answerMs) worst = result;
    }
    if (worst !== undefined) {
      results.push(worst);
      options.log(
        `alone: ${worst.name}: ${String(worst.status)} in ${worst.answerMs.toFixed(1)} ms, ${String(worst.answerBytes)} bytes, /health/live max ${worst.healthMaxMs.toFixed(1)} ms` +
          (worst.eventLoopLagMaxMs === undefined
            ? ''
            : `, event-loop delay max ${worst.eventLoopLagMaxMs.toFixed(1)} ms`),
      );
    }
  }
  return results;
}

/** Runs the scenario: each hostile request alone, then the journey idle and under attack. */
export async function runAttackScenario(options: Readonly<AttackOptions>): Promise<AttackResult> {
  const users = await setUp(options);
  options.log(`attack: users ready at ${options.base}`);
  const aloneResults = await alone(options, users);
  await journey(users, options.mspId);
  const idle = await phase(options, users, false);
  options.log(
    `attack: idle journey p50 ${idle.journey.p50.toFixed(1)} p95 ${idle.journey.p95.toFixed(1)} ms, /health/live max ${idle.health.max.toFixed(1)} ms`,
  );
  const attack = await phase(options, users, true);
  options.log(
    `attack: under ${String(options.attackers)} attackers journey p50 ${attack.journey.p50.toFixed(1)} p95 ${attack.journey.p95.toFixed(1)} ms, /health/live p99 ${attack.health.p99.toFixed(1)} max ${attack.health.max.toFixed(1)} ms, ${String(attack.attackRequests ?? 0)} attack requests ${JSON.stringify(attack.attackStatuses)}`,
  );
  return {
    idle,
    attack,
    p50Ratio: round(attack.journey.p50 / idle.journey.p50),
    p95Ratio: round(attack.journey.p95 / idle.journey.p95),
    alone: aloneResults,
  };
}

/** The scenario's figures as a Markdown section. */
export function renderAttack(result: AttackResult, attackers: number): string {
  const ms = (value: number | undefined): string =>
    value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1);
  const row = (name: string, phase: PhaseResult): string =>
    `| ${name} | ${String(phase.journey.count)} (${String(phase.journeyFailures.length)} failed) | ${ms(phase.journey.p50)} | ${ms(phase.journey.p95)} | ${ms(phase.health.p99)} | ${ms(phase.health.max)} | ${ms(phase.eventLoopLagP99Ms)} | ${ms(phase.eventLoopLagMaxMs)} |`;
  return [
    `## Attack (${String(attackers)} attackers)`,
    '',
    '| phase | journeys | journey p50 ms | journey p95 ms | /health/live p99 ms | /health/live max ms | event-loop delay p99 ms | event-loop delay max ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('idle', result.idle),
    row('under attack', result.attack),
    '',
    `Journey p50 ratio ${String(result.p50Ratio)}, p95 ratio ${String(result.p95Ratio)}; ` +
      `${String(result.attack.attackRequests ?? 0)} attack requests answered ${JSON.stringify(result.attack.attackStatuses ?? {})}, ` +
      `answer p50 ${ms(result.attack.attackAnswerMs?.p50)} ms, p99 ${ms(result.attack.attackAnswerMs?.p99)} ms, largest answer ${String(result.attack.attackLargestAnswerBytes ?? 0)} bytes.`,
    '',
    '| hostile request, alone (worst of 3) | status | answer ms | answer bytes | /health/live max ms | event-loop delay max ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.alone.map(
      (each) =>
        `| ${each.name} | ${String(each.status)} | ${ms(each.answerMs)} | ${String(each.answerBytes)} | ${ms(each.healthMaxMs)} | ${ms(each.eventLoopLagMaxMs)} |`,
    ),
    '',
  ].join('\n');
}
