import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as grpcStatus } from '@grpc/grpc-js';
import { connect, GatewayError, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import {
  GOVERNMENT_MSP,
  collectionFor,
  collectionMembers,
  openResult,
  newSalt,
  transientRequest,
  type AccessRequest,
  type ConsentInput,
} from '@consent-ledger/ledger-api';
import {
  orgLayout,
  peerClient,
  peerRuntime,
  userIdentity,
  type Organization,
  type Peer,
} from '@consent-ledger/network';
import { closeUsers, enrollUser, type TestUser } from '../../support/identities.ts';
import { org, topology } from '../../support/ledger.ts';
import { registerPatient, type TestPatient } from '../../support/patients.ts';

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
  /** The patient the document is about, and the patient's home organization. */
  readonly patientId: string;
  readonly home: string;
  /** The other organization the document concerns: the consent's grantee, or the accessor. */
  readonly party: string;
  /** The collection the document lives in (docs/privacy.md): only its members' peers hold it. */
  readonly collection: string;
  /** The organizations named as endorsers. */
  readonly endorsers: readonly string[];
  /** The document as the chaincode answered it (the consent, or the access event). */
  readonly value: unknown;
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

/** One worker's people: a registered patient (with the home admin who carries their statements) and a clinician. */
export interface LoadParticipants {
  readonly patient: TestPatient;
  readonly clinician: TestUser;
}

/** A steady load of consent and access transactions through the peers' Fabric Gateway service. */
export interface LoadGenerator {
  /** Starts the workers (each keeps one transaction in flight). */
  start(): void;
  /** Stops the workers after their current transaction and waits for them. */
  stop(): Promise<void>;
  readonly committed: readonly CommittedTx[];
  readonly failures: readonly LoadFailure[];
  /** Each worker's patient and clinician, by worker index. */
  readonly participants: readonly LoadParticipants[];
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

/** How long an organization whose peer could not be reached is left out of endorsement plans. */
const SUSPECT_MS = 15_000;

const UNREACHABLE =
  /unavailable|connection|connect|transport|deadline exceeded|no endorsing peers/i;

function statusName(code: number): string {
  const names = grpcStatus as unknown as Record<number, string | undefined>;
  return names[code] ?? `CODE_${String(code)}`;
}

const mspIds = (): string[] => topology.organizations.map((each) => each.mspId);

/**
 * The choices of endorsing organizations for a write into `collection`, best first: an
 * organization's own collection needs both its members (no other choice); a pair's any two of
 * its three members, in the order of `preferred` (the caller's organization, the patient's home,
 * then the regulator). A proposal names its endorsers, so that its transient inputs reach members
 * only (docs/privacy.md).
 */
export function endorsementPlans(collection: string, preferred: readonly string[]): string[][] {
  const members = collectionMembers(collection, mspIds());
  if (members.length <= 2) return [members];
  const ordered = [...new Set([...preferred, ...members])].filter((msp) => members.includes(msp));
  const plans: string[][] = [];
  for (let i = 0; i < ordered.length; i += 1)
    for (let j = i + 1; j < ordered.length; j += 1)
      plans.push([ordered[i] ?? '', ordered[j] ?? '']);
  return plans;
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

/** What one load transaction is about to do. */
interface Intent {
  readonly kind: LoadKind;
  readonly user: TestUser;
  readonly party: string;
  readonly collection: string;
  readonly plans: readonly string[][];
}

class Load implements LoadGenerator {
  readonly committed: CommittedTx[] = [];
  readonly failures: LoadFailure[] = [];
  readonly participants: readonly LoadParticipants[];
  readonly #targets: readonly Target[];
  readonly #pauseMs: number;
  readonly #connections = new Map<string, { gateway: Gateway; close(): void }>();
  /** Organizations whose peer failed to answer, until when they are left out of plans. */
  readonly #suspects = new Map<string, number>();
  #running = false;
  #workers: Promise<void>[] = [];
  #waiters: { target: number; resolve: () => void }[] = [];

  constructor(
    participants: readonly LoadParticipants[],
    targets: readonly Target[],
    pauseMs: number,
  ) {
    this.participants = participants;
    this.#targets = targets;
    this.#pauseMs = pauseMs;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#workers = this.participants.map((pair, index) => this.#work(pair, index));
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

  #drop(user: TestUser, target: Target): void {
    // A fresh channel next time, rather than gRPC's growing reconnect backoff.
    const key = `${user.id}@${target.name}`;
    this.#connections.get(key)?.close();
    this.#connections.delete(key);
  }

  #suspect(msp: string): void {
    this.#suspects.set(msp, Date.now() + SUSPECT_MS);
  }

  #isSuspect(msp: string): boolean {
    return (this.#suspects.get(msp) ?? 0) > Date.now();
  }

  /** The first plan none of whose organizations failed lately (else the first plan). */
  #plan(plans: readonly string[][]): string[] {
    const chosen = plans.find((plan) => plan.every((msp) => !this.#isSuspect(msp))) ?? plans[0];
    if (chosen === undefined) throw new Error('no endorsement plan');
    return chosen;
  }

  async #work(pair: LoadParticipants, index: number): Promise<void> {
    // Worker `i` sends through the i-th peer of its transaction's endorsing organizations and
    // moves to the next one when a call fails for a reason other than the chaincode's answer (a
    // dead peer, an unreachable orderer, a deadline). Grants and access requests alternate, whatever happened,
    // so a worker whose patient's home is down still requests access (through the regulator).
    let targetIndex = index;
    for (let step = 0; this.#running; step += 1) {
      const kind: LoadKind = step % 2 === 0 ? 'consent' : 'access';
      const ok = await this.#transact(pair, kind, targetIndex);
      if (!ok) {
        targetIndex += 1;
        await sleep(500);
      }
      if (this.#pauseMs > 0) await sleep(this.#pauseMs);
    }
  }

  #intent(pair: LoadParticipants, kind: LoadKind): Intent {
    const { patient, clinician } = pair;
    const party = clinician.org.mspId;
    const collection = collectionFor(patient.homeMsp, party);
    return kind === 'consent'
      ? {
          kind,
          user: patient.carrier,
          party,
          collection,
          // A patient's statement is checked against the binding, held by the home and the
          // regulator only: they endorse, and no other choice exists.
          plans: [[patient.homeMsp, GOVERNMENT_MSP]],
        }
      : {
          kind,
          user: clinician,
          party,
          collection,
          plans: endorsementPlans(collection, [party, patient.homeMsp, GOVERNMENT_MSP]),
        };
  }

  async #arguments(pair: LoadParticipants, kind: LoadKind): Promise<unknown[]> {
    if (kind === 'consent') {
      const terms: ConsentInput = {
        grantee: { org: pair.clinician.org.mspId, role: 'clinician' },
        purposes: ['treatment'],
        categories: ['outpatient'],
      };
      return [await pair.patient.sign('consent:GrantConsent', terms)];
    }
    const request: AccessRequest = {
      patientId: pair.patient.patientId,
      purpose: 'treatment',
      categories: ['outpatient'],
    };
    return [request];
  }

  /** Notes the organizations an endorsement failure names as unreachable. */
  #noteUnreachable(error: unknown, plan: readonly string[], target: Target): void {
    if (!(error instanceof GatewayError)) return;
    const texts = [error.message, ...error.details.map((detail) => detail.message)].join('\n');
    const unavailable = error.code === (grpcStatus.UNAVAILABLE as number);
    let named = false;
    for (const detail of error.details) {
      if (plan.includes(detail.mspId) && UNREACHABLE.test(detail.message)) {
        this.#suspect(detail.mspId);
        named = true;
      }
    }
    // "failed to find any endorsing peers for org(s): X": the organizations are in the message.
    for (const msp of plan) {
      if (unavailable && texts.includes(msp)) {
        this.#suspect(msp);
        named = true;
      }
    }
    if (!named && unavailable) this.#suspect(target.org.mspId);
  }

  async #transact(pair: LoadParticipants, kind: LoadKind, targetIndex: number): Promise<boolean> {
    const intent = this.#intent(pair, kind);
    const plan = this.#plan(intent.plans);
    // Only the endorsers' peers see the inputs: the load goes through one of them.
    const targets = this.#targets.filter((each) => plan.includes(each.org.mspId));
    const target = targets[targetIndex % Math.max(1, targets.length)];
    if (target === undefined) throw new Error(`no peer of ${plan.join(', ')} to send the load to`);
    let stage = 'connect';
    let txId: string | undefined;
    try {
      const fn = kind === 'consent' ? 'GrantConsent' : 'RequestAccess';
      const contract = this.#gateway(intent.user, target)
        .getNetwork(topology.channel.name)
        .getContract(topology.chaincode.name, kind);
      const args = await this.#arguments(pair, kind);
      stage = 'endorse';
      const salt = newSalt();
      const proposal = contract.newProposal(fn, {
        transientData: transientRequest({ args, salt }),
        endorsingOrganizations: plan,
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
      // A submit's result is sealed for its salt (it is written into the block).
      const bytes = transaction.getResult();
      const opening = { salt, txId };
      const value =
        kind === 'consent'
          ? await openResult('consent:GrantConsent', bytes, opening)
          : await openResult('access:RequestAccess', bytes, opening);
      const key = 'consentId' in value ? value.consentId : value.eventId;
      this.committed.push({
        txId,
        kind,
        key,
        blockNumber: status.blockNumber,
        at: Date.now(),
        peer: target.name,
        patientId: pair.patient.patientId,
        home: pair.patient.homeMsp,
        party: intent.party,
        collection: intent.collection,
        endorsers: plan,
        value,
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
      if (stage === 'endorse') this.#noteUnreachable(error, plan, target);
      if (code === grpcStatus.UNAVAILABLE) this.#drop(intent.user, target);
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
 * Registers and activates the load's patients (a patient of the tertiary, community and
 * enterprise homes in turn, registered by their home's admin with a key made here), enrolls a
 * clinician of another or the same hospital per worker, and answers a load generator: each
 * worker's home admin carries the patient's signed grants, the clinician requests access, each
 * through a peer of the organizations it names as endorsers (the patient's home and the
 * regulator for a grant; the clinician's organization and the home, or the regulator in place of
 * one that cannot be reached, for an access), moving to the next peer after a transport failure.
 */
export async function createLoadGenerator(options: LoadOptions = {}): Promise<LoadGenerator> {
  const workers = options.workers ?? 4;
  const patientOrgs = ['tertiary', 'community', 'enterprise'];
  const clinicianOrgs = ['community', 'tertiary'];
  // Sanity: every organization used is in the topology.
  for (const name of [...patientOrgs, ...clinicianOrgs]) org(name);
  const carriers = new Map<string, Promise<TestUser>>();
  const carrierOf = (home: string): Promise<TestUser> => {
    let carrier = carriers.get(home);
    if (carrier === undefined) {
      carrier = enrollUser({ org: home, role: 'admin' });
      carriers.set(home, carrier);
    }
    return carrier;
  };
  const participants: LoadParticipants[] = [];
  // One at a time: each registration waits until every peer has committed it.
  for (let index = 0; index < workers; index += 1) {
    const home = patientOrgs[index % patientOrgs.length] ?? 'tertiary';
    const clinicianOrg = clinicianOrgs[index % clinicianOrgs.length] ?? 'community';
    const [patient, clinician] = await Promise.all([
      carrierOf(home).then((carrier) => registerPatient(home, { carrier })),
      enrollUser({ org: clinicianOrg, role: 'clinician' }),
    ]);
    participants.push({ patient, clinician });
  }
  return new Load(participants, allTargets(), options.pauseMs ?? 0);
}
