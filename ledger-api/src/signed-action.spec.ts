import { describe, expect, it } from 'vitest';
import {
  exportKeyFile,
  generatePatientKey,
  importKeyFile,
  signAction,
  verifySignedAction,
} from './patient-client.ts';
import { canonicalJson, fromBase64url, newSalt, transientRequest } from './request.ts';
import { buildStatement, keyIdOf, MAX_STATEMENT_MILLIS, statementText } from './signed-action.ts';

const now = new Date('2026-12-06T08:00:00.000Z');

describe('signed statements', () => {
  it('signs a statement that verifies with its key and fails once altered', async () => {
    const key = await generatePatientKey();
    const action = await signAction(key, {
      action: 'consent:RevokeConsent',
      channel: 'health',
      chaincode: 'consent-ledger',
      patientId: 'pid-abcdefghijklmnop',
      signer: { kind: 'patient', id: 'pid-abcdefghijklmnop' },
      payload: { consentId: 'con-0123456789abcdef01234567', expectedVersion: 2 },
      now,
    });
    expect(await verifySignedAction(action, key.publicKey)).toBe(true);
    const altered = {
      ...action,
      statement: action.statement.replace('"expectedVersion":2', '"expectedVersion":3'),
    };
    expect(altered.statement).not.toBe(action.statement);
    expect(await verifySignedAction(altered, key.publicKey)).toBe(false);
    const other = await generatePatientKey();
    expect(await verifySignedAction(action, other.publicKey)).toBe(false);
    expect(fromBase64url(action.signature)).toHaveLength(64);
  });

  it('writes the statement as canonical JSON with the key ID, a nonce and a bounded validity', () => {
    const statement = buildStatement({
      action: 'consent:EraseConsent',
      channel: 'health',
      chaincode: 'consent-ledger',
      patientId: 'pid-abcdefghijklmnop',
      signer: { kind: 'patient', id: 'pid-abcdefghijklmnop', keyId: 'k' },
      payload: { consentId: 'con-0123456789abcdef01234567' },
      now,
      ttlMillis: 60 * 60_000,
    });
    expect(statementText(statement)).toBe(canonicalJson(JSON.parse(statementText(statement))));
    expect(Date.parse(statement.expiresAt) - Date.parse(statement.issuedAt)).toBe(
      MAX_STATEMENT_MILLIS,
    );
    expect(fromBase64url(statement.nonce)).toHaveLength(16);
  });

  it('keeps a script key in a PKCS#8 key file with the same public key and key ID', async () => {
    const key = await generatePatientKey({ extractable: true });
    const file = await exportKeyFile(key);
    expect(file).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const again = await importKeyFile(file);
    expect(again.publicKey).toBe(key.publicKey);
    expect(again.keyId).toBe(keyIdOf(key.publicKey));
    expect(key.keyId).toHaveLength(22);
  });

  it('refuses to export a browser key (non-extractable)', async () => {
    const key = await generatePatientKey();
    await expect(exportKeyFile(key)).rejects.toThrow();
  });
});

describe('transient requests', () => {
  it('carries the arguments as strings or JSON, and a fresh 16-byte salt', () => {
    const salt = newSalt();
    expect(fromBase64url(salt)).toHaveLength(16);
    expect(newSalt()).not.toBe(salt);
    const map = transientRequest({ args: ['con-1', { a: 1 }], salt });
    expect(JSON.parse(new TextDecoder().decode(map.request))).toEqual({
      args: ['con-1', '{"a":1}'],
      salt,
    });
  });
});
