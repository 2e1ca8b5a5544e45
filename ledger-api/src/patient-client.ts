import { base64url, fromBase64url } from './request.ts';
import {
  buildStatement,
  keyIdOf,
  statementText,
  type ActionStatement,
  type PatientActionName,
  type SignedAction,
  type StatementOptions,
} from './signed-action.ts';

/**
 * The patient's side of signed statements, on WebCrypto, so that the same code runs in the browser
 * (a non-extractable key kept in IndexedDB) and in scripts (a key file: the demo, the end-to-end
 * tests, the benchmark). The private key never leaves the device: nothing here sends it anywhere.
 */

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * A WebCrypto key, named through `crypto.subtle` so that the type resolves with the DOM library
 * (browser builds) and with Node's own typings (the chaincode's tests) alike.
 */
export type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A patient's (or guardian's) key on this device. */
export interface PatientKey {
  /** The private key; non-extractable in the browser. */
  readonly privateKey: WebCryptoKey;
  /** SPKI DER of the public key, base64url: what the ledger binds. */
  readonly publicKey: string;
  /** Its ID ({@link keyIdOf}). */
  readonly keyId: string;
}

/**
 * Makes a new P-256 key pair. In the browser pass `extractable: false` (the default): the private
 * key can sign but can never be read out. A script that keeps its key in a file needs it
 * extractable, once, to write the file.
 */
export async function generatePatientKey(
  options: Readonly<{ extractable?: boolean }> = {},
): Promise<PatientKey> {
  const pair = await crypto.subtle.generateKey(ALGORITHM, options.extractable ?? false, [
    'sign',
    'verify',
  ]);
  return keyOf(pair.privateKey, pair.publicKey);
}

async function keyOf(privateKey: WebCryptoKey, publicKey: WebCryptoKey): Promise<PatientKey> {
  const spki = base64url(new Uint8Array(await crypto.subtle.exportKey('spki', publicKey)));
  return { privateKey, publicKey: spki, keyId: keyIdOf(spki) };
}

/** A key as a key file: PKCS#8 PEM of the private key (for scripts only; keep it 0600). */
export async function exportKeyFile(key: PatientKey): Promise<string> {
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key.privateKey));
  const body = btoa(String.fromCharCode(...pkcs8)).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${body.trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

/** A key from a key file written by {@link exportKeyFile}. */
export async function importKeyFile(pem: string): Promise<PatientKey> {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const pkcs8 = Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, ALGORITHM, true, ['sign']);
  // The public key is derived through JWK (x, y), which WebCrypto can export from a private key.
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const { d: _d, key_ops: _ops, ...publicJwk } = jwk;
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { ...publicJwk, key_ops: ['verify'] },
    ALGORITHM,
    true,
    ['verify'],
  );
  return keyOf(privateKey, publicKey);
}

/** Signs a statement's canonical text with a key. */
export async function signStatement<A extends PatientActionName>(
  statement: ActionStatement<A>,
  key: PatientKey,
): Promise<SignedAction<A>> {
  const text = statementText(statement);
  const signature = new Uint8Array(
    await crypto.subtle.sign(SIGNATURE, key.privateKey, new TextEncoder().encode(text)),
  );
  return { statement: text, signature: base64url(signature) };
}

/** Builds a statement for a key and signs it. */
export async function signAction<A extends PatientActionName>(
  key: PatientKey,
  options: Readonly<
    Omit<StatementOptions<A>, 'signer'> & { signer: Omit<StatementOptions<A>['signer'], 'keyId'> }
  >,
): Promise<SignedAction<A>> {
  const statement = buildStatement({
    ...options,
    signer: { ...options.signer, keyId: key.keyId },
  });
  return signStatement(statement, key);
}

/** Verifies a signed statement against an SPKI public key (what the chaincode does, for tests). */
export async function verifySignedAction(
  action: SignedAction,
  publicKey: string,
): Promise<boolean> {
  const key = await crypto.subtle.importKey('spki', fromBase64url(publicKey), ALGORITHM, false, [
    'verify',
  ]);
  return crypto.subtle.verify(
    SIGNATURE,
    key,
    fromBase64url(action.signature),
    new TextEncoder().encode(action.statement),
  );
}
