import { createHash, randomBytes } from 'node:crypto';
import {
  decodeResult,
  encodeArguments,
  type AccessEventQuery,
  type AccessRequest,
  type BatchInput,
  type ConsentInput,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import type { Contract } from '@hyperledger/fabric-gateway';
import type { Operation } from './load.ts';

/**
 * The workloads: what one operation does, against which contract, with which inputs. Inputs are
 * unique per operation where the ledger requires it (record and batch IDs), and chosen so that
 * concurrent operations do not read what others write (no MVCC conflicts by design): grants by one
 * patient touch only new keys; access requests read one patient's consents, which nobody changes
 * while they run; revocations each revoke a different consent.
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

/** baseline:Put of a new key with a 100-byte value. */
export function baselinePut(baseline: Contract): Operation {
  const value = 'v'.repeat(100);
  return async ({ seq }) => {
    await baseline.submitTransaction('Put', `put-${RUN_TAG}-${String(seq)}`, value);
  };
}

/** baseline:Get of keys written beforehand. */
export function baselineGet(baseline: Contract, keys: readonly string[]): Operation {
  return async ({ seq }) => {
    const key = keys[seq % keys.length] ?? '';
    const value = decodeResult('baseline:Get', await baseline.evaluateTransaction('Get', key));
    if (value === '') throw new Error(`baseline key ${key} is empty`);
  };
}

/** consent:GrantConsent by a patient; the consent IDs granted are collected. */
export function grantConsent(consent: Contract, granteeOrg: string, granted: string[]): Operation {
  const args = encodeArguments([treatmentConsent(granteeOrg)]);
  return async () => {
    const result = decodeResult(
      'consent:GrantConsent',
      await consent.submitTransaction('GrantConsent', ...args),
    );
    granted.push(result.consentId);
  };
}

/** consent:RevokeConsent of consents granted beforehand, each once. */
export function revokeConsent(consent: Contract, granted: string[]): Operation {
  return async () => {
    const consentId = granted.pop();
    if (consentId === undefined) throw new Error('no consent left to revoke');
    await consent.submitTransaction('RevokeConsent', consentId);
  };
}

/** access:RequestAccess (submit), expecting a permit. */
export function requestAccess(access: Contract, patientId: string): Operation {
  const args = encodeArguments([treatmentRequest(patientId)]);
  return async () => {
    const event = decodeResult(
      'access:RequestAccess',
      await access.submitTransaction('RequestAccess', ...args),
    );
    if (event.decision !== 'permit') throw new Error(`access ${event.decision}, not permit`);
  };
}

/** access:CheckAccess (evaluate), expecting a permit. */
export function checkAccess(access: Contract, patientId: string): Operation {
  const args = encodeArguments([treatmentRequest(patientId)]);
  return async () => {
    const decision = decodeResult(
      'access:CheckAccess',
      await access.evaluateTransaction('CheckAccess', ...args),
    );
    if (decision.decision !== 'permit') throw new Error(`access ${decision.decision}, not permit`);
  };
}

/** A record anchored by the anchoring workload, for verification and evidence. */
export interface AnchoredRecord {
  readonly recordId: string;
  readonly sha256: string;
  readonly txId: string;
}

/** records:AnchorRecord of new records; the anchors are collected. */
export function anchorRecord(
  records: Contract,
  patientId: string,
  anchored: AnchoredRecord[],
): Operation {
  return async ({ seq }) => {
    const recordId = `rec-${RUN_TAG}-${String(seq)}`;
    const sha256 = sha256Hex(recordId);
    const record: RecordItem = { recordId, patientId, category: 'outpatient', sha256 };
    const proposal = records.newProposal('AnchorRecord', { arguments: encodeArguments([record]) });
    const transaction = await proposal.endorse();
    const commit = await transaction.submit();
    const status = await commit.getStatus();
    if (!status.successful) {
      const error = new Error(`transaction ${status.transactionId} failed: ${String(status.code)}`);
      Object.assign(error, { name: 'CommitError', code: status.code });
      throw error;
    }
    anchored.push({ recordId, sha256, txId: status.transactionId });
  };
}

/** The AnchorBatch arguments of `size` items (built once per operation). */
export function batchInput(batchId: string, size: number, patientId: string): string[] {
  const items = Array.from({ length: size }, (_, i): RecordItem => {
    const recordId = `${batchId}-${String(i)}`;
    return { recordId, patientId, category: 'imaging', sha256: sha256Hex(recordId) };
  });
  const batch: BatchInput = { batchId, items };
  return encodeArguments([batch]);
}

/** records:AnchorBatch of `size` hashes; its units are the hashes. */
export function anchorBatch(records: Contract, size: number, patientId: string): Operation {
  return async ({ seq }) => {
    const batchId = `bat-${RUN_TAG}-${String(size)}-${String(seq)}`;
    await records.submitTransaction('AnchorBatch', ...batchInput(batchId, size, patientId));
    return size;
  };
}

/** records:VerifyRecord of anchored records, expecting a match. */
export function verifyRecord(records: Contract, anchored: readonly AnchoredRecord[]): Operation {
  return async ({ seq }) => {
    const record = anchored[seq % anchored.length];
    if (record === undefined) throw new Error('no anchored record to verify');
    const result = decodeResult(
      'records:VerifyRecord',
      await records.evaluateTransaction('VerifyRecord', record.recordId, record.sha256),
    );
    if (!result.verified) throw new Error(`record ${record.recordId} not verified`);
  };
}

/** audit:QueryAccessEvents, one page of 100, expecting a full page. */
export function auditQuery(audit: Contract, query: (seq: number) => AccessEventQuery): Operation {
  return async ({ seq }) => {
    const page = decodeResult(
      'audit:QueryAccessEvents',
      await audit.evaluateTransaction(
        'QueryAccessEvents',
        ...encodeArguments([{ ...query(seq), pageSize: 100 }]),
      ),
    );
    if (page.items.length === 0) throw new Error('empty audit page');
    return 1;
  };
}
