import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { marshalText } from '../ledger/marshal';

/**
 * X.509 enrollment certificates as a Fabric CA issues them (ECDSA P-256, OU=client, the
 * attributes JSON in extension 1.2.3.4.5.6.7.8.1), built with a minimal DER encoder, so that tests
 * run fabric-shim's real ClientIdentity over them. Only for tests.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), length(content.length), content]);
}

const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const printable = (text: string): Buffer => tlv(0x13, Buffer.from(text, 'ascii'));
const octets = (content: Buffer): Buffer => tlv(0x04, content);
const bits = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.of(0), content]));
const utcTime = (text: string): Buffer => tlv(0x17, Buffer.from(text, 'ascii'));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);

function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const body: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) chunk.unshift((value & 0x7f) | 0x80);
    body.push(...chunk);
  }
  return tlv(0x06, Buffer.from(body));
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));
const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

function attribute(type: string, value: Buffer): Buffer {
  return set(sequence(oid(type), value));
}

let signingKey: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
let serial = 1;

/** What a test certificate says. */
export interface CertificateSubject {
  readonly mspId: string;
  /** Common name of the subject (unique within the MSP). */
  readonly commonName: string;
  /** Fabric CA attributes (`role`, `patientId`, `practitionerId`, ...). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** A PEM certificate for a subject, issued by `ca.<mspId>`. */
export function issueCertificate(subject: CertificateSubject): string {
  signingKey ??= generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const issuer = sequence(
    attribute('2.5.4.6', printable('CN')),
    attribute('2.5.4.10', utf8(subject.mspId)),
    attribute('2.5.4.3', utf8(`ca.${subject.mspId.toLowerCase()}`)),
  );
  const name = sequence(
    attribute('2.5.4.11', utf8('client')),
    attribute('2.5.4.3', utf8(subject.commonName)),
  );
  const extensions =
    Object.keys(subject.attributes).length === 0
      ? []
      : [
          explicit(
            3,
            sequence(
              sequence(
                oid(FABRIC_ATTRIBUTES_OID),
                octets(Buffer.from(marshalText({ attrs: subject.attributes }), 'utf8')),
              ),
            ),
          ),
        ];
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial++),
    ECDSA_WITH_SHA256,
    issuer,
    sequence(utcTime('250101000000Z'), utcTime('450101000000Z')),
    name,
    signingKey.publicKey.export({ type: 'spki', format: 'der' }),
    ...extensions,
  );
  const signature = sign('sha256', tbs, signingKey.privateKey);
  const der = sequence(tbs, ECDSA_WITH_SHA256, bits(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
