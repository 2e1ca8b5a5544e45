import { hash } from 'node:crypto';

/** A block header as Fabric hashes it. */
export interface BlockHeader {
  readonly number: bigint;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derElement(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(content.length), content]);
}

/** DER INTEGER content of a non-negative integer: minimal big-endian two's complement. */
export function derUnsignedInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('a block number is never negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  const first = bytes[0] ?? 0;
  return first >= 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes;
}

/**
 * The ASN.1 DER encoding Fabric hashes for a block header (protoutil.BlockHeaderBytes):
 * `SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }`.
 */
export function headerBytes(header: Readonly<BlockHeader>): Buffer {
  return derElement(
    0x30,
    Buffer.concat([
      derElement(0x02, derUnsignedInteger(header.number)),
      derElement(0x04, header.previousHash),
      derElement(0x04, header.dataHash),
    ]),
  );
}

/** A block's hash (what the next block's previousHash holds): SHA-256 of {@link headerBytes}. */
export function headerHash(header: Readonly<BlockHeader>): Buffer {
  return hash('sha256', headerBytes(header), 'buffer');
}

/** A block's data hash (protoutil.ComputeBlockDataHash): SHA-256 of all envelopes, concatenated. */
export function dataHash(envelopes: readonly Uint8Array[]): Buffer {
  return hash('sha256', Buffer.concat(envelopes), 'buffer');
}

/** SHA-256 of bytes, in hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}
