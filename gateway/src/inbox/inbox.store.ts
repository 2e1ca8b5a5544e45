import {
  INBOX_ITEM_KINDS,
  type InboxCounts,
  type InboxDetails,
  type InboxItem,
  type InboxItemKind,
} from '@consent-ledger/ledger-api';
import { numberOf, optionalTextOf, textOf, type Database, type Row } from '../storage/database.js';
import type { InboxChange, NewItem } from './inbox-changes.js';

/**
 * The patients' inboxes of this gateway, in its SQLite database beside the ledger events they are
 * built from: the items (kept until read), the consents whose end is watched, the patients known
 * to be homed here, and the seq of the last ledger event applied (inbox_cursor).
 */

/** A page of a patient's items. */
export interface InboxQuery {
  readonly patientId: string;
  readonly unreadOnly: boolean;
  readonly pageSize: number;
  /** Items older than this item ID. */
  readonly before?: number;
}

/** What {@link InboxStore.sweep} does at `now`. */
export interface SweepOptions {
  readonly now: Date;
  /** Consents ending within this many days get their item. */
  readonly warnDays: number;
  /** Read items older than this many days (since read) are dropped; unread ones never are. */
  readonly keepReadDays: number;
}

/** The inbox tables. */
export interface InboxStore {
  /** The seq of the last ledger event applied (0 at first). */
  cursor(): number;
  /** Applies one batch of changes and moves the cursor to `seq`, in one transaction. */
  apply(changes: readonly InboxChange[], seq: number): void;
  /** Raises the items of consents about to end, and drops long-read items; answers the items raised. */
  sweep(options: Readonly<SweepOptions>): number;
  /** A page of a patient's items, newest first (one more than asked tells that more exist). */
  page(query: Readonly<InboxQuery>): InboxItem[];
  counts(patientId: string): InboxCounts;
  /** Marks a patient's item read (kept as it is when read already); undefined when not theirs. */
  markRead(patientId: string, itemId: number, at: Date): InboxItem | undefined;
  /** Marks a patient's unread items up to `upTo` (all when absent) read; answers how many. */
  markAllRead(patientId: string, at: Date, upTo?: number): number;
}

/** Injection token of the {@link InboxStore}. */
export const INBOX_STORE = Symbol('INBOX_STORE');

const DAY_MS = 86_400_000;

class SqliteInboxStore implements InboxStore {
  readonly #db: Database;
  readonly #home: string;

  constructor(db: Database, home: string) {
    this.#db = db;
    this.#home = home;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS inbox_items (
      item_id INTEGER PRIMARY KEY AUTOINCREMENT,
      patient_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      subject TEXT NOT NULL,
      time TEXT NOT NULL,
      tx_id TEXT NOT NULL,
      details TEXT NOT NULL,
      read_at TEXT,
      UNIQUE (patient_id, kind, subject)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS inbox_items_unread ON inbox_items (patient_id, read_at, item_id);
    CREATE INDEX IF NOT EXISTS inbox_items_subject ON inbox_items (kind, subject);
    CREATE INDEX IF NOT EXISTS inbox_items_read ON inbox_items (read_at) WHERE read_at IS NOT NULL;
    CREATE TABLE IF NOT EXISTS inbox_patients (patient_id TEXT PRIMARY KEY) STRICT;
    CREATE TABLE IF NOT EXISTS inbox_expiries (
      consent_id TEXT PRIMARY KEY,
      patient_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      grantee_org TEXT NOT NULL,
      valid_until TEXT NOT NULL,
      tx_id TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS inbox_expiries_until ON inbox_expiries (valid_until);
    CREATE TABLE IF NOT EXISTS inbox_cursor (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      seq INTEGER NOT NULL
    ) STRICT`);
  }

  cursor(): number {
    const row = this.#db.get('SELECT seq FROM inbox_cursor WHERE id = 1');
    return row === undefined ? 0 : numberOf(row, 'seq');
  }

  apply(changes: readonly InboxChange[], seq: number): void {
    this.#db.transaction(() => {
      for (const change of changes) this.#applyOne(change);
      this.#db.run(
        `INSERT INTO inbox_cursor (id, seq) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
        seq,
      );
    });
  }

  #homedHere(patientId: string, patientHome: string | undefined): boolean {
    // Events stored by earlier gateway versions name no home: the known patients decide.
    if (patientHome !== undefined) return patientHome === this.#home;
    return (
      this.#db.get('SELECT 1 FROM inbox_patients WHERE patient_id = ?', patientId) !== undefined
    );
  }

  #applyOne(change: InboxChange): void {
    switch (change.change) {
      case 'patient':
        if (change.patientHome === this.#home)
          this.#db.run(
            'INSERT INTO inbox_patients (patient_id) VALUES (?) ON CONFLICT DO NOTHING',
            change.patientId,
          );
        return;
      case 'item':
        if (this.#homedHere(change.patientId, change.patientHome)) this.#insert(change);
        return;
      case 'update':
        for (const row of this.#db.all(
          'SELECT item_id, details FROM inbox_items WHERE kind = ? AND subject = ?',
          change.kind,
          change.subject,
        )) {
          const details = {
            ...(JSON.parse(textOf(row, 'details')) as object),
            ...change.details,
          };
          this.#db.run(
            `UPDATE inbox_items SET details = ?${change.markRead === true ? ', read_at = COALESCE(read_at, ?)' : ''}
             WHERE item_id = ?`,
            JSON.stringify(details),
            ...(change.markRead === true ? [new Date().toISOString()] : []),
            numberOf(row, 'item_id'),
          );
        }
        return;
      case 'expiry':
        if (
          change.validUntil === undefined ||
          !this.#homedHere(change.patientId, change.patientHome)
        )
          this.#db.run('DELETE FROM inbox_expiries WHERE consent_id = ?', change.consentId);
        else
          this.#db.run(
            `INSERT INTO inbox_expiries (consent_id, patient_id, version, grantee_org, valid_until, tx_id)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (consent_id) DO UPDATE SET version = excluded.version,
               grantee_org = excluded.grantee_org, valid_until = excluded.valid_until,
               tx_id = excluded.tx_id`,
            change.consentId,
            change.patientId,
            change.version,
            change.granteeOrg,
            change.validUntil,
            change.txId,
          );
        return;
    }
  }

  #insert(item: NewItem): void {
    this.#db.run(
      `INSERT INTO inbox_items (patient_id, kind, subject, time, tx_id, details)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id, kind, subject) DO NOTHING`,
      item.patientId,
      item.kind,
      item.subject,
      item.time,
      item.txId,
      JSON.stringify(item.details),
    );
  }

  sweep(options: Readonly<SweepOptions>): number {
    const { now, warnDays, keepReadDays } = options;
    return this.#db.transaction(() => {
      const horizon = new Date(now.getTime() + warnDays * DAY_MS).toISOString();
      const due = this.#db.all(
        'SELECT * FROM inbox_expiries WHERE valid_until <= ? ORDER BY valid_until, consent_id',
        horizon,
      );
      for (const row of due) {
        const consentId = textOf(row, 'consent_id');
        const validUntil = textOf(row, 'valid_until');
        this.#insert({
          change: 'item',
          patientId: textOf(row, 'patient_id'),
          kind: 'consent-expiring',
          // A consent extended and about to end again warns again.
          subject: `${consentId}@${validUntil}`,
          time: now.toISOString(),
          txId: textOf(row, 'tx_id'),
          details: {
            consentId,
            version: numberOf(row, 'version'),
            granteeOrg: textOf(row, 'grantee_org'),
            validUntil,
          },
        } satisfies NewItem<'consent-expiring'>);
        this.#db.run('DELETE FROM inbox_expiries WHERE consent_id = ?', consentId);
      }
      this.#db.run(
        'DELETE FROM inbox_items WHERE read_at IS NOT NULL AND read_at < ?',
        new Date(now.getTime() - keepReadDays * DAY_MS).toISOString(),
      );
      return due.length;
    });
  }

  page(query: Readonly<InboxQuery>): InboxItem[] {
    const rows = this.#db.all(
      `SELECT * FROM inbox_items WHERE patient_id = ? AND item_id < ?
       ${query.unreadOnly ? 'AND read_at IS NULL' : ''}
       ORDER BY item_id DESC LIMIT ?`,
      query.patientId,
      query.before ?? Number.MAX_SAFE_INTEGER,
      query.pageSize + 1,
    );
    return rows.map(itemOf);
  }

  counts(patientId: string): InboxCounts {
    const byKind = Object.fromEntries(INBOX_ITEM_KINDS.map((kind) => [kind, 0])) as Record<
      InboxItemKind,
      number
    >;
    let unread = 0;
    for (const row of this.#db.all(
      `SELECT kind, COUNT(*) AS n FROM inbox_items WHERE patient_id = ? AND read_at IS NULL
       GROUP BY kind`,
      patientId,
    )) {
      const kind = textOf(row, 'kind') as InboxItemKind;
      const n = numberOf(row, 'n');
      if (kind in byKind) byKind[kind] = n;
      unread += n;
    }
    return { unread, byKind };
  }

  markRead(patientId: string, itemId: number, at: Date): InboxItem | undefined {
    this.#db.run(
      `UPDATE inbox_items SET read_at = ? WHERE item_id = ? AND patient_id = ? AND read_at IS NULL`,
      at.toISOString(),
      itemId,
      patientId,
    );
    const row = this.#db.get(
      'SELECT * FROM inbox_items WHERE item_id = ? AND patient_id = ?',
      itemId,
      patientId,
    );
    return row === undefined ? undefined : itemOf(row);
  }

  markAllRead(patientId: string, at: Date, upTo?: number): number {
    return this.#db.run(
      `UPDATE inbox_items SET read_at = ? WHERE patient_id = ? AND read_at IS NULL AND item_id <= ?`,
      at.toISOString(),
      patientId,
      upTo ?? Number.MAX_SAFE_INTEGER,
    ).changes;
  }
}

function itemOf(row: Row): InboxItem {
  const readAt = optionalTextOf(row, 'read_at');
  return {
    itemId: numberOf(row, 'item_id'),
    kind: textOf(row, 'kind') as InboxItemKind,
    patientId: textOf(row, 'patient_id'),
    time: textOf(row, 'time'),
    txId: textOf(row, 'tx_id'),
    ...(readAt === undefined ? {} : { readAt }),
    details: JSON.parse(textOf(row, 'details')) as InboxDetails[InboxItemKind],
  } as InboxItem;
}

/** The inbox tables of the gateway's database, for the patients homed at `home`. */
export function createInboxStore(db: Database, home: string): InboxStore {
  return new SqliteInboxStore(db, home);
}
