import { describe, expect, it } from 'vitest';
import { verifySignedAction } from '@consent-ledger/ledger-api';
import {
  CHECKS_PER_OPERATION,
  checkStatement,
  publicKeyOf,
  signatureOperation,
  signedSample,
  verifySignature,
} from './signature.ts';

describe('signature check micro-benchmark', () => {
  it('verifies a statement signed by the patient client exactly as WebCrypto does', async () => {
    const sample = await signedSample();
    expect(await verifySignedAction(sample.action, sample.publicKey)).toBe(true);
    expect(checkStatement(sample)).toBe(true);
    expect(verifySignature(sample, publicKeyOf(sample.publicKey))).toBe(true);
  });

  it('refuses an altered statement, a non-canonical one and another key', async () => {
    const sample = await signedSample();
    const other = await signedSample();
    const altered = {
      ...sample.action,
      statement: sample.action.statement.replace('treatment', 'research'),
    };
    expect(checkStatement({ ...sample, action: altered })).toBe(false);
    const spaced = { ...sample.action, statement: ` ${sample.action.statement}` };
    expect(checkStatement({ ...sample, action: spaced })).toBe(false);
    expect(checkStatement({ ...sample, publicKey: other.publicKey })).toBe(false);
  });

  it('counts one unit per check', async () => {
    const sample = await signedSample();
    await expect(
      signatureOperation(() => checkStatement(sample))({ worker: 0, seq: 0 }),
    ).resolves.toBe(CHECKS_PER_OPERATION);
    await expect(signatureOperation(() => false)({ worker: 0, seq: 0 })).rejects.toThrow(
      'did not verify',
    );
  });
});
