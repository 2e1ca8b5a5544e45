import { X509Certificate, verify } from 'node:crypto';

/** An organization's certificate authorities, from the channel configuration. */
export interface MspCertificates {
  readonly roots: readonly string[];
  readonly intermediates: readonly string[];
}

/** Why a certificate is not accepted as a member of an MSP, or undefined when it is. */
export function certificateProblem(
  pem: string,
  authorities: MspCertificates | undefined,
  at: Date | undefined,
): string | undefined {
  if (authorities === undefined) return 'no CA certificates for this MSP in the bundle';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return 'the certificate does not parse';
  }
  if (at !== undefined && (at < certificate.validFromDate || at > certificate.validToDate)) {
    return `the certificate was not valid at ${at.toISOString()}`;
  }
  const parse = (pems: readonly string[]): X509Certificate[] =>
    pems.flatMap((each) => {
      try {
        return [new X509Certificate(each)];
      } catch {
        return [];
      }
    });
  const roots = parse(authorities.roots);
  const intermediates = parse(authorities.intermediates);
  let current = certificate;
  for (let depth = 0; depth < 8; depth += 1) {
    const issuedBy = (ca: X509Certificate): boolean =>
      current.checkIssued(ca) && current.verify(ca.publicKey);
    if (roots.some(issuedBy)) return undefined;
    const next = intermediates.find(issuedBy);
    if (next === undefined) break;
    current = next;
  }
  return 'the certificate does not chain to the MSP’s CA';
}

/** Whether an ECDSA (or other) signature over data verifies with a certificate's public key. */
export function signatureHolds(pem: string, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, new X509Certificate(pem).publicKey, signature);
  } catch {
    return false;
  }
}

/** The SHA-256 fingerprint of a PEM certificate, lowercase hex without colons. */
export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
}
