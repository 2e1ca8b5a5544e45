import { createHash } from 'node:crypto';
import type { BatchResult, VerifyResult } from '@consent-ledger/ledger-api';
import {
  consentFor,
  patientIdOf,
  startRun,
  type ScenarioOptions,
  type ScenarioResult,
} from '../scenario-kit.ts';

/** A wearable reading as the device uploads it; only its SHA-256 reaches the ledger. */
export interface WearableReading {
  readonly recordId: string;
  readonly measuredAt: string;
  readonly heartRate: number;
  readonly steps: number;
}

/** IDs of the wearable scenario. */
export interface WearableIds {
  readonly patientId: string;
  readonly unconsentedPatientId: string;
  readonly consentId: string;
  readonly batchId: string;
  readonly root: string;
  readonly readings: readonly WearableReading[];
  /** The status of each refused anchoring (no consent, a non-wearable category, after revocation). */
  readonly refusals: Readonly<Record<'noConsent' | 'notWearable' | 'revoked', number>>;
  readonly usernames: Readonly<Record<'patient' | 'maker' | 'clinician', string>>;
}

/** SHA-256 (hex) of a reading's JSON. */
export function readingDigest(reading: WearableReading): string {
  return createHash('sha256').update(JSON.stringify(reading)).digest('hex');
}

/**
 * Wearable data (paper 004, §3.1 (3); paper 000, §3.2): a device maker anchors batches of a
 * patient's readings, hashes only, under the patient's wearable consent; a clinician at the
 * patient's hospital verifies a reading; without consent the maker's anchoring is refused.
 */
export async function wearableScenario(
  options: Readonly<ScenarioOptions>,
): Promise<ScenarioResult<WearableIds>> {
  const run = startRun({
    ...options,
    name: 'wearable',
    title: 'Wearable readings anchored by a device maker',
    summary:
      "A device maker fingerprints a patient's readings on the ledger only while the patient consents; the patient's own hospital checks a reading against it.",
  });
  run.step(
    'The community hospital registers two patients, each with a key on their own device, and has a clinician; the device maker (an enterprise) has an analyst.',
  );
  const patient = await run.patient('community', 'wear-pt');
  const other = await run.patient('community', 'wear-pt2');
  const clinician = await run.user('community', 'clinician', 'wear-doc');
  const maker = await run.user('enterprise', 'analyst', 'wear-maker');
  const patientId = patientIdOf(patient);
  const unconsentedPatientId = patientIdOf(other);

  run.step('The patient signs a consent: the device maker may handle their wearable data.');
  const consent = await run.grant(
    patient,
    consentFor('enterprise', 'analyst', { purposes: ['treatment'], categories: ['wearable'] }),
  );

  const start = Date.now() - 3 * 3_600_000;
  const tag = consent.consentId.slice(4, 12);
  const readings: WearableReading[] = Array.from({ length: 6 }, (_, index) => ({
    recordId: `wear-${tag}-${String(index)}`,
    measuredAt: new Date(start + index * 1_800_000).toISOString(),
    heartRate: 64 + ((index * 7) % 19),
    steps: 400 * index,
  }));
  const items = readings.map((reading) => ({
    recordId: reading.recordId,
    patientId,
    category: 'wearable',
    sha256: readingDigest(reading),
  }));
  run.step(
    `The device maker anchors a batch of ${String(readings.length)} readings: their SHA-256 fingerprints, each salted, as one Merkle root; no reading itself.`,
  );
  const batch = await maker.gateway.call<BatchResult>('POST', '/records/batches', {
    token: maker.token,
    body: { items },
  });
  run.evidence({ batchId: batch.batchId, txId: batch.txId, detail: `root ${batch.root}` });
  run.check(
    batch.size === readings.length,
    `the batch holds the ${String(readings.length)} readings`,
  );

  run.step(
    'The patient signs another consent: community clinicians may read their wearable data for treatment.',
  );
  await run.grant(
    patient,
    consentFor('community', 'clinician', { purposes: ['treatment'], categories: ['wearable'] }),
  );
  await run.access("The community clinician asks to read the patient's wearable data.", {
    user: clinician,
    question: { patientId, purpose: 'treatment', categories: ['wearable'] },
    expected: 'permit',
    expectedReason: 'PERMITTED_BY_CONSENT',
  });

  const index = 3;
  const reading = readings[index];
  const proof = batch.proofs[index];
  if (reading === undefined || proof === undefined) throw new Error('the batch lost a reading');
  const batchProof = {
    batchId: batch.batchId,
    patientId,
    category: 'wearable',
    salt: proof.salt,
    leafIndex: proof.leafIndex,
    auditPath: proof.auditPath,
  };
  run.step(
    `The clinician checks reading ${reading.recordId} (heart rate ${String(reading.heartRate)}) with the proof the device maker handed out.`,
  );
  const verified = await clinician.gateway.call<VerifyResult>('POST', '/records/verify', {
    token: clinician.token,
    body: { recordId: reading.recordId, sha256: readingDigest(reading), batchProof },
  });
  run.evidence({ status: verified.reason, batchId: batch.batchId, txId: batch.txId });
  run.check(verified.verified, 'the reading matches the anchored batch');
  run.step('A copy with the heart rate changed is checked the same way.');
  const tampered = await clinician.gateway.call<VerifyResult>('POST', '/records/verify', {
    token: clinician.token,
    body: {
      recordId: reading.recordId,
      sha256: readingDigest({ ...reading, heartRate: reading.heartRate + 30 }),
      batchProof,
    },
  });
  run.evidence({ status: tampered.reason });
  run.check(!tampered.verified, 'the altered reading does not verify');

  const refuse = async (text: string, body: unknown): Promise<number> => {
    run.step(text);
    const response = await maker.gateway.request<{ code?: string; message?: string }>(
      'POST',
      '/records/batches',
      { token: maker.token, body },
    );
    run.evidence({
      status: `${String(response.status)} ${response.body.code ?? ''}`.trim(),
      detail: response.body.message ?? '',
    });
    run.check(response.status === 403, 'refused (403 FORBIDDEN), nothing anchored');
    return response.status;
  };
  const noConsent = await refuse(
    'The device maker tries to anchor readings of a patient who never consented.',
    { items: [{ ...items[0], recordId: `wear-${tag}-x0`, patientId: unconsentedPatientId }] },
  );
  const notWearable = await refuse(
    'The device maker tries to anchor a laboratory result of the consenting patient.',
    { items: [{ ...items[0], recordId: `wear-${tag}-x1`, category: 'laboratory' }] },
  );

  run.step('The patient revokes the wearable consent.');
  await run.revoke(patient, consent.consentId);
  const afterRevocation = await refuse(
    'The device maker tries to anchor the next batch of readings.',
    { items: [{ ...items[0], recordId: `wear-${tag}-x2` }] },
  );

  return run.result({
    patientId,
    unconsentedPatientId,
    consentId: consent.consentId,
    batchId: batch.batchId,
    root: batch.root,
    readings,
    refusals: { noConsent, notWearable, revoked: afterRevocation },
    usernames: { patient: patient.username, maker: maker.username, clinician: clinician.username },
  });
}
