import { openResult, resultIv, resultKey, valueSalt } from '@consent-ledger/ledger-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, consentInput, patientClient, registerPatient, who } from '../testing/fixtures';
import { createTestNetwork, saltOf, type TestNetwork } from '../testing/harness';
import { sealResult } from './sealed-result';

describe('sealed results', () => {
  let network: TestNetwork;

  beforeAll(async () => {
    network = createTestNetwork({ start: '2026-12-06T08:00:00.000Z' });
    await bootstrap(network);
  });

  it('returns a submit sealed: no plaintext, opened only with its salt and transaction ID', async () => {
    const patient = await registerPatient(network, 7);
    const result = await patientClient(network, patient).submit(
      'consent:GrantConsent',
      consentInput(),
    );
    expect(result.ok).toBe(true);
    const consent = result.json();
    // What the block records: the response payload, sealed.
    expect(result.sealed.toString('utf8')).not.toContain(patient.patientId);
    expect(result.sealed.toString('utf8')).not.toContain(consent.consentId);
    const opening = { salt: saltOf(result.txId), txId: result.txId };
    await expect(openResult('consent:GrantConsent', result.sealed, opening)).resolves.toEqual(
      consent,
    );
    await expect(
      openResult('consent:GrantConsent', result.sealed, { ...opening, txId: 'f'.repeat(64) }),
    ).rejects.toThrow();
    await expect(
      openResult('consent:GrantConsent', result.sealed, { ...opening, salt: saltOf('other') }),
    ).rejects.toThrow();
    // What the consent stores is the value salt, derived one way: it does not open the result.
    expect(consent.salt).toBe(valueSalt(opening.salt));
    expect(consent.salt).not.toBe(opening.salt);
    await expect(
      openResult('consent:GrantConsent', result.sealed, { ...opening, salt: consent.salt }),
    ).rejects.toThrow();
  });

  it('seals the same result to the same bytes on every endorser, and an empty result too', async () => {
    const opening = { salt: 'AAAAAAAAAAAAAAAAAAAAAA', txId: 'a'.repeat(64) };
    expect(sealResult({ b: 1, a: 2 }, opening)).toEqual(sealResult({ a: 2, b: 1 }, opening));
    expect(resultKey(opening.salt)).toHaveLength(32);
    expect(resultIv(opening.txId)).toHaveLength(12);
    const empty = sealResult(undefined, opening);
    expect(empty).toHaveLength(16);
    await expect(openResult('baseline:Put', empty, opening)).resolves.toBeUndefined();
  });

  it('leaves an evaluate without a salt in clear (it never reaches a block)', async () => {
    const read = await network
      .as(who.regulator, { salt: null })
      .evaluate('registry:ListOrganizations');
    expect(read.ok).toBe(true);
    expect(read.sealed.equals(read.payload)).toBe(true);
    expect(read.sealed.toString('utf8')).toContain('GovMSP');
  });
});
