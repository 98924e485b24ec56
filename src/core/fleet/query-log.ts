import type Database from 'better-sqlite3';

/** Why Fleet asked, from the name it gave the query (fleet server/service/osquery.go: host*QueryPrefix). */
export type FleetQueryPurpose = 'live' | 'host details' | 'label' | 'policy' | 'scheduled' | 'other';

export interface FleetQueryRecord {
  /** When osqueryd ran it (distributed), or when Porchlight first saw it scheduled. */
  at: number;
  kind: 'distributed' | 'scheduled';
  /** The server it came from (host[:port]). */
  server: string;
  /** osquery's id for a distributed query; the schedule's name for a scheduled one. */
  queryId: string;
  sql: string;
  purpose: FleetQueryPurpose;
  /** Scheduled: every so many seconds. */
  intervalSeconds: number | null;
  /** Distributed: osquery's error when the query failed. */
  error: string | null;
}

/** A query in osquery's schedule now (osquery_schedule). */
export interface ScheduledQuery {
  name: string;
  sql: string;
  intervalSeconds: number;
  executions: number;
  /** Unix time of its last run, 0 when it has not run since osqueryd started. */
  lastExecuted: number;
}

const PREFIXES: [string, FleetQueryPurpose][] = [
  ['fleet_distributed_query_', 'live'],
  ['fleet_detail_query_', 'host details'],
  ['fleet_additional_query_', 'host details'],
  ['fleet_label_query_', 'label'],
  ['fleet_policy_query_', 'policy'],
];

export function fleetQueryPurpose(kind: FleetQueryRecord['kind'], queryId: string): FleetQueryPurpose {
  if (kind === 'scheduled') return 'scheduled';
  return PREFIXES.find(([prefix]) => queryId.startsWith(prefix))?.[1] ?? 'other';
}

interface Row {
  at: number;
  kind: FleetQueryRecord['kind'];
  server: string;
  query_id: string;
  sql: string;
  interval_seconds: number | null;
  error: string | null;
}

const toRecord = (row: Row): FleetQueryRecord => ({
  at: row.at,
  kind: row.kind,
  server: row.server,
  queryId: row.query_id,
  sql: row.sql,
  purpose: fleetQueryPurpose(row.kind, row.query_id),
  intervalSeconds: row.interval_seconds,
  error: row.error,
});

/** The history of what Fleet servers asked of this laptop, in the history database (table fleet_queries). */
export class FleetQueryLog {
  constructor(private readonly db: Database.Database) {}

  recordDistributed(entry: { at: number; server: string; queryId: string; sql: string }): FleetQueryRecord {
    this.db
      .prepare("INSERT INTO fleet_queries (at, kind, server, query_id, sql) VALUES (?, 'distributed', ?, ?, ?)")
      .run(entry.at, entry.server, entry.queryId, entry.sql);
    return { ...entry, kind: 'distributed', purpose: fleetQueryPurpose('distributed', entry.queryId), intervalSeconds: null, error: null };
  }

  /** osquery's error for the latest run of a distributed query. */
  recordError(queryId: string, message: string): void {
    this.db
      .prepare(
        `UPDATE fleet_queries SET error = ? WHERE id = (SELECT max(id) FROM fleet_queries WHERE kind = 'distributed' AND query_id = ?)`,
      )
      .run(message, queryId);
  }

  /** Records the scheduled queries that are new or changed since last seen; returns those. */
  recordSchedule(server: string, schedule: ScheduledQuery[], at: number): FleetQueryRecord[] {
    const latest = this.db.prepare(
      `SELECT sql, interval_seconds FROM fleet_queries WHERE kind = 'scheduled' AND server = ? AND query_id = ? ORDER BY id DESC LIMIT 1`,
    );
    const insert = this.db.prepare(
      "INSERT INTO fleet_queries (at, kind, server, query_id, sql, interval_seconds) VALUES (?, 'scheduled', ?, ?, ?, ?)",
    );
    const added: FleetQueryRecord[] = [];
    this.db
      .transaction(() => {
        for (const query of schedule) {
          const seen = latest.get(server, query.name) as { sql: string; interval_seconds: number } | undefined;
          if (seen && seen.sql === query.sql && seen.interval_seconds === query.intervalSeconds) continue;
          insert.run(at, server, query.name, query.sql, query.intervalSeconds);
          added.push({
            at,
            kind: 'scheduled',
            server,
            queryId: query.name,
            sql: query.sql,
            purpose: 'scheduled',
            intervalSeconds: query.intervalSeconds,
            error: null,
          });
        }
      })
      .immediate();
    return added;
  }

  /** Newest first. */
  list(options: { since?: number; limit?: number } = {}): FleetQueryRecord[] {
    const rows = this.db
      .prepare(
        `SELECT at, kind, server, query_id, sql, interval_seconds, error FROM fleet_queries
         WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(options.since ?? 0, options.limit ?? 1000) as Row[];
    return rows.map(toRecord);
  }

  /** When osqueryd last ran a query for `server` since `since`, if it did. */
  lastDistributedAt(server: string, since: number): number | null {
    const row = this.db
      .prepare("SELECT max(at) AS at FROM fleet_queries WHERE kind = 'distributed' AND server = ? AND at >= ?")
      .get(server, since) as { at: number | null };
    return row.at;
  }

  /** How many queries osqueryd ran for a server since `since`. */
  countDistributed(since: number): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM fleet_queries WHERE kind = 'distributed' AND at >= ?").get(since) as { n: number }).n;
  }
}
