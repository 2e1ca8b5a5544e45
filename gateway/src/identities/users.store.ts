import type { Role } from '@consent-ledger/ledger-api';
import {
  addColumnIfMissing,
  columnsOf,
  optionalTextOf,
  textOf,
  type Database,
  type Row,
} from '../storage/database.js';

/**
 * The password hash of a user who signs in through the identity provider only (a provider
 * account): no password verifies against it (verifyPassword refuses any hash that is not argon2id
 * or scrypt).
 */
export const NO_PASSWORD = '!identity-provider';

/**
 * A gateway user: login credentials and what the user acts as. Staff act as their own ledger
 * identity (an opaque enrollment ID at the organization's CA, a wallet label); a patient's or a
 * guardian's session account has neither: it names the patient (and the guardian) only.
 */
export interface UserRecord {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly patientId?: string;
  /** A guardian's own ID (`rp-...`), for a guardian's account acting for `patientId`. */
  readonly guardianId?: string;
  readonly practitionerId?: string;
  /** The member institution in the certificate (`institution` attribute); staff only. */
  readonly institution?: string;
  /** Enrollment ID at the organization's CA (opaque: `u-` + 16 hex); staff only. */
  readonly enrollmentId?: string;
  /** Label of the user's identity in the wallet; staff only. */
  readonly walletLabel?: string;
  readonly createdAt: string;
  /** When an admin disabled the user: no sign-in, no token honoured. */
  readonly disabledAt?: string;
}

/** Which users {@link UsersStore.list} answers. */
export interface UserFilter {
  /** Patients' (and guardians') session accounts instead of staff. */
  readonly patients: boolean;
  readonly prefix?: string;
  readonly limit: number;
}

/** Whose patient accounts {@link UsersStore.removePatientAccounts} removes. */
export interface PatientAccountOwner {
  readonly patientId: string;
  /** A guardian's accounts for the patient; the patient's own accounts when absent. */
  readonly guardianId?: string;
}

/** The gateway's users, in its SQLite store. */
export interface UsersStore {
  find(username: string): UserRecord | undefined;
  /** Adds a user; false when the username is taken. */
  insert(user: UserRecord): boolean;
  updatePassword(username: string, passwordHash: string): void;
  /** Removes a user (false when there was none). */
  remove(username: string): boolean;
  /** Removes the session accounts of a patient (or of one guardian of the patient) but `keep`; their usernames. */
  removePatientAccounts(owner: PatientAccountOwner, keep: string): string[];
  /** A staff user's new role and enrollment (enrolled anew at the CA); false when there is none. */
  updateEnrollment(
    username: string,
    change: Readonly<{ role: Role; enrollmentId: string }>,
  ): boolean;
  /** Disables (a time) or enables (undefined) a user; false when there is no such user. */
  setDisabled(username: string, disabledAt: string | undefined): boolean;
  /** Users by username: staff, or patients' session accounts, whose username starts with `prefix`. */
  list(filter: Readonly<UserFilter>): UserRecord[];
}

function toUser(row: Row): UserRecord {
  const optional = (column: string, field: string): Record<string, string> => {
    const value = optionalTextOf(row, column);
    return value === undefined ? {} : { [field]: value };
  };
  return {
    username: textOf(row, 'username'),
    passwordHash: textOf(row, 'password_hash'),
    role: textOf(row, 'role') as Role,
    ...optional('patient_id', 'patientId'),
    ...optional('guardian_id', 'guardianId'),
    ...optional('practitioner_id', 'practitionerId'),
    ...optional('enrollment_id', 'enrollmentId'),
    ...optional('wallet_label', 'walletLabel'),
    createdAt: textOf(row, 'created_at'),
    ...optional('disabled_at', 'disabledAt'),
    ...optional('institution', 'institution'),
  };
}

const USERS_TABLE = `CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  patient_id TEXT,
  guardian_id TEXT,
  practitioner_id TEXT,
  enrollment_id TEXT UNIQUE,
  wallet_label TEXT UNIQUE,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  CHECK ((enrollment_id IS NULL) = (wallet_label IS NULL))
) STRICT`;

class SqliteUsersStore implements UsersStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.transaction(() => {
      const columns = columnsOf(db, 'users');
      if (columns.length > 0 && !columns.includes('guardian_id')) {
        // A store from before patients held their own keys: every user had a ledger identity.
        db.sql.exec('ALTER TABLE users RENAME TO users_before_patient_keys');
        db.sql.exec(USERS_TABLE);
        db.sql
          .exec(`INSERT INTO users (username, password_hash, role, patient_id, practitioner_id, enrollment_id, wallet_label, created_at)
          SELECT username, password_hash, role, patient_id, practitioner_id, enrollment_id, wallet_label, created_at
          FROM users_before_patient_keys`);
        db.sql.exec('DROP TABLE users_before_patient_keys');
      }
      db.sql.exec(USERS_TABLE);
      addColumnIfMissing(db, { table: 'users', column: 'disabled_at', definition: 'TEXT' });
      addColumnIfMissing(db, { table: 'users', column: 'institution', definition: 'TEXT' });
      db.sql.exec('CREATE INDEX IF NOT EXISTS users_patient ON users (patient_id, guardian_id)');
    });
  }

  find(username: string): UserRecord | undefined {
    const row = this.#db.get('SELECT * FROM users WHERE username = ?', username);
    return row === undefined ? undefined : toUser(row);
  }

  insert(user: UserRecord): boolean {
    const { changes } = this.#db.run(
      `INSERT INTO users (username, password_hash, role, patient_id, guardian_id, practitioner_id, enrollment_id, wallet_label, created_at, institution)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      user.username,
      user.passwordHash,
      user.role,
      user.patientId ?? null,
      user.guardianId ?? null,
      user.practitionerId ?? null,
      user.enrollmentId ?? null,
      user.walletLabel ?? null,
      user.createdAt,
      user.institution ?? null,
    );
    return changes === 1;
  }

  updatePassword(username: string, passwordHash: string): void {
    this.#db.run('UPDATE users SET password_hash = ? WHERE username = ?', passwordHash, username);
  }

  remove(username: string): boolean {
    return this.#db.run('DELETE FROM users WHERE username = ?', username).changes === 1;
  }

  removePatientAccounts(owner: PatientAccountOwner, keep: string): string[] {
    const where = `role = 'patient' AND wallet_label IS NULL AND patient_id = ?
       AND guardian_id IS ? AND username <> ?`;
    const params = [owner.patientId, owner.guardianId ?? null, keep] as const;
    return this.#db.transaction(() => {
      const usernames = this.#db
        .all(`SELECT username FROM users WHERE ${where}`, ...params)
        .map((row) => textOf(row, 'username'));
      this.#db.run(`DELETE FROM users WHERE ${where}`, ...params);
      return usernames;
    });
  }

  updateEnrollment(
    username: string,
    change: Readonly<{ role: Role; enrollmentId: string }>,
  ): boolean {
    return (
      this.#db.run(
        'UPDATE users SET role = ?, enrollment_id = ?, practitioner_id = NULL WHERE username = ? AND wallet_label IS NOT NULL',
        change.role,
        change.enrollmentId,
        username,
      ).changes === 1
    );
  }

  setDisabled(username: string, disabledAt: string | undefined): boolean {
    return (
      this.#db.run(
        'UPDATE users SET disabled_at = ? WHERE username = ?',
        disabledAt ?? null,
        username,
      ).changes === 1
    );
  }

  list(filter: Readonly<UserFilter>): UserRecord[] {
    const prefix = (filter.prefix ?? '').replaceAll(/[\\%_]/g, (c) => `\\${c}`);
    return this.#db
      .all(
        `SELECT * FROM users WHERE (role = 'patient') = ? AND username LIKE ? ESCAPE '\\'
         ORDER BY username LIMIT ?`,
        filter.patients ? 1 : 0,
        `${prefix}%`,
        filter.limit,
      )
      .map(toUser);
  }
}

/** The users table of the gateway's database. */
export function createUsersStore(db: Database): UsersStore {
  return new SqliteUsersStore(db);
}

/** Injection token of the {@link UsersStore}. */
export const USERS_STORE = Symbol('USERS_STORE');
