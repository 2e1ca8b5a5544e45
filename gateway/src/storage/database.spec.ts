import { describe, expect, it } from 'vitest';
import { addColumnIfMissing, columnsOf, openDatabase } from './database.js';

describe('addColumnIfMissing', () => {
  it('adds a missing column once, keeping the rows and giving them its default', () => {
    const db = openDatabase(':memory:');
    db.sql.exec('CREATE TABLE items (id TEXT PRIMARY KEY) STRICT');
    db.run('INSERT INTO items (id) VALUES (?)', 'a');

    const migration = { table: 'items', column: 'salt', definition: "TEXT NOT NULL DEFAULT ''" };
    expect(addColumnIfMissing(db, migration)).toBe(true);
    expect(addColumnIfMissing(db, migration)).toBe(false);

    expect(columnsOf(db, 'items')).toEqual(['id', 'salt']);
    expect(db.all('SELECT id, salt FROM items')).toEqual([{ id: 'a', salt: '' }]);
    db.close();
  });

  it('refuses a table that does not exist and names that are not plain identifiers', () => {
    const db = openDatabase(':memory:');
    expect(() =>
      addColumnIfMissing(db, { table: 'absent', column: 'x', definition: 'TEXT' }),
    ).toThrow(/no table absent/);
    db.sql.exec('CREATE TABLE items (id TEXT) STRICT');
    expect(() =>
      addColumnIfMissing(db, { table: 'items; DROP TABLE items', column: 'x', definition: 'TEXT' }),
    ).toThrow(/not a plain/);
    expect(() =>
      addColumnIfMissing(db, { table: 'items', column: 'X y', definition: 'TEXT' }),
    ).toThrow(/not a plain/);
    expect(columnsOf(db, 'items')).toEqual(['id']);
    db.close();
  });
});
