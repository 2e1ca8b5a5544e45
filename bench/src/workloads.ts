import { createHash, randomBytes } from 'node:crypto';
import {
  newSalt,
  type AccessEventQuery,
  type AccessRequest,
  type BatchInput,
  type BatchItem,
  type ConsentInput,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import type { LedgerCalls } from './calls.ts';
import { WorkerDone, type Operation } from './load.ts';
import type { BenchPatient } from './patients.ts';

/**
 * The workloads: what one operation does, through which caller, with which inputs and endorsers.
 * Inputs are unique per operation where the ledger requires it (record and batch IDs, statement
 * nonces), and chosen so that concurrent operations do not read what others write (no MVCC
 * conflicts by design): each worker of a grant or revocation acts for its own patient (a grant or
 * revocation rewrites the set of the patient's consents that the grantee's decisions read, so two
 * concurrent changes by one patient to one organization would conflict); access requests read one
 * patient's consents, which nobody changes while they run. Every patient action is a statement the patient signs (ledger-api's patient client)
 * and the home organization's admin carries.
 */

/** A fresh run tag, so IDs never repeat across runs. */
export const RUN_TAG = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** SHA-256 hex of a string. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The consent every access workload relies on: a permit to a hospital's clinicians. */
export function treatmentConsent(granteeOrg: string): ConsentInput {
  return {
    grantee: { org: granteeOrg, role: 'clinician' },
    purposes: ['treatment'],
    categories: ['outpatient'],
  };
}

/** An access request for treatment, outpatient data, of a patient. */
export function treatmentRequest(patientId: string): AccessRequest {
  return { patientId, purpose: 'treatment', categories: ['outpatient'] };
}

/** The organizations a patient's unrelated consents go to, with a role and purpose fitting each. */
export interface UnrelatedGrantee {
  readonly org: string;
  readonly type: 'government' | 'hospital' | 'enterprise' | 'research';
}

/**
 * The `n`-th of a patient's consents unrelated to a request by another organization's clinicians:
 * a permit to one of `grantees` in turn (never the requesting organization), with the role and
 * purpose of its type. A request for treatment by the requesting organization's clinicians can
 * match none of them, so an index by patient and grantee never reads them.
 */
export function unrelatedConsent(grantees: readonly UnrelatedGrantee[], n: number): ConsentInput {
  const grantee = grantees[n % grantees.length];
  if (grantee === undefined) throw new RangeError('no grantee for unrelated consents');
  const byType = {
    government: { role: 'analyst', purposes: ['public-health'] },
    hospital: { role: 'clinician', purposes: ['treatment'] },
    enterprise: { role: 'analyst', purposes: ['insurance'] },
    research: { role: 'researcher', purposes: ['research'] },
  } as const;
  const terms = byType[grantee.type];
  return {
    grantee: { org: grantee.org, role: terms.role },
    purposes: terms.purposes,
    categories: ['laboratory'],
  };
}

/** baseline:Put of a new key with a 100-byte value. */
export function baselinePut(calls: LedgerCalls, endorsers: readonly string[]): Operation {
  const value = 'v'.repeat(100);
  return async ({ seq }) => {
    await calls.submit('baseline:Put', [`put-${RUN_TAG}-${String(seq)}`, value], endorsers);
  };
}

/** baseline:Get of keys written beforehand. */
export function baselineGet(calls: LedgerCalls, keys: readonly string[]): Operation {
  return async ({ seq }) => {
    const key = keys[seq % keys.length] ?? '';
    const value = await calls.evaluate('baseline:Get', key);
    if (value === '') throw new Error(`baseline key ${key} is empty`);
  };
}

/**
 * What the patient workloads need: the patients (worker `w` acts for `patients[w % length]`, so a
 * pool as large as the concurrency gives every worker its own), and the home admin who carries
 * their statements.
 */
export interface SignedWorkload {
  readonly patients: readonly BenchPatient[];
  readonly carrier: LedgerCalls;
  readonly endorsers: readonly string[];
}

/** The patient worker `worker` acts for, and its index in the pool. */
function patientOf(
  workload: Readonly<SignedWorkload>,
  worker: number,
): { patient: BenchPatient; index: number } {
  const index = worker % workload.patients.length;
  const patient = workload.patients[index];
  if (patient === undefined) throw new RangeError('no patient for the workload');
  return { patient, index };
}

/**
 * consent:GrantConsent of `terms`, signed by the worker's patient at each operation; the consent
 * IDs granted are collected per patient (by pool index) in `granted` when given.
 */
export function grantConsent(
  workload: Readonly<SignedWorkload>,
  grant: Readonly<{ terms: ConsentInput; granted?: string[][] }>,
): Operation {
  return async ({ worker }) => {
    const { patient, index } = patientOf(workload, worker);
    const action = await patient.sign('consent:GrantConsent', grant.terms);
    const { result } = await workload.carrier.submit(
      'consent:GrantConsent',
      [action],
      workload.endorsers,
    );
    if (grant.granted !== undefined) (grant.granted[index] ??= []).push(result.consentId);
  };
}

/**
 * consent:RevokeConsent (version 1) of consents granted beforehand, each once, signed: each worker
 * revokes its own patient's consents and is done when none is left ({@link WorkerDone}).
 */
export function revokeConsent(
  workload: Readonly<SignedWorkload>,
  granted: readonly string[][],
): Operation {
  return async ({ worker }) => {
    const { patient, index } = patientOf(workload, worker);
    const consentId = granted[index]?.pop();
    if (consentId === undefined) throw new WorkerDone();
    const action = await patient.sign('consent:RevokeConsent', {
      consentId,
      expectedVersion: 1,
    });
    await workload.carrier.submit('consent:RevokeConsent', [action], workload.endorsers);
  };
}

/** access:RequestAccess (submit) of a patient, endorsed by `endorsers`, expecting a permit. */
export function requestAccess(
  calls: LedgerCalls,
  options: Readonly<{ patientId: string; endorsers: readonly string[] }>,
): Operation {
  const request = treatmentRequest(options.patientId);
  return async () => {
    const { result } = await calls.submit('access:RequestAccess', [request], options.endorsers);
    if (result.decision !== 'permit') throw new Error(`access ${result.decision}, not permit`);
  };
}

/** access:CheckAccess (evaluate, on the caller's own peer), expecting a permit. */
export function checkAccess(calls: LedgerCalls, patientId: string): Operation {
  const request = treatmentRequest(patientId);
  return async () => {
    const decision = await calls.evaluate('access:CheckAccess', request);
    if (decision.decision !== 'permit') throw new Error(`access ${decision.decision}, not permit`);
  };
}

/** A record anchored by the anchoring workload, for verification and evidence. */
export interface AnchoredRecord {
  readonly recordId: string;
  /** The anchoring organization: record IDs are scoped by their owner. */
  readonly owner: string;
  readonly sha256: string;
  readonly txId: string;
}

/** records:AnchorRecord of new records of a patient; the anchors are collected in `anchored`. */
export function anchorRecord(
  calls: LedgerCalls,
  options: Readonly<{
    patientId: string;
    endorsers: readonly string[];
    anchored: AnchoredRecord[];
  }>,
): Operation {
  return async ({ seq }) => {
    const recordId = `rec-${RUN_TAG}-${String(seq)}`;
    const sha256 = sha256Hex(recordId);
    const record: RecordItem = {
      recordId,
      patientId: options.patientId,
      category: 'outpatient',
      sha256,
    };
    const { result, txId } = await calls.submit(
      'records:AnchorRecord',
      [record],
      options.endorsers,
    );
    options.anchored.push({ recordId, owner: result.owner, sha256, txId });
  };
}

/** The AnchorBatch input of `size` items, each with its own salt (built once per operation). */
export function batchInput(batchId: string, size: number, patientId: string): BatchInput {
  const items = Array.from({ length: size }, (_, i): BatchItem => {
    const recordId = `${batchId}-${String(i)}`;
    return {
      recordId,
      patientId,
      category: 'imaging',
      sha256: sha256Hex(recordId),
      salt: newSalt(),
    };
  });
  return { batchId, items };
}

/** records:AnchorBatch of `size` salted hashes; its units are the hashes. */
export function anchorBatch(
  calls: LedgerCalls,
  options: Readonly<{ size: number; patientId: string; endorsers: readonly string[] }>,
): Operation {
  return async ({ seq }) => {
    const batchId = `bat-${RUN_TAG}-${String(options.size)}-${String(seq)}`;
    await calls.submit(
      'records:AnchorBatch',
      [batchInput(batchId, options.size, options.patientId)],
      options.endorsers,
    );
    return options.size;
  };
}

/** records:VerifyRecord (latest version) of anchored records, expecting a match. */
export function verifyRecord(calls: LedgerCalls, anchored: readonly AnchoredRecord[]): Operation {
  return async ({ seq }) => {
    const record = anchored[seq % anchored.length];
    if (record === undefined) throw new Error('no anchored record to verify');
    const result = await calls.evaluate(
      'records:VerifyRecord',
      record.recordId,
      record.sha256,
      '',
      record.owner,
    );
    if (!result.verified) throw new Error(`record ${record.recordId} not verified`);
  };
}

/** audit:QueryAccessEvents, one page of 100, expecting a full page. */
export function auditQuery(
  calls: LedgerCalls,
  query: (seq: number) => AccessEventQuery,
): Operation {
  return async ({ seq }) => {
    const page = await calls.evaluate('audit:QueryAccessEvents', { ...query(seq), pageSize: 100 });
    if (page.items.length === 0) throw new Error('empty audit page');
    return 1;
  };
}
