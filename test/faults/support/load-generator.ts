import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as grpcStatus } from '@grpc/grpc-js';
import { connect, GatewayError, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import {
  orgLayout,
  peerClient,
  peerRuntime,
  userIdentity,
  type Organization,
  type Peer,
} from '@consent-ledger/network';
import { closeUsers, enrollPatient, enrollUser, type TestUser } from '../../support/identities.ts';
import { org, text, topology } from '../../support/ledger.ts';

/** What a load transaction did: a patient granted a consent, or a clinician requested access. */
export type LoadKind = 'consent' | 'access';

/** A transaction the client saw committed (commit status VALID). */
export interface CommittedTx {
  readonly txId: string;
  readonly kind: LoadKind;
  /** The ledger key it wrote: the consent ID or the access event ID. */
  readonly key: string;
  readonly blockNumber: bigint;
  /** When the client learnt it was committed (ms since the epoch). */
  readonly at: number;
  /** The peer the client submitted through. */
  readonly peer: string;
}

/** A failed attempt, by stage and gRPC status (or validation code). */
export interface LoadFailure {
  readonly kind: string;
  readonly at: number;
  readonly peer: string;
  readonly message: string;
  /** Set when the transaction was submitted but its outcome is unknown to the client. */
  readonly txId?: string;
}

/** Committed transactions and failures within a time window. */
export interface WindowStats {
  readonly seconds: number;
  readonly committed: number;
  readonly txPerSecond: number;
  readonly failures: number;
  readonly failuresByKind: Record<string, number>;
}

/** A steady load of consent and access transactions through the peers' Fabric Gateway service. */
export interface LoadGenerator {
  /** Starts the workers (each keeps one transaction in flight). */
  start(): void;
  /** Stops the workers after their current transaction and waits for them. */
  stop(): Promise<void>;
  readonly committed: readonly CommittedTx[];
  readonly failures: readonly LoadFailure[];
  /** Committed transactions and failures in [from, to). */
  window(from: number, to: number): WindowStats;
  /** Resolves once `count` more transactions are committed after the call, or rejects on timeout. */
  waitForCommits(count: number, timeoutMs: number): Promise<void>;
  /** Closes every connection. */
  close(): void;
}

/** A peer the load can be sent through. */
interface Target {
  readonly org: Organization;
  readonly peer: Peer;
  readonly name: string;
}

/** Options of {@link createLoadGenerator}. */
export interface LoadOptions {
  /** Concurrent workers, each a patient (granting) and a clinician (requesting access). */
  readonly workers?: number;
  /** Pause between a worker's transactions (ms). */
  readonly pauseMs?: number;
}

const retryable = new Set<number>([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.ABORTED,
  grpcStatus.CANCELLED,
  grpcStatus.UNKNOWN,
  grpcStatus.INTERNAL,
  grpcStatus.FAILED_PRECONDITION,
]);

function statusName(code: number): string {
  const names = grpcStatus as unknown as Record<number, string | undefined>;
  return names[code] ?? `CODE_${String(code)}`;
}

/** Connects a user to any peer's Gateway service (trusting that peer's organization's TLS CA). */
function connectVia(user: TestUser, target: Target): { gateway: Gateway; close(): void } {
  const mspDir = userIdentity(orgLayout(user.org), user.id).mspDir;
  const keystore = path.join(mspDir, 'keystore');
  const [keyFile] = readdirSync(keystore);
  if (keyFile === undefined) throw new Error(`no private key in ${keystore}`);
  const client = peerClient(target.org, target.peer);
  const gateway = connect({
    client,
    identity: {
      mspId: user.org.mspId,
      credentials: readFileSync(path.join(mspDir, 'signcerts', 'cert.pem')),
    },
    signer: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(keystore, keyFile))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    // Short: a transaction an orderer accepted but lost (forwarded to a leader that died) never
    // gets a status; the worker gives up on it (recorded as in doubt) and submits a new one.
    commitStatusOptions: () => ({ deadline: Date.now() + 12_000 }),
  });
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

class Load implements LoadGenerator {
  readonly committed: CommittedTx[] = [];
  readonly failures: LoadFailure[] = [];
  readonly #targets: readonly Target[];
  readonly #pairs: readonly { patient: TestUser; clinician: TestUser }[];
  readonly #pauseMs: number;
  readonly #connections = new Map<string, { gateway: Gateway; close(): void }>();
  #running = false;
  #workers: Promise<void>[] = [];
  #waiters: { target: number; resolve: () => void }[] = [];

  constructor(
    pairs: readonly { patient: TestUser; clinician: TestUser }[],
    targets: readonly Target[],
    pauseMs: number,
  ) {
    this.#pairs = pairs;
    this.#targets = targets;
    this.#pauseMs = pauseMs;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#workers = this.#pairs.map((pair, index) => this.#work(pair, index));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
    this.#workers = [];
  }

  window(from: number, to: number): WindowStats {
    const seconds = Math.max(0.001, (to - from) / 1000);
    const committed = this.committed.filter((tx) => tx.at >= from && tx.at < to).length;
    const failures = this.failures.filter((failure) => failure.at >= from && failure.at < to);
    const failuresByKind: Record<string, number> = {};
    for (const failure of failures)
      failuresByKind[failure.kind] = (failuresByKind[failure.kind] ?? 0) + 1;
    return {
      seconds: Number(seconds.toFixed(1)),
      committed,
      txPerSecond: Number((committed / seconds).toFixed(2)),
      failures: failures.length,
      failuresByKind,
    };
  }

  waitForCommits(count: number, timeoutMs: number): Promise<void> {
    const target = this.committed.length + count;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`fewer than ${String(count)} commits within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.#waiters.push({
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.#notify();
    });
  }

  close(): void {
    for (const connection of this.#connections.values()) connection.close();
    this.#connections.clear();
    closeUsers();
  }

  #notify(): void {
    const ready = this.#waiters.filter((waiter) => this.committed.length >= waiter.target);
    this.#waiters = this.#waiters.filter((waiter) => this.committed.length < waiter.target);
    for (const waiter of ready) waiter.resolve();
  }

  #gateway(user: TestUser, target: Target): Gateway {
    const key = `${user.id}@${target.name}`;
    let connection = this.#connections.get(key);
    if (connection === undefined) {
      connection = connectVia(user, target);
      this.#connections.set(key, connection);
    }
    return connection.gateway;
  }

  async #work(pair: Readonly<{ patient: TestUser; clinician: TestUser }>, index: number) {
    // Each worker starts on its own peer and moves to the next one when a call fails for a reason
    // other than the chaincode's answer (a dead peer, an unreachable orderer, a deadline).
    let targetIndex = index % this.#targets.length;
    let step = 0;
    while (this.#running) {
      const target = this.#targets[targetIndex % this.#targets.length];
      if (target === undefined) throw new Error('no peer to send the load to');
      const kind: LoadKind = step % 2 === 0 ? 'consent' : 'access';
      const ok = await this.#transact(pair, kind, target);
      if (ok) step += 1;
      else {
        targetIndex += 1;
        await sleep(500);
      }
      if (this.#pauseMs > 0) await sleep(this.#pauseMs);
    }
  }

  async #transact(
    pair: Readonly<{ patient: TestUser; clinician: TestUser }>,
    kind: LoadKind,
    target: Target,
  ): Promise<boolean> {
    const user = kind === 'consent' ? pair.patient : pair.clinician;
    let stage = 'connect';
    let txId: string | undefined;
    try {
      const contract = this.#gateway(user, target)
        .getNetwork(topology.channel.name)
        .getContract(topology.chaincode.name, kind);
      const argument =
        kind === 'consent'
          ? {
              grantee: { org: pair.clinician.org.mspId, role: 'clinician' },
              purposes: ['treatment'],
              categories: ['outpatient'],
            }
          : { patientId: pair.patient.patientId, purpose: 'treatment', categories: ['outpatient'] };
      stage = 'endorse';
      const proposal = contract.newProposal(kind === 'consent' ? 'GrantConsent' : 'RequestAccess', {
        arguments: [JSON.stringify(argument)],
      });
      const transaction = await proposal.endorse();
      stage = 'submit';
      const submitted = await transaction.submit();
      txId = submitted.getTransactionId();
      stage = 'commit';
      const status = await submitted.getStatus();
      if (!status.successful) {
        this.failures.push({
          kind: `invalid:${String(status.code)}`,
          at: Date.now(),
          peer: target.name,
          message: `transaction ${txId} committed invalid (code ${String(status.code)})`,
          txId,
        });
        return true;
      }
      const result = JSON.parse(text(transaction.getResult())) as {
        consentId?: string;
        eventId?: string;
      };
      const key = kind === 'consent' ? result.consentId : result.eventId;
      if (key === undefined) throw new Error(`${kind} result without its ID`);
      this.committed.push({
        txId,
        kind,
        key,
        blockNumber: status.blockNumber,
        at: Date.now(),
        peer: target.name,
      });
      this.#notify();
      return true;
    } catch (error) {
      const code: number | undefined = error instanceof GatewayError ? error.code : undefined;
      this.failures.push({
        kind: `${stage}:${code === undefined ? (error instanceof Error ? error.name : 'error') : statusName(code)}`,
        at: Date.now(),
        peer: target.name,
        message: error instanceof Error ? error.message.slice(0, 300) : String(error),
        ...(txId === undefined ? {} : { txId }),
      });
      if (code === grpcStatus.UNAVAILABLE) {
        // A fresh channel next time, rather than gRPC's growing reconnect backoff.
        const key = `${user.id}@${target.name}`;
        this.#connections.get(key)?.close();
        this.#connections.delete(key);
      }
      return code === undefined ? false : !retryable.has(code);
    }
  }
}

/** Every peer of the channel, as load targets. */
function allTargets(): Target[] {
  return topology.organizations.flatMap((organization) =>
    organization.peers.map((peer) => ({
      org: organization,
      peer,
      name: peerRuntime(organization, peer).name,
    })),
  );
}

/**
 * Enrolls the load's users (a patient and a clinician of another hospital per worker) and answers
 * a load generator spread over every peer: worker `i` starts on peer `i mod 5` and moves to the
 * next peer after a transport failure (a dead peer, a deadline), so the load follows the live peers.
 */
export async function createLoadGenerator(options: LoadOptions = {}): Promise<LoadGenerator> {
  const workers = options.workers ?? 4;
  const patientOrgs = ['tertiary', 'community', 'enterprise'];
  const clinicianOrgs = ['community', 'tertiary'];
  const pairs = await Promise.all(
    Array.from({ length: workers }, async (_, index) => {
      const patientOrg = patientOrgs[index % patientOrgs.length] ?? 'tertiary';
      const clinicianOrg = clinicianOrgs[index % clinicianOrgs.length] ?? 'community';
      const [patient, clinician] = await Promise.all([
        enrollPatient(patientOrg),
        enrollUser({ org: clinicianOrg, role: 'clinician' }),
      ]);
      return { patient, clinician };
    }),
  );
  // Sanity: every organization used is in the topology.
  for (const name of [...patientOrgs, ...clinicianOrgs]) org(name);
  return new Load(pairs, allTargets(), options.pauseMs ?? 0);
}
