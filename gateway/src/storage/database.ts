import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from 'node:sqlite';

/** The gateway's local store: one SQLite file in its data directory (node:sqlite). */
export interface Database {
  /** The underlying connection. */
  readonly sql: DatabaseSync;
  /** Runs `work` in one IMMEDIATE transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: () => T): T;
  /** Runs a statement; returns the number of changed rows and the last inserted row ID. */
  run(statement: string, ...params: SQLInputValue[]): { changes: number; lastId: number };
  /** First row of a query, or undefined. */
  get(statement: string, ...params: SQLInputValue[]): Row | undefined;
  /** Every row of a query. */
  all(statement: string, ...params: SQLInputValue[]): Row[];
  close(): void;
}

/** A row as node:sqlite returns it. */
export type Row = Record<string, SQLOutputValue>;

/** Injection token of the {@link Database}. */
export const DATABASE = Symbol('DATABASE');

class SqliteDatabase implements Database {
  readonly sql: DatabaseSync;
  #depth = 0;

  constructor(file: string) {
    this.sql = new DatabaseSync(file);
    this.sql.exec('PRAGMA journal_mode = WAL');
    this.sql.exec('PRAGMA synchronous = NORMAL');
    this.sql.exec('PRAGMA foreign_keys = ON');
    this.sql.exec('PRAGMA busy_timeout = 5000');
  }

  transaction<T>(work: () => T): T {
    if (this.#depth > 0) return work();
    this.sql.exec('BEGIN IMMEDIATE');
    this.#depth += 1;
    try {
      const result = work();
      this.sql.exec('COMMIT');
      return result;
    } catch (error) {
      this.sql.exec('ROLLBACK');
      throw error;
    } finally {
      this.#depth -= 1;
    }
  }

  run(statement: string, ...params: SQLInputValue[]): { changes: number; lastId: number } {
    const result = this.sql.prepare(statement).run(...params);
    return { changes: Number(result.changes), lastId: Number(result.lastInsertRowid) };
  }

  get(statement: string, ...params: SQLInputValue[]): Row | undefined {
    return this.sql.prepare(statement).get(...params);
  }

  all(statement: string, ...params: SQLInputValue[]): Row[] {
    return this.sql.prepare(statement).all(...params);
  }

  close(): void {
    if (this.sql.isOpen) this.sql.close();
  }
}

/** Opens (creating if needed) the SQLite database `file`; `:memory:` for an in-memory one. */
export function openDatabase(file: string): Database {
  if (file === ':memory:') return new SqliteDatabase(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const database = new SqliteDatabase(file);
  // Password hashes and the (encrypted) wallet: readable by the gateway's user only.
  for (const each of [file, `${file}-wal`, `${file}-shm`])
    if (existsSync(each)) chmodSync(each, 0o600);
  return database;
}

/** A text column; throws when the row does not have it. */
export function textOf(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new TypeError(`column ${column} is not text`);
  return value;
}

/** A nullable text column. */
export function optionalTextOf(row: Row, column: string): string | undefined {
  const value = row[column];
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`column ${column} is not text`);
  return value;
}

/** An integer column. */
export function numberOf(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new TypeError(`column ${column} is not a number`);
}

/** A blob column. */
export function blobOf(row: Row, column: string): Buffer {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw new TypeError(`column ${column} is not a blob`);
  return Buffer.from(value);
}

/** What {@link addColumnIfMissing} adds. */
export interface ColumnMigration {
  /** The table, created before the call. */
  readonly table: string;
  /** The column's name. */
  readonly column: string;
  /** Its type and constraints as `ALTER TABLE ... ADD COLUMN` takes them, e.g. `TEXT`. */
  readonly definition: string;
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/** The column names of `table` (none when there is no such table). */
export function columnsOf(db: Database, table: string): string[] {
  if (!IDENTIFIER.test(table)) throw new TypeError(`not a plain table name: ${table}`);
  return db.all(`PRAGMA table_info(${table})`).map((row) => textOf(row, 'name'));
}

/**
 * Adds a column that a store from an earlier version lacks; does nothing when it is there.
 * Returns whether it added it. Names are the stores' own constants, checked to be plain
 * identifiers because SQLite takes no parameters for them.
 */
export function addColumnIfMissing(db: Database, migration: Readonly<ColumnMigration>): boolean {
  const { table, column, definition } = migration;
  if (!IDENTIFIER.test(table) || !IDENTIFIER.test(column))
    throw new TypeError(`not a plain table or column name: ${table}.${column}`);
  const columns = columnsOf(db, table);
  if (columns.length === 0) throw new TypeError(`no table ${table}`);
  if (columns.includes(column)) return false;
  db.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  return true;
}
