import type { Role } from '@consent-ledger/ledger-api';
import { optionalTextOf, textOf, type Database, type Row } from '../storage/database.js';

/** A gateway user: login credentials and the ledger identity they act as. */
export interface UserRecord {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly patientId?: string;
  readonly practitionerId?: string;
  /** Enrollment ID at the organization's CA. */
  readonly enrollmentId: string;
  /** Label of the user's identity in the wallet. */
  readonly walletLabel: string;
  readonly createdAt: string;
}

/** The gateway's users, in its SQLite store. */
export interface UsersStore {
  find(username: string): UserRecord | undefined;
  /** Adds a user; false when the username is taken. */
  insert(user: UserRecord): boolean;
  updatePassword(username: string, passwordHash: string): void;
}

function toUser(row: Row): UserRecord {
  const patientId = optionalTextOf(row, 'patient_id');
  const practitionerId = optionalTextOf(row, 'practitioner_id');
  return {
    username: textOf(row, 'username'),
    passwordHash: textOf(row, 'password_hash'),
    role: textOf(row, 'role') as Role,
    ...(patientId === undefined ? {} : { patientId }),
    ...(practitionerId === undefined ? {} : { practitionerId }),
    enrollmentId: textOf(row, 'enrollment_id'),
    walletLabel: textOf(row, 'wallet_label'),
    createdAt: textOf(row, 'created_at'),
  };
}

class SqliteUsersStore implements UsersStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS users (
      username TEXT PRIMARY KEY,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL,
      patient_id TEXT,
      practitioner_id TEXT,
      enrollment_id TEXT NOT NULL UNIQUE,
      wallet_label TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL
    ) STRICT`);
  }

  find(username: string): UserRecord | undefined {
    const row = this.#db.get('SELECT * FROM users WHERE username = ?', username);
    return row === undefined ? undefined : toUser(row);
  }

  insert(user: UserRecord): boolean {
    const { changes } = this.#db.run(
      `INSERT INTO users (username, password_hash, role, patient_id, practitioner_id, enrollment_id, wallet_label, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      user.username,
      user.passwordHash,
      user.role,
      user.patientId ?? null,
      user.practitionerId ?? null,
      user.enrollmentId,
      user.walletLabel,
      user.createdAt,
    );
    return changes === 1;
  }

  updatePassword(username: string, passwordHash: string): void {
    this.#db.run('UPDATE users SET password_hash = ? WHERE username = ?', passwordHash, username);
  }
}

/** The users table of the gateway's database. */
export function createUsersStore(db: Database): UsersStore {
  return new SqliteUsersStore(db);
}

/** Injection token of the {@link UsersStore}. */
export const USERS_STORE = Symbol('USERS_STORE');
