import Database from 'better-sqlite3';
import type { Platform } from '../platform.js';
import { FLEETD_TABLES, OSQUERY_COLUMN_FOR, OSQUERY_TABLE_FOR } from './foreign-tables.js';
import { OSQUERY_VERSION, osqueryTables, osqueryTablesFor } from './schema.js';
import { addOsqueryFunctionNames, prepareAsOsquery } from './sql-dialect.js';

const PLATFORM_NAMES: Record<Platform, string> = { darwin: 'macOS', linux: 'Linux', windows: 'Windows' };

/** Other names osquery answers to (its specs' `aliases`). */
const TABLE_ALIASES: Readonly<Record<string, string>> = { yara: 'yara_file' };

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const databases = new Map<Platform, Database.Database>();

/** osquery's tables for `platform` as empty SQLite tables, with osquery's functions: SQLite prepares a query as osquery would. */
function schemaDatabase(platform: Platform): Database.Database {
  let db = databases.get(platform);
  if (db) return db;
  db = new Database(':memory:');
  for (const table of osqueryTablesFor(platform)) {
    db.exec(`CREATE TABLE ${quote(table.name)} (${table.columns.map((column) => quote(column.name)).join(', ')})`);
  }
  for (const [alias, table] of Object.entries(TABLE_ALIASES)) {
    if (osqueryTablesFor(platform).some((t) => t.name === table)) db.exec(`CREATE VIEW ${quote(alias)} AS SELECT * FROM ${quote(table)}`);
  }
  addOsqueryFunctionNames(db);
  databases.set(platform, db);
  return db;
}

/**
 * Why osquery would refuse `sql` on `platform`, in words ("needs Fleet's `file_lines` extension
 * table, which a plain osqueryd does not have"), or undefined when osquery's schema has every
 * table, column and function it names.
 */
export function queryProblem(sql: string, platform: Platform): string | undefined {
  let statement: Database.Statement;
  try {
    statement = prepareAsOsquery(schemaDatabase(platform), sql);
  } catch (error) {
    const message = (error as Error).message;
    return explainSqlError(message, sql, platform) ?? `osquery would refuse it: ${message}`;
  }
  return statement.reader ? undefined : 'is not a query: osquery runs SELECT statements only';
}

/**
 * osquery's (SQLite's) message for a missing table, column or function, said as what the query
 * needs and why; undefined for any other message.
 */
export function explainSqlError(message: string, sql: string, platform: Platform): string | undefined {
  const table = /^no such table: (?:main\.)?(\S+)$/.exec(message)?.[1];
  if (table) return missingTable(table, platform);
  const column = /^no such column: (\S+)$/.exec(message)?.[1];
  if (column) return missingColumn(column, sql, platform);
  const fn = /^no such function: (\S+)$/.exec(message)?.[1];
  if (fn) return `uses the function ${fn}(), which osquery's SQL does not have`;
  return undefined;
}

function missingTable(table: string, platform: Platform): string {
  if (FLEETD_TABLES.has(table)) return `needs Fleet's \`${table}\` extension table, which a plain osqueryd does not have`;
  const osquerys = OSQUERY_TABLE_FOR[table];
  if (osquerys) return `uses \`${table}\`: osquery's table is ${osquerys}, not ${table}`;
  const elsewhere = osqueryTables().find((t) => t.name === table)?.platforms.filter((p) => p !== platform);
  if (elsewhere?.length) return `uses \`${table}\`, which osquery has on ${elsewhere.map((p) => PLATFORM_NAMES[p]).join(' and ')} only, not on ${PLATFORM_NAMES[platform]}`;
  return `uses \`${table}\`, which osquery ${OSQUERY_VERSION} does not have`;
}

function missingColumn(reference: string, sql: string, platform: Platform): string {
  const [qualifier, column] = reference.includes('.') ? (reference.split('.', 2) as [string, string]) : [undefined, reference];
  const tables = new Map(osqueryTablesFor(platform).map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  const read = tablesRead(sql, tables);
  const candidates = qualifier !== undefined ? [read.aliases.get(qualifier) ?? qualifier].filter((t) => tables.has(t)) : read.tables;
  const lacking = candidates.filter((t) => !tables.get(t)!.has(column));
  const renamed = lacking.find((t) => OSQUERY_COLUMN_FOR[t]?.[column]);
  if (renamed) return `${renamed} has no column ${column}; osquery's is ${OSQUERY_COLUMN_FOR[renamed]![column]}`;
  if (lacking.length === 1) return `${lacking[0]} has no column ${column}`;
  if (lacking.length > 1) return `none of the tables it reads (${lacking.join(', ')}) has a column ${column}`;
  return `names a column ${column} that no table it reads has`;
}

/** The osquery tables a query names, and the aliases it gives them (`FROM systemd_units AS s`). */
function tablesRead(sql: string, tables: ReadonlyMap<string, unknown>): { tables: string[]; aliases: Map<string, string> } {
  const code = sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  const named = new Set<string>();
  const aliases = new Map<string, string>();
  for (const match of code.matchAll(/\b([A-Za-z_]\w*)\b(?=(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?)/gi)) {
    const [, word, alias] = match;
    if (!tables.has(word!)) continue;
    named.add(word!);
    if (alias && !SQL_KEYWORDS.has(alias.toUpperCase())) aliases.set(alias, word!);
  }
  return { tables: [...named], aliases };
}

const SQL_KEYWORDS = new Set(
  'WHERE JOIN LEFT RIGHT INNER OUTER CROSS NATURAL ON USING GROUP ORDER HAVING LIMIT UNION EXCEPT INTERSECT SELECT FROM AND OR NOT AS IN IS LIKE GLOB BETWEEN WINDOW'.split(' '),
);
