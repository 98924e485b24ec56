import { readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  OSQUERY_VERSION,
  osqueryTablesFor,
  type OsqueryColumnSchema,
  type OsqueryTableSchema,
} from '../../src/core/osquery/schema.js';
import type { Platform } from '../../src/core/platform.js';
import { errorMessage } from '../../src/core/error-message.js';

export type FixtureValue = string | number | boolean | null;
/** A scenario: rows per osquery table. Tables it does not name stay empty. */
export interface Fixture {
  tables?: Record<string, Record<string, FixtureValue>[]>;
}

export class StandinSqlError extends Error {}

const DECLARED_TYPE: Record<OsqueryColumnSchema['type'], string> = {
  text: 'TEXT',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  unsigned_bigint: 'UNSIGNED BIGINT',
  double: 'DOUBLE',
};

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * osquery's tables for one platform as SQLite tables in memory, filled from a fixture file that
 * is re-read whenever it changes, so a test can change the "machine" while the daemon runs.
 */
export class StandinSqlEngine {
  private readonly db: Database.Database;
  private readonly tables = new Map<string, OsqueryTableSchema>();
  private fixtureStamp = '';

  constructor(
    private readonly platform: Platform,
    private readonly fixturePath: string | undefined,
    private readonly builtins: Record<string, Record<string, FixtureValue>[]>,
  ) {
    this.db = new Database(':memory:');
    this.db.defaultSafeIntegers(true);
    for (const table of osqueryTablesFor(platform)) {
      this.tables.set(table.name, table);
      const columns = table.columns.map((column) => `${quote(column.name)} ${DECLARED_TYPE[column.type]}`);
      this.db.exec(`CREATE TABLE ${quote(table.name)} (${columns.join(', ')})`);
    }
    this.reloadIfChanged();
  }

  /** Runs SQL and formats every value the way osquery does: strings, NULL as "". */
  query(sql: string): Record<string, string>[] {
    this.reloadIfChanged();
    const statement = this.prepare(sql);
    if (!statement.reader) throw new StandinSqlError('attempt to write a readonly database');
    try {
      const names = statement.columns().map((column) => column.name);
      return (statement.raw(true).all() as unknown[][]).map((values) => {
        const row: Record<string, string> = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = formatValue(values[i]);
        return row;
      });
    } catch (error) {
      throw new StandinSqlError(errorMessage(error));
    }
  }

  /** The result columns of `sql` with osquery's type names, as getQueryColumns answers. */
  columns(sql: string): Record<string, string>[] {
    this.reloadIfChanged();
    const statement = this.prepare(sql);
    if (!statement.reader) throw new StandinSqlError('attempt to write a readonly database');
    return statement.columns().map((column) => ({ [column.name]: column.type ?? 'TEXT' }));
  }

  private prepare(sql: string): Database.Statement {
    try {
      return this.db.prepare(sql);
    } catch (error) {
      throw new StandinSqlError(errorMessage(error));
    }
  }

  private reloadIfChanged(): void {
    let stamp = 'none';
    let fixture: Fixture = {};
    if (this.fixturePath) {
      const stat = statSync(this.fixturePath, { throwIfNoEntry: false });
      if (stat) {
        stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
        if (stamp === this.fixtureStamp) return;
        fixture = JSON.parse(readFileSync(this.fixturePath, 'utf8')) as Fixture;
      }
    }
    if (stamp === this.fixtureStamp) return;
    this.fixtureStamp = stamp;
    this.fill({ ...this.builtins, ...(fixture.tables ?? {}) });
  }

  private fill(rowsByTable: Record<string, Record<string, FixtureValue>[]>): void {
    const fillAll = this.db.transaction(() => {
      for (const name of this.tables.keys()) this.db.exec(`DELETE FROM ${quote(name)}`);
      for (const [name, rows] of Object.entries(rowsByTable)) {
        const table = this.tables.get(name);
        if (!table) throw new Error(`fixture names table '${name}', which osquery ${OSQUERY_VERSION} has not on ${this.platform}`);
        const known = new Set(table.columns.map((column) => column.name));
        for (const row of rows) {
          const names = Object.keys(row);
          const unknown = names.find((column) => !known.has(column));
          if (unknown) throw new Error(`fixture row for '${name}' has column '${unknown}', which the table has not`);
          if (names.length === 0) continue;
          const insert = this.db.prepare(
            `INSERT INTO ${quote(name)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
          );
          insert.run(...names.map((column) => toSqlite(row[column] ?? null)));
        }
      }
    });
    fillAll();
  }
}

function toSqlite(value: FixtureValue): string | number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}
