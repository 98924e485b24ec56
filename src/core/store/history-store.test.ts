import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import type { Finding } from '../checks/classifiers.js';
import { DATABASE_FILE, HistoryStore, type CheckResultRecord } from './history-store.js';
import { MIGRATIONS } from './migrations.js';

const opened: HistoryStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  removeTempDirs();
});

function open(dataDir = tempDir()) {
  const result = HistoryStore.open(dataDir);
  opened.push(result.store);
  return { ...result, dataDir };
}

const finding = (key: string, title = key): Finding => ({ key, title, reason: 'because', detail: { key }, counted: true });
const DAY = 24 * 60 * 60 * 1000;

function scan(store: HistoryStore, at: number, results: CheckResultRecord[]) {
  const id = store.beginScan('test', at);
  return store.finishScan(id, results, at);
}

describe('HistoryStore', () => {
  it('creates a WAL database with foreign keys and the current schema', () => {
    const { store } = open();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('extends a run of unchanged results instead of adding rows, and adds one when the result changes', () => {
    const { store } = open();
    for (let i = 0; i < 5; i++) scan(store, 1000 + i, [{ checkId: 'firewall', status: 'pass', summary: 'on', reason: '' }]);
    scan(store, 2000, [{ checkId: 'firewall', status: 'fail', summary: 'off', reason: '' }]);
    scan(store, 3000, [{ checkId: 'firewall', status: 'fail', summary: 'off', reason: '' }]);
    expect(store.history({ checkId: 'firewall' })).toEqual([
      { checkId: 'firewall', status: 'pass', summary: 'on', reason: '', findingCount: 0, firstAt: 1000, lastAt: 1004 },
      { checkId: 'firewall', status: 'fail', summary: 'off', reason: '', findingCount: 0, firstAt: 2000, lastAt: 3000 },
    ]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM check_states').get()).toEqual({ n: 2 });
  });

  it("gives each check's latest result run, the latest scan that recorded results, and when scans finished", () => {
    const { store } = open();
    scan(store, 1000, [{ checkId: 'firewall', status: 'pass', summary: 'on', reason: '' }, { checkId: 'ports', status: 'fail', summary: '1', reason: '' }]);
    scan(store, 2000, [{ checkId: 'firewall', status: 'fail', summary: 'off', reason: '' }]);
    store.failScan(store.beginScan('schedule', 3000), 'osqueryd closed the connection', 3001);
    expect([...store.latestStates().values()].map((s) => [s.checkId, s.status, s.firstAt]).sort()).toEqual([
      ['firewall', 'fail', 2000],
      ['ports', 'fail', 1000],
    ]);
    expect(store.lastScan()).toMatchObject({ status: 'failed', startedAt: 3000 });
    expect(store.lastScan({ ok: true })).toMatchObject({ status: 'ok', startedAt: 2000, finishedAt: 2000 });
    expect(store.scanTimes(0)).toEqual([1000, 2000]);
    expect(store.scanTimes(1500)).toEqual([2000]);
  });

  it('says which findings are new and which are resolved, scan to scan', () => {
    const { store } = open();
    const result = (findings: Finding[]): CheckResultRecord => ({ checkId: 'ports', status: 'fail', summary: '', reason: '', findings });
    const first = scan(store, 1, [result([finding('a'), finding('b')])]);
    expect(first.new.map((f) => f.key)).toEqual(['a', 'b']);
    const second = scan(store, 2, [result([finding('b'), finding('c')])]);
    expect(second.new.map((f) => f.key)).toEqual(['c']);
    expect(second.resolved.map((f) => [f.key, f.resolvedAt])).toEqual([['a', 2]]);
    const third = scan(store, 3, [result([finding('a'), finding('b'), finding('c')])]);
    expect(third.new.map((f) => [f.key, f.firstSeen])).toEqual([['a', 3]]);
    expect(store.findings().map((f) => f.key).sort()).toEqual(['a', 'b', 'c']);
    expect(store.finding('ports', 'b')?.firstSeen).toBe(1);
  });

  it('does not resolve findings of a check that could not tell (no data is not a fix)', () => {
    const { store } = open();
    scan(store, 1, [{ checkId: 'ports', status: 'fail', summary: '', reason: '', findings: [finding('a')] }]);
    const unknown = scan(store, 2, [{ checkId: 'ports', status: 'unknown', summary: '', reason: 'no rights' }]);
    expect(unknown.resolved).toEqual([]);
    expect(store.findings().map((f) => f.key)).toEqual(['a']);
  });

  it('acknowledges findings, until a date or for good, and finds them by short id', () => {
    const { store } = open();
    scan(store, 1, [{ checkId: 'ports', status: 'fail', summary: '', reason: '', findings: [finding('a'), finding('b')] }]);
    const a = store.findings().find((f) => f.key === 'a')!;
    expect(store.findFinding(a.id)?.key).toBe('a');
    expect(store.findFinding('ports:b')?.key).toBe('b');
    store.acknowledge('ports', 'a', { until: 5_000 }, 10);
    store.acknowledge('ports', 'b', { note: 'my NAS' }, 10);
    expect(store.acknowledgedKeys(4_000)).toEqual(new Set(['ports\0a', 'ports\0b']));
    expect(store.acknowledgedKeys(6_000)).toEqual(new Set(['ports\0b']));
    expect(store.findFinding(a.id, 4_000)?.acknowledged).toBe(true);
    expect(store.unacknowledge('ports', 'b')).toBe(true);
    expect(store.acknowledgedKeys(6_000)).toEqual(new Set());
  });

  it('forgets scans, result runs and resolved findings older than the retention period', () => {
    const { store } = open();
    const now = 400 * DAY;
    scan(store, now - 100 * DAY, [{ checkId: 'old', status: 'pass', summary: '', reason: '', findings: [finding('gone')] }]);
    scan(store, now - 95 * DAY, [{ checkId: 'old', status: 'pass', summary: 'x', reason: '', findings: [] }]);
    scan(store, now - 1 * DAY, [{ checkId: 'new', status: 'pass', summary: '', reason: '' }]);
    store.applyRetention(90, now);
    expect(store.history().map((h) => h.checkId)).toEqual(['new']);
    expect(store.findings({ includeResolved: true })).toEqual([]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM scans').get()).toEqual({ n: 1 });
  });

  it('keeps the owner’s confirmation of a check until it lapses, and can take it back', () => {
    const { store } = open();
    store.confirm('disk-encryption', { statement: 'BitLocker protects drive C:', confirmedAt: 10 * DAY, expiresAt: 100 * DAY });
    expect(store.confirmations(50 * DAY)).toEqual(
      new Map([['disk-encryption', { statement: 'BitLocker protects drive C:', confirmedAt: 10 * DAY, expiresAt: 100 * DAY }]]),
    );
    expect(store.confirmations(100 * DAY).size).toBe(0);
    expect(store.unconfirm('disk-encryption')).toBe(true);
    expect(store.unconfirm('disk-encryption')).toBe(false);
    expect(store.confirmations(50 * DAY).size).toBe(0);
  });

  it('brings a history written by the previous schema up to date and keeps it', () => {
    const dataDir = tempDir();
    const old = new Database(path.join(dataDir, DATABASE_FILE));
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO scans (started_at, finished_at, trigger, status) VALUES (1, 2, 'cli', 'ok')").run();
    old.close();
    const { store } = open(dataDir);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(store.lastScan()).toMatchObject({ trigger: 'cli', status: 'ok' });
    store.confirm('x', { statement: 'ok', confirmedAt: 1, expiresAt: 2 });
  });

  it('moves a corrupt database aside with a timestamp, starts a fresh one and says so', () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, DATABASE_FILE), 'this is not a database, just text that lost its way'.repeat(100));
    const { store, warning } = open(dataDir);
    expect(warning).toMatch(/history database was damaged .* moved to .*porchlight\.db\.corrupt-\d{4}-/);
    expect(readdirSync(dataDir).filter((name) => name.startsWith(`${DATABASE_FILE}.corrupt-`))).toHaveLength(1);
    scan(store, 1, [{ checkId: 'x', status: 'pass', summary: '', reason: '' }]);
    expect(store.lastScan()?.status).toBe('ok');
  });

  it('refuses a database from a newer Porchlight instead of damaging it', () => {
    const { store, dataDir } = open();
    store.db.pragma('user_version = 99');
    store.close();
    opened.pop();
    expect(() => HistoryStore.open(dataDir)).toThrow(/newer Porchlight/);
    expect(existsSync(path.join(dataDir, DATABASE_FILE))).toBe(true);
  });

  it('is safe for two processes writing scans to the same file at once', async () => {
    const { store, dataDir } = open();
    const module = path.join(REPO_ROOT, 'dist', 'src', 'core', 'store', 'history-store.js');
    const script = `
      const { HistoryStore } = await import(${JSON.stringify(module)});
      const { store } = HistoryStore.open(${JSON.stringify(dataDir)});
      for (let i = 0; i < 200; i++) {
        const id = store.beginScan('other', i);
        store.finishScan(id, [{ checkId: 'other', status: i % 2 ? 'pass' : 'fail', summary: '', reason: '', findings: [{ key: 'k' + (i % 7), title: 't', reason: 'r', detail: {}, counted: true }] }], i);
      }
      store.close();`;
    const other = new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], (error) => (error ? reject(error) : resolve())),
    );
    for (let i = 0; i < 200; i++) scan(store, i, [{ checkId: 'mine', status: i % 2 ? 'pass' : 'fail', summary: '', reason: '' }]);
    await other;
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM scans WHERE status = 'ok'").get()).toEqual({ n: 400 });
    expect(store.history({ checkId: 'other' })).toHaveLength(200);
  });
});
