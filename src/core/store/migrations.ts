import type Database from 'better-sqlite3';

/**
 * Versioned schema changes, applied in order; PRAGMA user_version records how many have run.
 * Never edit a shipped migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    trigger TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    error TEXT
  );
  CREATE INDEX scans_by_start ON scans (started_at);

  -- One row per run of unchanged results: a new row only when a check's result changes.
  CREATE TABLE check_states (
    id INTEGER PRIMARY KEY,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL,
    summary TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    finding_count INTEGER NOT NULL DEFAULT 0,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    first_scan_id INTEGER REFERENCES scans (id) ON DELETE SET NULL,
    last_scan_id INTEGER REFERENCES scans (id) ON DELETE SET NULL
  );
  CREATE INDEX check_states_timeline ON check_states (check_id, first_at);

  CREATE TABLE findings (
    check_id TEXT NOT NULL,
    key TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    counted INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    resolved_at INTEGER,
    PRIMARY KEY (check_id, key)
  );
  CREATE INDEX findings_open ON findings (resolved_at, check_id);
  -- Short ids are for people; the primary key is the identity, so a (vanishingly rare) clash never blocks a scan.
  CREATE INDEX findings_by_id ON findings (id);

  CREATE TABLE acknowledgements (
    check_id TEXT NOT NULL,
    key TEXT NOT NULL,
    until INTEGER,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (check_id, key)
  );

  CREATE TABLE baselines (
    check_id TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (check_id, key)
  );
  CREATE TABLE baseline_checks (
    check_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
  );
  `,
  `
  -- "I checked, it is on": the owner's own word where osquery cannot see, dated and expiring.
  CREATE TABLE confirmations (
    check_id TEXT PRIMARY KEY,
    statement TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  `
  -- The process running a scan, so a scan its process never finished (killed, crashed) can be told
  -- from one still running in another process.
  ALTER TABLE scans ADD COLUMN pid INTEGER;
  `,
  `
  -- What a Fleet server asked of this laptop: each query osqueryd ran for it (from osqueryd's log
  -- line) and each query it scheduled (from osquery_schedule, when first seen or changed).
  CREATE TABLE fleet_queries (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('distributed', 'scheduled')),
    server TEXT NOT NULL,
    query_id TEXT NOT NULL,
    sql TEXT NOT NULL,
    interval_seconds INTEGER,
    error TEXT
  );
  CREATE INDEX fleet_queries_by_time ON fleet_queries (at);
  `,
];

/** Brings the schema up to date; safe when two processes open the same file at once. */
export function migrate(db: Database.Database): void {
  const step = db.transaction((): boolean => {
    // Read inside the write transaction, so a second process sees the first one's work.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `porchlight.db was written by a newer Porchlight (schema ${version}, this one knows ${MIGRATIONS.length}); update Porchlight.`,
      );
    }
    if (version === MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version]!);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // One migration per transaction.
  }
}
