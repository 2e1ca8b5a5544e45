import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataHash, derUnsignedInteger, headerBytes, headerHash } from './block-hash.ts';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

describe('block header hash', () => {
  it('matches a Fabric 2.5 peer: block 186 hashes to block 187’s previousHash', () => {
    // Read from the development network's channel `health` through qscc.
    const header = {
      number: 186n,
      previousHash: hex('aed76b7195066e9cc3cdcbac9c4043499f906cfda5446394b87da917cb85cd5d'),
      dataHash: hex('213bc52f303f449bcf31a720f11416bb74479dbbf28365b641264c1312abb569'),
    };
    expect(headerHash(header).toString('hex')).toBe(
      'b7e6deb7c9de778d2537b3e9abd7b6e0b40ed868846f52604ab5346df0917980',
    );
  });

  it('encodes SEQUENCE { INTEGER, OCTET STRING, OCTET STRING } in DER', () => {
    const bytes = headerBytes({ number: 0n, previousHash: Buffer.alloc(0), dataHash: hex('ab') });
    expect(bytes.toString('hex')).toBe('3008' + '020100' + '0400' + '0401ab');
  });

  it('encodes block numbers as minimal non-negative DER integers', () => {
    expect(derUnsignedInteger(0n).toString('hex')).toBe('00');
    expect(derUnsignedInteger(127n).toString('hex')).toBe('7f');
    expect(derUnsignedInteger(128n).toString('hex')).toBe('0080');
    expect(derUnsignedInteger(256n).toString('hex')).toBe('0100');
    expect(derUnsignedInteger(2n ** 64n - 1n).toString('hex')).toBe('00ffffffffffffffff');
    expect(() => derUnsignedInteger(-1n)).toThrow(RangeError);
  });

  it('uses long-form lengths above 127 bytes', () => {
    const bytes = headerBytes({
      number: 1n,
      previousHash: Buffer.alloc(200, 7),
      dataHash: Buffer.alloc(32, 9),
    });
    expect(bytes.subarray(0, 3).toString('hex')).toBe('3081f0');
    expect(bytes.subarray(6, 9).toString('hex')).toBe('0481c8');
    expect(bytes).toHaveLength(3 + 0xf0);
  });
});

describe('block data hash', () => {
  it('is SHA-256 of the envelopes concatenated', () => {
    const envelopes = [Buffer.from('first'), Buffer.from('second')];
    expect(dataHash(envelopes).toString('hex')).toBe(
      createHash('sha256').update('firstsecond').digest('hex'),
    );
  });
});
