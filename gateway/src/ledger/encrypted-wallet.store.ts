import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { WalletStore } from 'fabric-network';
import { blobOf, textOf, type Database } from '../storage/database.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts one wallet entry: version byte, 12-byte IV, 16-byte tag, ciphertext; the label is bound as AAD. */
export function sealEntry(key: Buffer, label: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts what {@link sealEntry} made; throws when the key, the label or the bytes do not match. */
export function openEntry(key: Buffer, label: string, sealed: Buffer): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION)
    throw new Error(`wallet entry ${label} has an unknown format`);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(label, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
}

class SqliteEncryptedWalletStore implements WalletStore {
  readonly #db: Database;
  readonly #key: Buffer;

  constructor(db: Database, key: Buffer) {
    if (key.length !== 32) throw new Error('the wallet key must be 32 bytes');
    this.#db = db;
    this.#key = key;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS wallet (
      label TEXT PRIMARY KEY,
      sealed BLOB NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`);
  }

  get(label: string): Promise<Buffer | undefined> {
    const row = this.#db.get('SELECT sealed FROM wallet WHERE label = ?', label);
    return Promise.resolve(
      row === undefined ? undefined : openEntry(this.#key, label, blobOf(row, 'sealed')),
    );
  }

  list(): Promise<string[]> {
    return Promise.resolve(
      this.#db.all('SELECT label FROM wallet ORDER BY label').map((row) => textOf(row, 'label')),
    );
  }

  put(label: string, data: Buffer): Promise<void> {
    this.#db.run(
      `INSERT INTO wallet (label, sealed, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (label) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
      label,
      sealEntry(this.#key, label, data),
      new Date().toISOString(),
    );
    return Promise.resolve();
  }

  remove(label: string): Promise<void> {
    this.#db.run('DELETE FROM wallet WHERE label = ?', label);
    return Promise.resolve();
  }
}

/**
 * A fabric-network WalletStore over the gateway's SQLite database that encrypts every identity at
 * rest with AES-256-GCM (a fresh IV per write, the label authenticated as associated data).
 */
export function createEncryptedWalletStore(db: Database, key: Buffer): WalletStore {
  return new SqliteEncryptedWalletStore(db, key);
}
