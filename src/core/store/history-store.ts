import { createHash } from 'node:crypto';
import { chmodSync, existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../checks/classifiers.js';
import type { CheckStatus } from '../checks/definition.js';
import { corruptAsidePath } from '../paths/corrupt-aside.js';
import { ensurePrivateDataDir, PRIVATE_FILE_MODE } from '../paths/private-data-dir.js';
import { processAlive } from '../osquery/process-control.js';
import { migrate } from './migrations.js';

export const DATABASE_FILE = 'porchlight.db';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Longer than any scan takes (every query has a timeout): a scan this old is no longer running. */
const STALE_SCAN_MS = 60 * 60 * 1000;

export interface CheckResultRecord {
  checkId: string;
  status: CheckStatus;
  summary: string;
  reason: string;
  /** Current findings, when the check ran far enough to know them (not for unknown/error). */
  findings?: Finding[];
}

export interface StoredFinding {
  id: string;
  checkId: string;
  key: string;
  title: string;
  reason: string;
  detail: Record<string, string>;
  counted: boolean;
  firstSeen: number;
  lastSeen: number;
  resolvedAt: number | null;
  acknowledged: boolean;
  acknowledgedUntil: number | null;
}

export interface FindingChanges {
  new: StoredFinding[];
  resolved: StoredFinding[];
}

/** A check whose status differs from its previous recorded one. */
export interface StatusChange {
  checkId: string;
  from: CheckStatus;
  to: CheckStatus;
}

/** What a finished scan changed: findings new and resolved, and checks whose status changed. */
export interface RecordedScan extends FindingChanges {
  statusChanges: StatusChange[];
}

export interface CheckStateRecord {
  checkId: string;
  status: CheckStatus;
  summary: string;
  reason: string;
  findingCount: number;
  firstAt: number;
  lastAt: number;
}

export interface ScanRecord {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  trigger: string;
  status: 'running' | 'ok' | 'failed';
  error: string | null;
}

/** The owner's own word for a check osquery cannot see ("I checked, it is on"). Never a pass. */
export interface OwnerConfirmation {
  statement: string;
  confirmedAt: number;
  expiresAt: number;
}

/** How `acknowledgedKeys` names a finding: its check and its key. */
export function acknowledgementKey(checkId: string, key: string): string {
  return `${checkId}\0${key}`;
}

/** The short, stable id a finding is shown and acknowledged by. */
export function findingId(checkId: string, key: string): string {
  return createHash('sha256').update(acknowledgementKey(checkId, key)).digest('hex').slice(0, 12);
}

interface FindingRow {
  check_id: string;
  key: string;
  id: string;
  title: string;
  reason: string;
  detail: string;
  counted: number;
  first_seen: number;
  last_seen: number;
  resolved_at: number | null;
  ack_until: number | null;
  acked: number | null;
}

/** Findings with their acknowledgement as of `@now`. */
const SELECT_FINDINGS = `SELECT f.check_id, f.key, f.id, f.title, f.reason, f.detail, f.counted, f.first_seen, f.last_seen,
  f.resolved_at, a.until AS ack_until, (a.check_id IS NOT NULL AND (a.until IS NULL OR a.until > @now)) AS acked
  FROM findings f LEFT JOIN acknowledgements a ON a.check_id = f.check_id AND a.key = f.key`;

function toFinding(row: FindingRow): StoredFinding {
  return {
    id: row.id,
    checkId: row.check_id,
    key: row.key,
    title: row.title,
    reason: row.reason,
    detail: JSON.parse(row.detail) as Record<string, string>,
    counted: row.counted === 1,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    resolvedAt: row.resolved_at,
    acknowledged: row.acked === 1,
    acknowledgedUntil: row.ack_until,
  };
}

interface StateRow {
  check_id: string;
  status: CheckStatus;
  summary: string;
  reason: string;
  finding_count: number;
  first_at: number;
  last_at: number;
}

function toState(row: StateRow): CheckStateRecord {
  return {
    checkId: row.check_id,
    status: row.status,
    summary: row.summary,
    reason: row.reason,
    findingCount: row.finding_count,
    firstAt: row.first_at,
    lastAt: row.last_at,
  };
}

export interface OpenedStore {
  store: HistoryStore;
  /** Set when a corrupt database was moved aside: what happened and where the old file is. */
  warning?: string;
}

/**
 * Porchlight's local history in `<data dir>/porchlight.db` (better-sqlite3, WAL). The tray app and
 * the CLI may use the same file at once: writes are short IMMEDIATE transactions with a busy timeout.
 */
export class HistoryStore {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(readonly db: Database.Database) {}

  /** The statement for `text`, prepared once: every scan runs the same few statements many times. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /**
   * Opens (or creates) the database; a corrupt one is moved aside and replaced, with a warning.
   * `nativeBinding` names a better-sqlite3 addon built for another ABI (Electron's, in a checkout).
   */
  static open(dataDir: string, options: { now?: () => number; nativeBinding?: string } = {}): OpenedStore {
    const now = options.now ?? Date.now;
    ensurePrivateDataDir(dataDir);
    const file = path.join(dataDir, DATABASE_FILE);
    const open = () => openDatabase(file, options.nativeBinding);
    try {
      const store = new HistoryStore(open());
      store.markInterruptedScans(now());
      return { store };
    } catch (error) {
      if (!isCorruption(error)) throw error;
      const aside = corruptAsidePath(file, now());
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
      }
      return {
        store: new HistoryStore(open()),
        warning: `The history database was damaged (${(error as Error).message}); it was moved to ${aside} and a new one started.`,
      };
    }
  }

  close(): void {
    this.db.close();
  }

  beginScan(trigger: string, at: number): number {
    const info = this.sql("INSERT INTO scans (started_at, trigger, status, pid) VALUES (?, ?, 'running', ?)").run(at, trigger, process.pid);
    return Number(info.lastInsertRowid);
  }

  /**
   * Scans whose process ended before they did (killed, crashed, the machine lost power) stay
   * "running" in the file; this says they were interrupted. A scan of a process still alive is
   * left alone unless it is older than any scan takes (its pid may since belong to another process).
   */
  markInterruptedScans(now: number): number {
    const running = this.sql("SELECT id, pid, started_at FROM scans WHERE status = 'running'").all() as { id: number; pid: number | null; started_at: number }[];
    const interrupted = running.filter((scan) => scan.pid === null || !processAlive(scan.pid) || now - scan.started_at > STALE_SCAN_MS);
    const mark = this.sql("UPDATE scans SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'");
    for (const scan of interrupted) {
      mark.run(`interrupted: the Porchlight process${scan.pid ? ` (pid ${scan.pid})` : ''} ended during this scan`, now, scan.id);
    }
    return interrupted.length;
  }

  /** Scans that did not finish (failed or interrupted) since `since`, newest first. */
  unfinishedScans(since = 0): ScanRecord[] {
    const rows = this.sql(
      "SELECT id, started_at, finished_at, trigger, status, error FROM scans WHERE status = 'failed' AND started_at >= ? ORDER BY id DESC",
    ).all(since) as { id: number; started_at: number; finished_at: number | null; trigger: string; status: ScanRecord['status']; error: string | null }[];
    return rows.map((row) => ({ id: row.id, startedAt: row.started_at, finishedAt: row.finished_at, trigger: row.trigger, status: row.status, error: row.error }));
  }

  failScan(scanId: number, error: string, at: number): void {
    this.sql("UPDATE scans SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, at, scanId);
  }

  /**
   * Records a finished scan's results and compares its findings with the open ones, in one write
   * transaction so a scan from another process cannot interleave. Checks without findings (unknown,
   * error) leave their open findings as they were: no data is not a resolution.
   */
  finishScan(scanId: number, results: CheckResultRecord[], at: number): RecordedScan {
    const changes: RecordedScan = { new: [], resolved: [], statusChanges: [] };
    const write = this.db.transaction(() => {
      for (const result of results) {
        const before = this.recordState(scanId, result, at);
        if (before && before !== result.status) changes.statusChanges.push({ checkId: result.checkId, from: before, to: result.status });
        if (result.findings) this.recordFindings(result.checkId, result.findings, at, changes);
      }
      this.sql("UPDATE scans SET status = 'ok', finished_at = ? WHERE id = ?").run(at, scanId);
    });
    write.immediate();
    return changes;
  }

  /** Extends or starts the check's result run; its previous status, if it had one. */
  private recordState(scanId: number, result: CheckResultRecord, at: number): CheckStatus | undefined {
    const findingCount = result.findings?.filter((f) => f.counted).length ?? 0;
    const latest = this.sql(
      'SELECT id, status, summary, reason, finding_count FROM check_states WHERE check_id = ? ORDER BY first_at DESC, id DESC LIMIT 1',
    ).get(result.checkId) as { id: number; status: CheckStatus; summary: string; reason: string; finding_count: number } | undefined;
    if (
      latest &&
      latest.status === result.status &&
      latest.summary === result.summary &&
      latest.reason === result.reason &&
      latest.finding_count === findingCount
    ) {
      this.sql('UPDATE check_states SET last_at = ?, last_scan_id = ? WHERE id = ?').run(at, scanId, latest.id);
      return latest.status;
    }
    this.sql(
      `INSERT INTO check_states (check_id, status, summary, reason, finding_count, first_at, last_at, first_scan_id, last_scan_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(result.checkId, result.status, result.summary, result.reason, findingCount, at, at, scanId, scanId);
    return latest?.status;
  }

  private recordFindings(checkId: string, findings: Finding[], at: number, changes: FindingChanges): void {
    const open = new Set(
      (this.sql('SELECT key FROM findings WHERE check_id = ? AND resolved_at IS NULL').all(checkId) as { key: string }[]).map(
        (row) => row.key,
      ),
    );
    const upsert = this.sql(
    `INSERT INTO findings (check_id, key, id, title, reason, detail, counted, first_seen, last_seen, resolved_at)
     VALUES (@checkId, @key, @id, @title, @reason, @detail, @counted, @at, @at, NULL)
     ON CONFLICT (check_id, key) DO UPDATE SET
       title = excluded.title, reason = excluded.reason, detail = excluded.detail, counted = excluded.counted,
       last_seen = excluded.last_seen,
       first_seen = CASE WHEN findings.resolved_at IS NULL THEN findings.first_seen ELSE excluded.first_seen END,
       resolved_at = NULL`,
  );
  const current = new Set<string>();
  for (const finding of findings) {
    if (current.has(finding.key)) continue;
    current.add(finding.key);
    upsert.run({
      checkId,
      key: finding.key,
      id: findingId(checkId, finding.key),
      title: finding.title,
      reason: finding.reason,
      detail: JSON.stringify(finding.detail),
      counted: finding.counted ? 1 : 0,
      at,
    });
    if (!open.has(finding.key)) changes.new.push(this.finding(checkId, finding.key, at)!);
  }
  const resolve = this.sql('UPDATE findings SET resolved_at = ? WHERE check_id = ? AND key = ?');
  for (const key of open) {
    if (current.has(key)) continue;
    resolve.run(at, checkId, key);
    changes.resolved.push(this.finding(checkId, key, at)!);
  }
}

finding(checkId: string, key: string, now: number = Date.now()): StoredFinding | undefined {
  const row = this.sql(
      `${SELECT_FINDINGS}
       WHERE f.check_id = @checkId AND f.key = @key`,
    ).get({ checkId, key, now }) as FindingRow | undefined;
    return row ? toFinding(row) : undefined;
  }

  /** A finding by its short id, or by `check-id:key`. */
  findFinding(reference: string, now: number = Date.now()): StoredFinding | undefined {
    const row = this.sql(
      `${SELECT_FINDINGS}
       WHERE f.id = @reference OR f.check_id || ':' || f.key = @reference`,
    ).get({ reference, now }) as FindingRow | undefined;
    return row ? toFinding(row) : undefined;
  }

  /** Open findings (and resolved ones with `includeResolved`), newest first. */
  findings(options: { includeResolved?: boolean; checkId?: string } = {}, now: number = Date.now()): StoredFinding[] {
    const rows = this.sql(
      `${SELECT_FINDINGS}
       WHERE (@all = 1 OR f.resolved_at IS NULL) AND (@checkId IS NULL OR f.check_id = @checkId)
       ORDER BY f.resolved_at IS NOT NULL, f.first_seen DESC, f.check_id, f.key`,
    ).all({ all: options.includeResolved ? 1 : 0, checkId: options.checkId ?? null, now }) as FindingRow[];
    return rows.map(toFinding);
  }

  /** The findings acknowledged at `now`, by `acknowledgementKey`. */
  acknowledgedKeys(now: number): Set<string> {
    const rows = this.sql('SELECT check_id, key FROM acknowledgements WHERE until IS NULL OR until > ?').all(now) as { check_id: string; key: string }[];
    return new Set(rows.map((row) => acknowledgementKey(row.check_id, row.key)));
  }

  acknowledge(checkId: string, key: string, options: { until?: number | null; note?: string }, at: number): void {
    this.sql(
      `INSERT INTO acknowledgements (check_id, key, until, note, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (check_id, key) DO UPDATE SET until = excluded.until, note = excluded.note, created_at = excluded.created_at`,
    ).run(checkId, key, options.until ?? null, options.note ?? '', at);
  }

  unacknowledge(checkId: string, key: string): boolean {
    return this.sql('DELETE FROM acknowledgements WHERE check_id = ? AND key = ?').run(checkId, key).changes > 0;
  }

  confirm(checkId: string, confirmation: OwnerConfirmation): void {
    this.sql(
      `INSERT INTO confirmations (check_id, statement, confirmed_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (check_id) DO UPDATE SET statement = excluded.statement, confirmed_at = excluded.confirmed_at,
         expires_at = excluded.expires_at`,
    ).run(checkId, confirmation.statement, confirmation.confirmedAt, confirmation.expiresAt);
  }

  unconfirm(checkId: string): boolean {
    return this.sql('DELETE FROM confirmations WHERE check_id = ?').run(checkId).changes > 0;
  }

  /** The owner's confirmations still in force at `now`, by check id. */
  confirmations(now: number): Map<string, OwnerConfirmation> {
    const rows = this.sql('SELECT check_id, statement, confirmed_at, expires_at FROM confirmations WHERE expires_at > ?').all(now) as {
      check_id: string;
      statement: string;
      confirmed_at: number;
      expires_at: number;
    }[];
    return new Map(rows.map((row) => [row.check_id, { statement: row.statement, confirmedAt: row.confirmed_at, expiresAt: row.expires_at }]));
  }

  /** The baseline keys of a check, or undefined before its first baseline was taken. */
  baseline(checkId: string): Set<string> | undefined {
    const known = this.sql('SELECT 1 FROM baseline_checks WHERE check_id = ?').get(checkId);
    if (!known) return undefined;
    const rows = this.sql('SELECT key FROM baselines WHERE check_id = ?').all(checkId) as { key: string }[];
    return new Set(rows.map((row) => row.key));
  }

  setBaseline(checkId: string, keys: Iterable<string>, at: number): void {
    this.db
      .transaction(() => {
        this.sql('INSERT OR IGNORE INTO baseline_checks (check_id, created_at) VALUES (?, ?)').run(checkId, at);
        const insert = this.sql('INSERT OR IGNORE INTO baselines (check_id, key) VALUES (?, ?)');
        for (const key of keys) insert.run(checkId, key);
      })
      .immediate();
  }

  /** A check's result timeline (one entry per change), oldest first. */
  history(options: { checkId?: string; since?: number } = {}): CheckStateRecord[] {
    const rows = this.sql(
      `SELECT check_id, status, summary, reason, finding_count, first_at, last_at FROM check_states
       WHERE (@checkId IS NULL OR check_id = @checkId) AND last_at >= @since
       ORDER BY first_at, id`,
    ).all({ checkId: options.checkId ?? null, since: options.since ?? 0 }) as StateRow[];
    return rows.map(toState);
  }

  /** Each check's latest result run, by check id. */
  latestStates(): Map<string, CheckStateRecord> {
    const rows = this.sql(
      `SELECT check_id, status, summary, reason, finding_count, first_at, last_at FROM check_states s
       WHERE id = (SELECT id FROM check_states WHERE check_id = s.check_id ORDER BY first_at DESC, id DESC LIMIT 1)`,
    ).all() as StateRow[];
    return new Map(rows.map((row) => [row.check_id, toState(row)]));
  }

  /** The latest scan that ended (ok or failed); `{ ok: true }`: the latest that recorded results. */
  lastScan(options: { ok?: boolean } = {}): ScanRecord | undefined {
    const row = this.sql(
      `SELECT id, started_at, finished_at, trigger, status, error FROM scans
       WHERE status != 'running' AND (@ok = 0 OR status = 'ok') ORDER BY id DESC LIMIT 1`,
    ).get({ ok: options.ok ? 1 : 0 }) as
      | { id: number; started_at: number; finished_at: number | null; trigger: string; status: ScanRecord['status']; error: string | null }
      | undefined;
    return row
      ? { id: row.id, startedAt: row.started_at, finishedAt: row.finished_at, trigger: row.trigger, status: row.status, error: row.error }
      : undefined;
  }

  /** When the scans that recorded results since `since` finished, oldest first. */
  scanTimes(since: number): number[] {
    const rows = this.sql("SELECT finished_at FROM scans WHERE status = 'ok' AND finished_at >= ? ORDER BY finished_at").all(since) as {
      finished_at: number;
    }[];
    return rows.map((row) => row.finished_at);
  }

  /** Deletes scans, result runs, resolved findings and Fleet's queries older than `days`; expired acknowledgements too. */
  applyRetention(days: number, now: number): void {
    const cutoff = now - days * DAY_MS;
    this.db
      .transaction(() => {
        this.sql('DELETE FROM check_states WHERE last_at < ?').run(cutoff);
        this.sql('DELETE FROM scans WHERE started_at < ?').run(cutoff);
        this.sql('DELETE FROM findings WHERE resolved_at IS NOT NULL AND resolved_at < ?').run(cutoff);
        this.sql('DELETE FROM acknowledgements WHERE until IS NOT NULL AND until < ?').run(cutoff);
        this.sql('DELETE FROM confirmations WHERE expires_at < ?').run(cutoff);
        this.sql('DELETE FROM fleet_queries WHERE at < ?').run(cutoff);
      })
      .immediate();
  }
}

function openDatabase(file: string, nativeBinding: string | undefined): Database.Database {
  const db = new Database(file, { timeout: 10_000, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw Object.assign(new Error(`integrity check failed: ${check}`), { code: 'SQLITE_CORRUPT' });
    migrate(db);
    // SQLite makes the database, its WAL and its shared memory as the umask says (often 0644).
    if (process.platform !== 'win32') {
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, PRIVATE_FILE_MODE);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}
