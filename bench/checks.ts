/**
 * Scans, history and the idle agent: the numbers issue #3 sets targets for.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Finding } from '../src/core/checks/classifiers.js';
import { DATABASE_FILE, HistoryStore, type CheckResultRecord } from '../src/core/store/history-store.js';
import { DEMO_LAPTOP, REPO_ROOT, STANDIN_OSQUERYD, standinEnv, tempDir } from '../test/helpers/standin.js';
import { percentile, type BenchResult } from './report.js';

const SCANS_PER_YEAR = 365 * 48;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);

/**
 * Runs `body` in a fresh Node process against the built modules, with an Agent on the stand-in,
 * so memory and CPU numbers are the agent's own and not the benchmark's.
 */
function inChild<T>(body: string, settings: object = {}): Promise<T> {
  const dataDir = path.join(tempDir('porchlight-bench-'), 'data');
  const dist = (file: string) => JSON.stringify(path.join(REPO_ROOT, 'dist', 'src', file));
  const script = `
    const { Agent } = await import(${dist('core/agent.js')});
    const { openConfSettings } = await import(${dist('core/settings/conf-settings.js')});
    const settings = openConfSettings(${JSON.stringify(dataDir)});
    settings.store.update(${JSON.stringify(settings)});
    const agent = new Agent({ dataDir: ${JSON.stringify(dataDir)}, settings: settings.store, osquerydPath: ${JSON.stringify(STANDIN_OSQUERYD)}, platform: 'linux' });
    const result = await (async () => { ${body} })();
    await agent.stop();
    process.stdout.write(JSON.stringify(result));`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { env: standinEnv({ STANDIN_FIXTURE: DEMO_LAPTOP }) },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as T)),
    );
  });
}

export async function benchChecks(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const scan = await inChild<{ overheadMs: number[]; maxRssMb: number }>(`
    await agent.start();
    const overheadMs = [];
    for (let i = 0; i < 12; i++) {
      const report = await agent.scanNow('bench');
      if (i >= 2) overheadMs.push(report.totalMs - report.osqueryMs);
    }
    return { overheadMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };`);
  const overhead = percentile(scan.overheadMs, 50);
  results.push({ name: 'full catalog scan: time beyond osquery’s queries (median of 10)', value: overhead, unit: 'ms', target: '< 50 ms', ok: overhead < 50 });
  results.push({ name: 'scanning process peak RSS', value: scan.maxRssMb, unit: 'MB', target: 'informational' });

  results.push(...simulateYearOfHistory());
  results.push(...(await idleAgent()));
  return results;
}

/** One year of 30-minute scans of a 14-check catalog with realistic churn, into a real file. */
function simulateYearOfHistory(): BenchResult[] {
  const dataDir = tempDir('porchlight-bench-');
  const { store } = HistoryStore.open(dataDir);
  const checks = Array.from({ length: 14 }, (_, i) => `check-${i}`);
  const started = performance.now();
  const start = Date.UTC(2026, 0, 1);
  for (let scan = 0; scan < SCANS_PER_YEAR; scan++) {
    const at = start + scan * 30 * 60_000;
    const day = Math.floor(scan / 48);
    const results: CheckResultRecord[] = checks.map((checkId, i) => {
      if (i < 3) {
        // Finding checks: a stable set plus findings that come and go (a dev server, a new extension).
        const findings: Finding[] = [0, 1, 2].map((n) => finding(`${checkId}-stable-${n}`));
        if (scan % 10 < 3) findings.push(finding(`${checkId}-flapping-${scan % 40}`));
        const status = findings.length ? 'fail' : 'pass';
        return { checkId, status, summary: `${findings.length} findings need attention`, reason: '', findings };
      }
      // Policy checks mostly steady; one flips daily, one is unknown at night.
      const flips = i === 3 && day % 2 === 1;
      const night = i === 4 && scan % 48 < 12;
      return {
        checkId,
        status: night ? 'unknown' : flips ? 'fail' : 'pass',
        summary: night ? 'Cannot tell' : flips ? 'Failed' : 'Passed',
        reason: night ? 'no data' : '',
      };
    });
    const id = store.beginScan('schedule', at);
    store.finishScan(id, results, at);
    if (scan % 48 === 0) store.applyRetention(365, at);
  }
  const simulateSeconds = (performance.now() - started) / 1000;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = statSync(path.join(dataDir, DATABASE_FILE)).size;

  const loads: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const timeline = store.history({ checkId: 'check-3' });
    loads.push(performance.now() - t);
    if (timeline.length < 300) throw new Error(`expected a year of daily flips, got ${timeline.length} entries`);
  }
  store.close();
  const sizeMb = bytes / 1024 / 1024;
  const load = percentile(loads, 50);
  return [
    { name: `history after one year (${SCANS_PER_YEAR} scans): file size`, value: sizeMb, unit: 'MB', target: '< 50 MB', ok: sizeMb < 50 },
    { name: 'one check’s timeline over that year: load time (median)', value: load, unit: 'ms', target: '< 20 ms', ok: load < 20 },
    { name: 'simulating the year of scans', value: simulateSeconds, unit: 's', target: 'informational' },
  ];
}

function finding(key: string): Finding {
  return { key, title: `finding ${key}`, reason: 'exposed to the network', detail: { port: '3000', process: 'node' }, counted: true };
}

/** The agent between scans: CPU it uses and memory it holds while nothing happens. */
async function idleAgent(): Promise<BenchResult[]> {
  const idle = await inChild<{ cpuSeconds: number; rssMb: number }>(
    `
    const firstScan = new Promise((resolve) => agent.on('scan-finished', resolve));
    await agent.start();
    await firstScan;
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, ${IDLE_SECONDS * 1000}));
    const cpu = process.cpuUsage(before);
    return { cpuSeconds: (cpu.user + cpu.system) / 1e6, rssMb: process.memoryUsage().rss / 1024 / 1024 };`,
    { schedule: '0 0 1 1 *' },
  );
  return [
    { name: `agent idle ${IDLE_SECONDS} s between scans: CPU time`, value: idle.cpuSeconds, unit: 's', target: '< 0.3 s', ok: idle.cpuSeconds < 0.3 },
    { name: 'agent idle: RSS', value: idle.rssMb, unit: 'MB', target: '< 120 MB', ok: idle.rssMb < 120 },
  ];
}
