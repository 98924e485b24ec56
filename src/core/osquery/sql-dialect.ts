import type Database from 'better-sqlite3';

/**
 * osquery's SQLite as a query sees it, for a plain better-sqlite3 database: the functions osquery
 * adds, and double-quoted strings read as osquery's SQLite reads them.
 */

/**
 * Functions osquery registers on top of SQLite's (osquery/sql/sqlite_string.cpp,
 * sqlite_encoding.cpp, sqlite_hashing.cpp, sqlite_network.cpp, sqlite_filesystem.cpp at 5.23.1);
 * SQLite's own math functions (sqrt, power, log10, …) are built into better-sqlite3 already.
 */
export const OSQUERY_SQL_FUNCTIONS = [
  'split',
  'regex_split',
  'regex_match',
  'concat',
  'concat_ws',
  'inet_aton',
  'in_cidr_block',
  'community_id_v1',
  'to_base64',
  'from_base64',
  'conditional_to_base64',
  'md5',
  'sha1',
  'sha256',
  'version_compare',
  'carve',
] as const;

/** Adds osquery's functions as stand-ins that answer NULL: enough to prepare, explain and plan queries. */
export function addOsqueryFunctionNames(db: Database.Database): void {
  for (const name of OSQUERY_SQL_FUNCTIONS) db.function(name, { varargs: true, deterministic: true }, () => null);
}

/** SQLite names the word as it reads it, with doubled quotes undone. */
const DOUBLE_QUOTED_LITERAL = /^no such column: "(.*)" - should this be a string literal in single-quotes\?$/s;

/**
 * Prepares `sql` as osquery's SQLite does. osquery's SQLite reads a double-quoted word that names
 * no column as a string (SQLite's legacy rule, which Fleet's policies rely on: `item = "1.2.1"`);
 * better-sqlite3 is built without it (SQLITE_DQS=0) and says "should this be a string literal".
 * Each such word is turned into a single-quoted string and the statement prepared again.
 */
export function prepareAsOsquery(db: Database.Database, sql: string): Database.Statement {
  let text = sql;
  for (;;) {
    try {
      return db.prepare(text);
    } catch (error) {
      const word = DOUBLE_QUOTED_LITERAL.exec((error as Error).message)?.[1];
      const rewritten = word === undefined ? undefined : quoteAsString(text, `"${word.replaceAll('"', '""')}"`);
      if (rewritten === undefined || rewritten === text) throw error;
      text = rewritten;
    }
  }
}

/** `sql` with every double-quoted `token` outside strings and comments written as a single-quoted string. */
function quoteAsString(sql: string, token: string): string {
  const literal = `'${token.slice(1, -1).replaceAll('""', '"').replaceAll("'", "''")}'`;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const skipped = /^('(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\/|\[[^\]]*\]|`(?:[^`]|``)*`)/.exec(rest)?.[0];
    if (skipped) {
      out += skipped;
      i += skipped.length;
      continue;
    }
    const quoted = /^"(?:[^"]|"")*"/.exec(rest)?.[0];
    if (quoted) {
      out += quoted === token ? literal : quoted;
      i += quoted.length;
      continue;
    }
    out += sql[i];
    i++;
  }
  return out;
}
