import {
  addColumnIfMissing,
  numberOf,
  optionalTextOf,
  textOf,
  type Database,
  type Row,
} from '../storage/database.js';
import type { EventContext } from './ledger-event.builder.js';

/** One event of a block, with the payload this organization may see. */
export interface IncomingEvent {
  readonly txId: string;
  readonly eventName: string;
  readonly payload: unknown;
  /** Kept beside the payload for the gateway's own features, never streamed. */
  readonly context?: EventContext;
}

/** A block's events, as the listener built them from the block and its private data. */
export interface IncomingBlock {
  readonly blockNumber: bigint;
  readonly events: readonly IncomingEvent[];
}

/** A ledger event kept by the gateway; `seq` is the SSE event ID. */
export interface StoredEvent {
  readonly seq: number;
  readonly blockNumber: number;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: unknown;
  readonly patientId?: string;
  readonly orgs: readonly string[];
  /** Kept beside the payload for the gateway's own features (the inbox), never streamed. */
  readonly context?: EventContext;
}

/** Who may see which events: everything, one patient's, or one organization's. */
export type EventVisibility =
  { readonly all: true } | { readonly patientId: string } | { readonly org: string };

/** The ledger events and the listener's checkpoint, kept together in SQLite. */
export interface EventStore {
  /**
   * Stores a block's events and moves the checkpoint past the block, in one transaction; answers
   * the events stored (a transaction stored before is skipped: no duplicates).
   */
  appendBlock(block: IncomingBlock): StoredEvent[];
  /** The block to resume listening from (0 on a first start). */
  nextBlock(): bigint;
  /**
   * Moves the checkpoint forward to `blockNumber`, never back: the organization's peer joined the
   * channel from a ledger snapshot and holds no block below it. Answers whether it moved.
   */
  skipTo(blockNumber: bigint): boolean;
  /** Events after `seq` visible under `visibility`, oldest first. */
  after(seq: number, visibility: EventVisibility, limit?: number): StoredEvent[];
  /** The newest event's seq (0 when none). */
  lastSeq(): number;
  /** Whether `visibility` lets a caller see `event`. */
  visible(event: StoredEvent, visibility: EventVisibility): boolean;
}

/** Injection token of the {@link EventStore}. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * The organizations and the patient an event is about (payload fields of ledger-api's events):
 * who, besides the regulator, may see it.
 */
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
    // Stores from before the inbox have no context column: their events have none.
    addColumnIfMissing(db, { table: 'ledger_events', column: 'context', definition: 'TEXT' });
  }

  appendBlock(block: IncomingBlock): StoredEvent[] {
    return this.#db.transaction(() => {
      const stored: StoredEvent[] = [];
      for (const event of block.events) {
        const one = this.#insert(block.blockNumber, event);
        if (one !== undefined) stored.push(one);
      }
      // The checkpoint is the next block to read: a block is stored whole, or not at all.
      this.#setCheckpoint(block.blockNumber + 1n);
      return stored;
    });
  }

  #insert(blockNumber: bigint, event: IncomingEvent): StoredEvent | undefined {
    const { patientId, orgs } = subjectsOf(event.payload);
    const { changes, lastId } = this.#db.run(
      `INSERT INTO ledger_events (block_number, tx_id, event_name, payload, patient_id, orgs, received_at, context)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tx_id) DO NOTHING`,
      blockNumber,
      event.txId,
      event.eventName,
      JSON.stringify(event.payload),
      patientId ?? null,
      JSON.stringify(orgs),
      new Date().toISOString(),
      event.context === undefined ? null : JSON.stringify(event.context),
    );
    if (changes === 0) return undefined;
    for (const org of orgs)
      this.#db.run('INSERT INTO ledger_event_orgs (seq, org) VALUES (?, ?)', lastId, org);
    return {
      seq: lastId,
      blockNumber: Number(blockNumber),
      txId: event.txId,
      eventName: event.eventName,
      payload: event.payload,
      ...(patientId === undefined ? {} : { patientId }),
      orgs,
      ...(event.context === undefined ? {} : { context: event.context }),
    };
  }

  nextBlock(): bigint {
    // A checkpoint of the chaincode-event listener of earlier versions names the block of the
    // last stored event: reading that block again is safe (stored transactions are skipped).
    const row = this.#db.get('SELECT block_number FROM ledger_event_checkpoint WHERE id = 1');
    return row === undefined ? 0n : BigInt(textOf(row, 'block_number'));
  }

  skipTo(blockNumber: bigint): boolean {
    if (blockNumber <= this.nextBlock()) return false;
    this.#setCheckpoint(blockNumber);
    return true;
  }

  /** Records `next` as the block to resume listening from. */
  #setCheckpoint(next: bigint): void {
    this.#db.run(
      `INSERT INTO ledger_event_checkpoint (id, block_number, tx_id) VALUES (1, ?, NULL)
       ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, tx_id = NULL`,
      next.toString(),
    );
  }

  after(seq: number, visibility: EventVisibility, limit = 1000): StoredEvent[] {
    const columns =
      'e.seq, e.block_number, e.tx_id, e.event_name, e.payload, e.patient_id, e.orgs, e.context';
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
      const context = optionalTextOf(row, 'context');
      return {
        seq: numberOf(row, 'seq'),
        blockNumber: numberOf(row, 'block_number'),
        txId: textOf(row, 'tx_id'),
        eventName: textOf(row, 'event_name'),
        payload: JSON.parse(textOf(row, 'payload')) as unknown,
        ...(patientId === undefined ? {} : { patientId }),
        orgs: JSON.parse(textOf(row, 'orgs')) as string[],
        ...(context === undefined ? {} : { context: JSON.parse(context) as EventContext }),
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
