import { describe, expect, it } from 'vitest';
import { createInMemoryLedger } from '../testing/in-memory-ledger';
import { deriveId, sha256Hex } from './ids';
import { INDEX_VALUE, KEY_SPACES, KEY_TYPES, stateKey, versionAttribute } from './keys';
import { marshal, marshalText, unmarshal } from './marshal';

describe('keys, IDs and marshalling', () => {
  const stub = createInMemoryLedger().simulate({
    txId: 't',
    timestamp: '2026-11-22T00:00:00.000Z',
    creator: { mspid: 'M', idBytes: Buffer.alloc(0) },
    args: [],
  }).stub;

  it('builds composite keys of the documented types', () => {
    expect(stateKey(stub, ['consentByPatient', 'pid-a', 'TertiaryHospitalMSP', 'con-1'])).toBe(
      '\u0000con~pat\u0000pid-a\u0000TertiaryHospitalMSP\u0000con-1\u0000',
    );
    expect(new Set(Object.values(KEY_TYPES)).size).toBe(Object.keys(KEY_TYPES).length);
    for (const type of Object.values(KEY_TYPES)) expect(type).toMatch(/^[a-z]+(~[a-z]+)?$/);
    expect(INDEX_VALUE).toEqual(Uint8Array.of(0));
    // Everything about a patient is private; only the registry, notices, anchors, batches, the
    // consent request limits and research thresholds are public. Cohort refusals (a study and its
    // rule, never a patient) are the institute's and the regulator's.
    expect(
      Object.entries(KEY_SPACES)
        .filter(([, space]) => space === 'public')
        .map(([type]) => type),
    ).toEqual([
      'organization',
      'notice',
      'record',
      'recordVersion',
      'recordByHash',
      'batch',
      'requestLimits',
      'researchThreshold',
    ]);
    expect(Object.keys(KEY_SPACES).sort()).toEqual(Object.keys(KEY_TYPES).sort());
    expect(versionAttribute(12)).toBe('0000000012');
    expect([versionAttribute(9), versionAttribute(10)].sort()).toEqual([
      '0000000009',
      '0000000010',
    ]);
  });

  it('derives IDs from the transaction ID and salt: prefix + 24 hex of sha256(txId:n:salt)', () => {
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    expect(deriveId({ prefix: 'con', txId: 'tx1', n: 0, salt })).toBe(
      `con-${sha256Hex(`tx1:0:${salt}`).slice(0, 24)}`,
    );
    expect(deriveId({ prefix: 'evt', txId: 'tx1', n: 1, salt })).not.toBe(
      deriveId({ prefix: 'evt', txId: 'tx1', n: 0, salt }),
    );
    expect(deriveId({ prefix: 'evt', txId: 'tx1', n: 0, salt: 'B'.repeat(22) })).not.toBe(
      deriveId({ prefix: 'evt', txId: 'tx1', n: 0, salt }),
    );
    expect(deriveId({ prefix: 'ref', txId: 'tx1', n: 0, salt })).toMatch(/^ref-[0-9a-f]{24}$/);
  });

  it('marshals to sorted-key JSON without undefined fields, and back', () => {
    const value = { z: 1, a: [{ y: true, b: null }], m: undefined, n: 'é' };
    expect(marshalText(value)).toBe('{"a":[{"b":null,"y":true}],"n":"é","z":1}');
    expect(marshal(value)).toEqual(
      Buffer.from('{"a":[{"b":null,"y":true}],"n":"é","z":1}', 'utf8'),
    );
    expect(unmarshal(marshal(value))).toEqual({ z: 1, a: [{ y: true, b: null }], n: 'é' });
    expect(marshalText({ b: 1, a: 2 })).toBe(marshalText({ a: 2, b: 1 }));
  });
});
