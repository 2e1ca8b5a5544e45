import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobOf, openDatabase } from '../storage/database.js';
import { createEncryptedWalletStore, openEntry, sealEntry } from './encrypted-wallet.store.js';
import { createIdentityWallet } from './wallet.js';

const credentials = {
  mspId: 'GovMSP',
  certificate: '-----BEGIN CERTIFICATE-----\nMIIB-certificate\n-----END CERTIFICATE-----\n',
  privateKey: '-----BEGIN PRIVATE KEY-----\nMIGH-secret-key\n-----END PRIVATE KEY-----\n',
};

describe('the encrypted wallet store', () => {
  it('round-trips identities through fabric-network’s Wallet', async () => {
    const db = openDatabase(':memory:');
    const wallet = createIdentityWallet(createEncryptedWalletStore(db, randomBytes(32)));
    await wallet.put('user:alice', credentials);
    expect(await wallet.get('user:alice')).toEqual(credentials);
    expect(await wallet.list()).toEqual(['user:alice']);
    await wallet.remove('user:alice');
    expect(await wallet.get('user:alice')).toBeUndefined();
  });

  it('keeps nothing readable at rest', async () => {
    const db = openDatabase(':memory:');
    const store = createEncryptedWalletStore(db, randomBytes(32));
    await store.put('user:alice', Buffer.from(JSON.stringify(credentials)));
    const row = db.get('SELECT sealed FROM wallet WHERE label = ?', 'user:alice');
    const sealed = blobOf(row!, 'sealed');
    expect(sealed.includes(Buffer.from('secret-key'))).toBe(false);
    expect(sealed.includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    expect(sealed.includes(Buffer.from('GovMSP'))).toBe(false);
  });

  it('uses a fresh IV for every write', () => {
    const key = randomBytes(32);
    const a = sealEntry(key, 'l', Buffer.from('same'));
    const b = sealEntry(key, 'l', Buffer.from('same'));
    expect(a.equals(b)).toBe(false);
    expect(openEntry(key, 'l', a).toString()).toBe('same');
  });

  it('refuses another key, another label, and any tampering', () => {
    const key = randomBytes(32);
    const sealed = sealEntry(key, 'user:alice', Buffer.from('credentials'));
    expect(() => openEntry(randomBytes(32), 'user:alice', sealed)).toThrow();
    expect(() => openEntry(key, 'user:mallory', sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(() => openEntry(key, 'user:alice', tampered)).toThrow();
    expect(() => openEntry(key, 'user:alice', Buffer.from([9, 9, 9]))).toThrow(/unknown format/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createEncryptedWalletStore(openDatabase(':memory:'), randomBytes(16))).toThrow();
  });
});
