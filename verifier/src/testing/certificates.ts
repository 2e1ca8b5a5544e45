import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A certificate and its private key (PEM). */
export interface Identity {
  readonly cert: string;
  readonly key: string;
}

/** Makes P-256 CAs and certificates with openssl in a temporary folder (specs only). */
export interface CertificateMaker {
  /** A self-signed root CA. */
  readonly rootCa: (name: string) => Identity;
  /** A certificate issued by `issuer` (a CA itself when `ca`). */
  readonly issued: (name: string, issuer: string, ca?: boolean) => Identity;
  /** Deletes the folder. */
  readonly dispose: () => void;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A {@link CertificateMaker} with its own temporary folder. */
export function certificateMaker(prefix = 'verifier-certificates-'): CertificateMaker {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  let serial = 1;
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const read = (name: string): Identity => ({
    cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
  });
  return {
    rootCa: (name) => {
      openssl(
        'req',
        '-x509',
        ...ecKey,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        '30',
        '-subj',
        `/O=${name}/CN=ca.${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      );
      return read(name);
    },
    issued: (name, issuer, ca = false) => {
      openssl(
        'req',
        '-new',
        ...ecKey,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name}`,
      );
      writeFileSync(
        path.join(dir, `${name}.ext`),
        ca
          ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
          : 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n',
      );
      serial += 1;
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${issuer}.pem`,
        '-CAkey',
        `${issuer}.key`,
        '-set_serial',
        String(serial),
        '-days',
        '30',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
      return read(name);
    },
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
