import type { Checkpoint } from '@hyperledger/fabric-gateway';
import { numberOf, optionalTextOf, textOf, type Database, type Row } from '../storage/database.js';

/** A chaincode event as the ledger delivered it. */
export interface IncomingEvent {
  readonly blockNumber: bigint;
  readonly transactionId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** A chaincode event kept by the gateway; `seq` is the SSE event ID. */
export interface StoredEvent {
  readonly seq: number;
  readonly blockNumber: number;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: unknown;
  readonly patientId?: string;
  readonly orgs: readonly string[];
}

/** Who may see which events: everything, one patient's, or one organization's. */
export type EventVisibility =
  { readonly all: true } | { readonly patientId: string } | { readonly org: string };

/** The chaincode events and the listener's checkpoint, kept together in SQLite. */
export interface EventStore {
  /** Stores an event and moves the checkpoint past it, in one transaction; undefined for a duplicate. */
  append(event: IncomingEvent): StoredEvent | undefined;
  /** The checkpoint to resume listening from. */
  checkpoint(): Checkpoint;
  /** Events after `seq` visible under `visibility`, oldest first. */
  after(seq: number, visibility: EventVisibility, limit?: number): StoredEvent[];
  /** The newest event's seq (0 when none). */
  lastSeq(): number;
  /** Whether `visibility` lets a caller see `event`. */
  visible(event: StoredEvent, visibility: EventVisibility): boolean;
}

/** Injection token of the {@link EventStore}. */
export const EVENT_STORE = Symbol('EVENT_STORE');

const decoder = new TextDecoder();

function parsePayload(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The organizations and the patient an event is about (payload fields of docs/ledger-api.md events). */
export function subjectsOf(payload: unknown): { patientId?: string; orgs: string[] } {
  if (payload === null || typeof payload !== 'object') return { orgs: [] };
  const fields = payload as Record<string, unknown>;
  const orgs = new Set<string>();
  for (const name of ['accessorOrg', 'granteeOrg', 'owner', 'fromOrg', 'toOrg', 'org', 'mspId']) {
    const value = fields[name];
    if (typeof value === 'string' && value !== '' && value !== '*') orgs.add(value);
  }
  for (const name of ['accessor', 'grantee']) {
    const nested = fields[name];
    if (nested !== null && typeof nested === 'object') {
      const org = (nested as Record<string, unknown>).org;
      if (typeof org === 'string' && org !== '') orgs.add(org);
    }
  }
  const patientId = typeof fields.patientId === 'string' ? fields.patientId : undefined;
  return { ...(patientId === undefined ? {} : { patientId }), orgs: [...orgs].sort() };
}

class SqliteEventStore implements EventStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS ledger_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      block_number INTEGER NOT NULL,
      tx_id TEXT NOT NULL UNIQUE,
      event_name TEXT NOT NULL,
      payload TEXT NOT NULL,
      patient_id TEXT,
      orgs TEXT NOT NULL,
      received_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS ledger_event_orgs (
      seq INTEGER NOT NULL REFERENCES ledger_events (seq) ON DELETE CASCADE,
      org TEXT NOT NULL,
      PRIMARY KEY (org, seq)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS ledger_events_patient ON ledger_events (patient_id, seq);
    CREATE TABLE IF NOT EXISTS ledger_event_checkpoint (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      block_number TEXT NOT NULL,
      tx_id TEXT
    ) STRICT`);
  }

  append(event: IncomingEvent): StoredEvent | undefined {
    const payload = parsePayload(event.payload);
    const { patientId, orgs } = subjectsOf(payload);
    return this.#db.transaction(() => {
      const { changes, lastId } = this.#db.run(
        `INSERT INTO ledger_events (block_number, tx_id, event_name, payload, patient_id, orgs, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tx_id) DO NOTHING`,
        event.blockNumber,
        event.transactionId,
        event.eventName,
        JSON.stringify(payload),
        patientId ?? null,
        JSON.stringify(orgs),
        new Date().toISOString(),
      );
      this.#db.run(
        `INSERT INTO ledger_event_checkpoint (id, block_number, tx_id) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id`,
        event.blockNumber.toString(),
        event.transactionId,
      );
      if (changes === 0) return undefined;
      for (const org of orgs)
        this.#db.run('INSERT INTO ledger_event_orgs (seq, org) VALUES (?, ?)', lastId, org);
      return {
        seq: lastId,
        blockNumber: Number(event.blockNumber),
        txId: event.transactionId,
        eventName: event.eventName,
        payload,
        ...(patientId === undefined ? {} : { patientId }),
        orgs,
      };
    });
  }

  checkpoint(): Checkpoint {
    const row = this.#db.get(
      'SELECT block_number, tx_id FROM ledger_event_checkpoint WHERE id = 1',
    );
    const blockNumber = row === undefined ? undefined : BigInt(textOf(row, 'block_number'));
    const transactionId = row === undefined ? undefined : optionalTextOf(row, 'tx_id');
    return {
      getBlockNumber: () => blockNumber,
      getTransactionId: () => transactionId,
    };
  }

  after(seq: number, visibility: EventVisibility, limit = 1000): StoredEvent[] {
    const columns = 'e.seq, e.block_number, e.tx_id, e.event_name, e.payload, e.patient_id, e.orgs';
    let rows: Row[];
    if ('all' in visibility)
      rows = this.#db.all(
        `SELECT ${columns} FROM ledger_events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`,
        seq,
        limit,
      );
    else if ('patientId' in visibility)
      rows = this.#db.all(
        `SELECT ${columns} FROM ledger_events e WHERE e.patient_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
        visibility.patientId,
        seq,
        limit,
      );
    else
      rows = this.#db.all(
        `SELECT ${columns} FROM ledger_event_orgs o JOIN ledger_events e ON e.seq = o.seq
         WHERE o.org = ? AND o.seq > ? ORDER BY o.seq LIMIT ?`,
        visibility.org,
        seq,
        limit,
      );
    return rows.map((row) => {
      const patientId = optionalTextOf(row, 'patient_id');
      return {
        seq: numberOf(row, 'seq'),
        blockNumber: numberOf(row, 'block_number'),
        txId: textOf(row, 'tx_id'),
        eventName: textOf(row, 'event_name'),
        payload: JSON.parse(textOf(row, 'payload')) as unknown,
        ...(patientId === undefined ? {} : { patientId }),
        orgs: JSON.parse(textOf(row, 'orgs')) as string[],
      };
    });
  }

  lastSeq(): number {
    const row = this.#db.get('SELECT MAX(seq) AS seq FROM ledger_events');
    return row?.seq === null || row === undefined ? 0 : numberOf(row, 'seq');
  }

  visible(event: StoredEvent, visibility: EventVisibility): boolean {
    if ('all' in visibility) return true;
    if ('patientId' in visibility) return event.patientId === visibility.patientId;
    return event.orgs.includes(visibility.org);
  }
}

/** The event tables of the gateway's database. */
export function createEventStore(db: Database): EventStore {
  return new SqliteEventStore(db);
}
