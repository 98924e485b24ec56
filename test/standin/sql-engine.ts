import { readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  OSQUERY_VERSION,
  osqueryTablesFor,
  type OsqueryColumnSchema,
  type OsqueryTableSchema,
} from '../../src/core/osquery/schema.js';
import type { Platform } from '../../src/core/platform.js';
import { prepareAsOsquery } from '../../src/core/osquery/sql-dialect.js';
import { errorMessage } from '../../src/core/error-message.js';
import { matchingRules, YaraCompileError } from './yara-lite.js';

export type FixtureValue = string | number | boolean | null;
export type FixtureRow = Record<string, FixtureValue>;

/**
 * A scenario: a machine as osqueryd, running as one user, sees it. Tables it does not name stay
 * empty, as osquery's tables are when the user may not read what they need.
 */
export interface Fixture {
  /** What machine this is, and as whom osqueryd runs. */
  description?: string;
  /** Why a table holds what it holds, traced to osquery's source. */
  notes?: Record<string, string>;
  /** The account osqueryd runs as: osquery lists its own process, with this uid. */
  osqueryd?: { uid: number; gid?: number };
  /** Contents of the files osqueryd may read, for the tables that read contents (yara_file). */
  files?: Record<string, string>;
  tables?: Record<string, FixtureRow[]>;
}

/** What the stand-in adds to a fixture: tables it fills when the fixture does not, and rows about itself. */
export interface BuiltinRows {
  /** Used when the fixture does not name the table. */
  defaults: Record<string, FixtureRow[]>;
  /** Added to whatever the fixture says (osqueryd's own process and socket). */
  own: Record<string, FixtureRow[]>;
}

export class StandinSqlError extends Error {}

const DECLARED_TYPE: Record<OsqueryColumnSchema['type'], string> = {
  text: 'TEXT',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  unsigned_bigint: 'UNSIGNED BIGINT',
  double: 'DOUBLE',
};

/** osquery's table name for `yara` (specs/yara_file.table: aliases=["yara"]). */
const YARA_TABLE = 'yara_file';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * osquery's tables for one platform as SQLite tables in memory, filled from a fixture file that
 * is re-read whenever it changes, so a test can change the "machine" while the daemon runs.
 */
export class StandinSqlEngine {
  private readonly db: Database.Database;
  private readonly tables = new Map<string, OsqueryTableSchema>();
  private fixtureStamp = '';

  private files: Record<string, string> = {};

  constructor(
    private readonly platform: Platform,
    private readonly fixturePath: string | undefined,
    private readonly builtins: (fixture: Fixture) => BuiltinRows,
  ) {
    this.db = new Database(':memory:');
    this.db.defaultSafeIntegers(true);
    for (const table of osqueryTablesFor(platform)) {
      this.tables.set(table.name, table);
      if (table.name === YARA_TABLE) {
        this.defineYara(table);
        continue;
      }
      const columns = table.columns.map((column) => `${quote(column.name)} ${DECLARED_TYPE[column.type]}`);
      this.db.exec(`CREATE TABLE ${quote(table.name)} (${columns.join(', ')})`);
    }
    this.reloadIfChanged();
  }

  /**
   * yara_file scans a file's contents with rules given in the query (osquery/tables/yara/yara.cpp):
   * a row only for a file it could read, with the names of the rules that matched.
   */
  private defineYara(table: OsqueryTableSchema): void {
    const parameters = ['path', 'sigrule'];
    this.db.table(YARA_TABLE, {
      columns: table.columns.map((column) => column.name).filter((name) => !parameters.includes(name)),
      parameters,
      rows: function* (this: void, path: unknown, sigrule: unknown) {
        if (typeof path !== 'string' || typeof sigrule !== 'string') return;
        const content = files()[path];
        if (content === undefined) return;
        let matches: string[];
        try {
          matches = matchingRules(sigrule, Buffer.from(content, 'utf8'));
        } catch (error) {
          if (error instanceof YaraCompileError) return;
          throw error;
        }
        yield { matches: matches.join(','), count: matches.length, sig_group: '', sigfile: '', strings: '', tags: '', sigurl: '', pid_with_namespace: null };
      },
    });
    const files = () => this.files;
  }

  /** Fills the tables again before the next query (osqueryd's view of itself changed). */
  invalidate(): void {
    this.fixtureStamp = '';
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

  /** Prepared as osquery's SQLite reads it (double-quoted words that name no column are strings). */
  private prepare(sql: string): Database.Statement {
    try {
      return prepareAsOsquery(this.db, sql);
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
    const { defaults, own } = this.builtins(fixture);
    const rowsByTable = { ...defaults, ...(fixture.tables ?? {}) };
    for (const [name, rows] of Object.entries(own)) rowsByTable[name] = [...(rowsByTable[name] ?? []), ...rows];
    this.files = fixture.files ?? {};
    this.fill(rowsByTable);
  }

  private fill(rowsByTable: Record<string, FixtureRow[]>): void {
    const fillAll = this.db.transaction(() => {
      for (const name of this.tables.keys()) if (name !== YARA_TABLE) this.db.exec(`DELETE FROM ${quote(name)}`);
      for (const [name, rows] of Object.entries(rowsByTable)) {
        const table = this.tables.get(name);
        if (name === YARA_TABLE) throw new Error(`fixture names table '${name}'; give the files it scans under "files" instead`);
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

/** JSON numbers bind as doubles, which a TEXT column would keep as "0.0"; osquery's integers read "0". */
function toSqlite(value: FixtureValue): string | number | bigint | null {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return value;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}
