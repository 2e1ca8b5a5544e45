import { randomBytes, sign } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHeader } from './block-checks.ts';
import { headerBytes } from './block-hash.ts';
import { parseBundle, type EvidenceBundle, type HeaderJson } from './bundle.ts';
import { fingerprint } from './identity.ts';
import { certificateMaker, type CertificateMaker, type Identity } from './testing/certificates.ts';
import { ordererSignatureCheck, verifyBundle, type CheckResult } from './verify-bundle.ts';

/** A signer of block metadata: its MSP ID and identity. */
interface Signer {
  readonly mspId: string;
  readonly identity: Identity;
}

const header: HeaderJson = {
  number: '188',
  previousHash: 'aed76b7195066e9cc3cdcbac9c4043499f906cfda5446394b87da917cb85cd5d',
  dataHash: '213bc52f303f449bcf31a720f11416bb74479dbbf28365b641264c1312abb569',
};

/**
 * Block metadata [SIGNATURES] as a Fabric 2.5 orderer writes it (blockwriter.go
 * addBlockSignature): each signature over `value ‖ signatureHeader ‖ BlockHeaderBytes(header)`.
 */
function signedMetadata(signers: readonly Signer[], signedHeader: HeaderJson = header): string {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(3);
  const value = new common.OrdererBlockMetadata();
  value.setLastConfig(lastConfig);
  const valueBytes = value.serializeBinary();
  const metadata = new common.Metadata();
  metadata.setValue(valueBytes);
  for (const signer of signers) {
    const creator = new msp.SerializedIdentity();
    creator.setMspid(signer.mspId);
    creator.setIdBytes(Buffer.from(signer.identity.cert));
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(creator.serializeBinary());
    signatureHeader.setNonce(randomBytes(24));
    const signatureHeaderBytes = signatureHeader.serializeBinary();
    const signature = new common.MetadataSignature();
    signature.setSignatureHeader(signatureHeaderBytes);
    signature.setSignature(
      sign(
        'sha256',
        Buffer.concat([valueBytes, signatureHeaderBytes, headerBytes(toHeader(signedHeader))]),
        signer.identity.key,
      ),
    );
    metadata.addSignatures(signature);
  }
  return Buffer.from(metadata.serializeBinary()).toString('base64');
}

describe('orderer signatures on the block', () => {
  let ordererCa: Identity;
  let orderer: Identity;
  let intermediate: Identity;
  let ordererViaIntermediate: Identity;
  let rogue: Identity;
  let appCa: Identity;
  let appPeer: Identity;
  let ordererCertificates: NonNullable<EvidenceBundle['ordererCertificates']>;
  let certificates: EvidenceBundle['certificates'];

  let maker: CertificateMaker;

  beforeAll(() => {
    maker = certificateMaker('orderer-signature-');
    const { rootCa, issued } = maker;
    ordererCa = rootCa('orderer-ca');
    orderer = issued('orderer0', 'orderer-ca');
    intermediate = issued('orderer-ica', 'orderer-ca', true);
    ordererViaIntermediate = issued('orderer1', 'orderer-ica');
    rootCa('rogue-ca');
    rogue = issued('rogue-orderer', 'rogue-ca');
    appCa = rootCa('app-ca');
    appPeer = issued('peer0', 'app-ca');
    ordererCertificates = { OrdererMSP: { roots: [ordererCa.cert], intermediates: [] } };
    certificates = { AppMSP: { roots: [appCa.cert], intermediates: [] } };
  });

  afterAll(() => {
    maker.dispose();
  });

  const check = (
    metadataSignatures: string | undefined,
    options: {
      header?: HeaderJson;
      at?: Date;
      orderers?: EvidenceBundle['ordererCertificates'];
    } = {},
  ): CheckResult =>
    ordererSignatureCheck({
      header: options.header ?? header,
      metadataSignatures,
      ordererCertificates: 'orderers' in options ? options.orderers : ordererCertificates,
      at: options.at ?? new Date(),
    });

  it('passes with an orderer’s valid signature over the header', () => {
    const result = check(signedMetadata([{ mspId: 'OrdererMSP', identity: orderer }]));
    expect(result).toEqual({
      name: 'orderer-signature',
      ok: true,
      detail: 'block 188 signed by an orderer of OrdererMSP',
    });
  });

  it('passes with a signer whose certificate chains through an intermediate CA', () => {
    const signed = signedMetadata([{ mspId: 'OrdererMSP', identity: ordererViaIntermediate }]);
    expect(check(signed).ok).toBe(false);
    const withIntermediate = {
      OrdererMSP: { roots: [ordererCa.cert], intermediates: [intermediate.cert] },
    };
    expect(check(signed, { orderers: withIntermediate }).ok).toBe(true);
  });

  it('fails when a bit of the header’s previousHash or number changed', () => {
    const signed = signedMetadata([{ mspId: 'OrdererMSP', identity: orderer }]);
    const previous = Buffer.from(header.previousHash, 'hex');
    previous[5] = (previous[5] ?? 0) ^ 0x01;
    const flipped = check(signed, {
      header: { ...header, previousHash: previous.toString('hex') },
    });
    expect(flipped.ok).toBe(false);
    expect(flipped.detail).toBe('signature 0 by OrdererMSP: the signature does not verify');
    expect(check(signed, { header: { ...header, number: '189' } }).ok).toBe(false);
  });

  it('fails with a signer whose certificate chains to another CA', () => {
    const result = check(signedMetadata([{ mspId: 'OrdererMSP', identity: rogue }]));
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(
      'signature 0 by OrdererMSP: the certificate does not chain to the MSP’s CA',
    );
  });

  it('fails with an application organization’s signer', () => {
    const result = check(signedMetadata([{ mspId: 'AppMSP', identity: appPeer }]));
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('signature 0 by AppMSP: not an orderer organization of the bundle');
    // Nor by a name inherited from Object.prototype.
    const inherited = check(signedMetadata([{ mspId: 'constructor', identity: orderer }]));
    expect(inherited.detail).toBe(
      'signature 0 by constructor: not an orderer organization of the bundle',
    );
  });

  it('fails when the signer’s certificate was not valid at the transaction’s time', () => {
    const result = check(signedMetadata([{ mspId: 'OrdererMSP', identity: orderer }]), {
      at: new Date('2001-01-01T00:00:00Z'),
    });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/not valid at 2001-01-01T00:00:00\.000Z/);
  });

  it('fails without any signature, or on metadata that does not decode', () => {
    expect(check(signedMetadata([]))).toEqual({
      name: 'orderer-signature',
      ok: false,
      detail: 'the block has no orderer signatures',
    });
    expect(check(Buffer.from('ff', 'hex').toString('base64')).ok).toBe(false);
  });

  it('passes when any one signature verifies, naming the ones ignored', () => {
    const result = check(
      signedMetadata([
        { mspId: 'OrdererMSP', identity: rogue },
        { mspId: 'OrdererMSP', identity: orderer },
      ]),
    );
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('ignored: signature 0 by OrdererMSP');
  });

  it('is skipped, passing, without orderer certificates or without signatures', () => {
    const signed = signedMetadata([{ mspId: 'OrdererMSP', identity: orderer }]);
    expect(check(signed, { orderers: undefined })).toEqual({
      name: 'orderer-signature',
      ok: true,
      detail: 'skipped (the bundle has no orderer CA certificates)',
    });
    expect(check(undefined)).toEqual({
      name: 'orderer-signature',
      ok: true,
      detail: 'skipped (the bundle has no block signatures)',
    });
  });

  describe('in a bundle', () => {
    const bundleJson = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      version: 1,
      channel: 'health',
      chaincode: 'consent-ledger',
      subject: { kind: 'access-event', eventId: 'evt-1' },
      transaction: { txId: 'tx-1', envelope: '' },
      block: {
        header,
        data: [''],
        metadataSignatures: signedMetadata([{ mspId: 'OrdererMSP', identity: orderer }]),
      },
      certificates,
      endorsementPolicy: { outOf: 1, orgs: ['AppMSP'] },
      ...extra,
    });
    const named = (checks: readonly CheckResult[], name: string): CheckResult | undefined =>
      checks.find((each) => each.name === name);

    it('parses a bundle without ordererCertificates and skips the check', () => {
      const bundle = parseBundle(bundleJson());
      expect(bundle.ordererCertificates).toBeUndefined();
      expect(named(verifyBundle(bundle).checks, 'orderer-signature')).toEqual({
        name: 'orderer-signature',
        ok: true,
        detail: 'skipped (the bundle has no orderer CA certificates)',
      });
    });

    it('checks the signature after validation-code', () => {
      const bundle = parseBundle(bundleJson({ ordererCertificates }));
      const { checks } = verifyBundle(bundle);
      const names = checks.map((each) => each.name);
      expect(names.indexOf('orderer-signature')).toBe(names.indexOf('validation-code') + 1);
      expect(named(checks, 'orderer-signature')?.ok).toBe(true);
      const tampered = structuredClone(bundle);
      tampered.block.header.dataHash = 'ab'.repeat(32);
      expect(named(verifyBundle(tampered).checks, 'orderer-signature')?.ok).toBe(false);
    });

    it('rejects malformed ordererCertificates', () => {
      expect(() =>
        parseBundle(bundleJson({ ordererCertificates: { OrdererMSP: { roots: [] } } })),
      ).toThrow(/ordererCertificates\.OrdererMSP/);
    });

    it('requires a checkpoint that pins MSPs to pin the orderer roots too', () => {
      const bundle = parseBundle(bundleJson({ ordererCertificates }));
      const trust = {
        version: 1 as const,
        channel: 'health',
        number: '188',
        headerHash: '00'.repeat(32),
        msps: { AppMSP: [fingerprint(appCa.cert)] },
      };
      expect(named(verifyBundle(bundle, { trust }).checks, 'pinned-certificates')).toEqual({
        name: 'pinned-certificates',
        ok: false,
        detail: 'root CAs not pinned by the checkpoint: OrdererMSP',
      });
      const both = { ...trust, msps: { ...trust.msps, OrdererMSP: [fingerprint(ordererCa.cert)] } };
      expect(named(verifyBundle(bundle, { trust: both }).checks, 'pinned-certificates')?.ok).toBe(
        true,
      );
    });
  });
});
