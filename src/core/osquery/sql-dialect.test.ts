import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { addOsqueryFunctionNames, prepareAsOsquery } from './sql-dialect.js';

let db: Database.Database;
afterEach(() => db?.close());

function database(): Database.Database {
  db = new Database(':memory:');
  db.exec("CREATE TABLE services (name TEXT, start_type TEXT); INSERT INTO services VALUES ('Spooler', 'DISABLED'), ('NTDS', 'AUTO_START')");
  return db;
}

describe("osquery's SQL on better-sqlite3", () => {
  it('reads a double-quoted word that names no column as a string, as osquery does, and one that names a column as the column', () => {
    const rows = prepareAsOsquery(database(), 'SELECT name FROM services WHERE start_type = "DISABLED" AND "name" = name').all();
    expect(rows).toEqual([{ name: 'Spooler' }]);
    // Quotes inside the word, and the same word inside a single-quoted string or a comment, stay as written.
    const quoted = prepareAsOsquery(db, `SELECT "it's ""x""" AS v, 'say "DISABLED"' AS w -- "DISABLED"`).get();
    expect(quoted).toEqual({ v: `it's "x"`, w: 'say "DISABLED"' });
  });

  it('still refuses what osquery refuses', () => {
    expect(() => prepareAsOsquery(database(), 'SELECT nope FROM services')).toThrow('no such column: nope');
    expect(() => prepareAsOsquery(db, 'SELECT regex_match(name, "x", 0) FROM services')).toThrow('no such function: regex_match');
    addOsqueryFunctionNames(db);
    expect(prepareAsOsquery(db, 'SELECT regex_match(name, "x", 0) AS m FROM services').all()).toEqual([{ m: null }, { m: null }]);
  });
});
