/**
 * Crash soak: `kill -9` of the CLI and of the agent at random moments of a scan, then what a user
 * would find: osqueryd processes left running, the history's integrity, scans lost (a run that
 * reported a scan the history does not have as finished), duplicated (a command with two scans)
 * or stuck "running", folders left behind, and whether a clean scan still works. Runs the built
 * CLI on the stand-in osqueryd; `npm run soak -- N` and, with a few kills, `npm test`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { CLI, DEMO_LAPTOP, STANDIN_OSQUERYD, standinEnv } from '../helpers/standin.js';

export type SoakTarget = 'cli' | 'agent' | 'agent-serving-cli';

export interface SoakOptions {
  kills: number;
  /** Seeds the kill moments, so a run can be repeated. */
  seed?: number;
  /** Each stand-in query takes this long, so a scan lasts long enough to be interrupted. */
  queryDelayMs?: number;
  onProgress?: (line: string) => void;
}

export interface SoakReport {
  kills: Record<SoakTarget, number>;
  /** Runs that finished before their kill came. */
  finishedFirst: number;
  /** osqueryd processes of this data dir still running after the clean scan. */
  orphans: number[];
  /** cli-<pid> folders left after the clean scan. */
  leftoverFolders: string[];
  integrity: string;
  scans: { total: number; ok: number; interrupted: number; failed: number; running: number };
  /** Scans a run reported finished that the history does not have as finished. */
  lost: number[];
  /** Commands (not agents, which scan on a schedule) with more than one scan in the history. */
  duplicated: number;
  /** Lines a killed-under CLI printed that look like a stack trace. */
  stackTraces: string[];
  cleanScan: { code: number; scanId: number | undefined };
  seconds: number;
}

/** True when the soak found nothing wrong. */
export function soakPassed(report: SoakReport): boolean {
  return (
    report.orphans.length === 0 &&
    report.leftoverFolders.length === 0 &&
    report.integrity === 'ok' &&
    report.lost.length === 0 &&
    report.duplicated === 0 &&
    report.scans.running === 0 &&
    report.stackTraces.length === 0 &&
    report.cleanScan.code < 2 &&
    report.cleanScan.scanId !== undefined
  );
}

/** mulberry32: small, seedable, good enough to spread kill moments. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
  done: () => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const began = Date.now();
  const say = options.onProgress ?? (() => undefined);
  // Short, so osqueryd's socket stays in the data dir and its command line names the data dir.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pl-soak-'));
  const dataDir = path.join(dir, 'data');
  const fixture = path.join(dir, 'laptop.json');
  copyFileSync(DEMO_LAPTOP, fixture);
  const env = standinEnv({
    STANDIN_FIXTURE: fixture,
    STANDIN_PLATFORM: 'linux',
    STANDIN_FAULT: `slow=${options.queryDelayMs ?? 15}`,
    PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD,
  });
  const next = random(options.seed ?? Date.now());

  const start = (args: string[]): Run => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    let finished = false;
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        finished = true;
        resolve(code);
      }),
    );
    return { child, lines, stderr: () => stderr, exited, done: () => finished };
  };
  const check = () => start(['check', '--json']);
  const agentPids = new Set<number>();
  const daemon = () => {
    const run = start(['daemon']);
    agentPids.add(run.child.pid!);
    return run;
  };
  /** The scan a run reported: `check --json` prints one document, `daemon` one JSON line per event. */
  const scanIdOf = (run: Run): number | undefined => {
    const parse = (text: string) => {
      try {
        return JSON.parse(text) as { scan?: { id?: number }; event?: string; scanId?: number };
      } catch {
        return undefined;
      }
    };
    const whole = parse(run.lines.join('\n'));
    if (whole?.scan?.id !== undefined) return whole.scan.id;
    return run.lines.map(parse).find((event) => event?.event === 'scan-finished' && event.scanId !== undefined)?.scanId;
  };
  const firstScanFinished = async (run: Run, limitMs: number) => {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline && !run.done() && !run.lines.some((line) => line.includes('"event":"scan-finished"'))) await sleep(10);
  };
  const stop = async (run: Run) => {
    if (!run.done()) run.child.kill('SIGTERM');
    return run.exited;
  };
  /** Waits for `ms`, or less if the run ends; then kill -9. False when the run had ended first. */
  const kill = async (run: Run, ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !run.done()) await sleep(5);
    if (run.done()) return false;
    run.child.kill('SIGKILL');
    await run.exited;
    return true;
  };
  let history: Database.Database | undefined;
  /** Until the run's process has a scan running in the history (or it ends, or `limitMs` passes). */
  const scanBegun = async (run: Run, limitMs = 60_000) => {
    history ??= new Database(path.join(dataDir, 'porchlight.db'), { readonly: true });
    const running = history.prepare("SELECT 1 FROM scans WHERE pid = ? AND status = 'running'");
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline && !run.done() && !running.get(run.child.pid)) await sleep(5);
  };

  // How long a command takes to start and to scan, so kills can land in either.
  let timed = Date.now();
  const first = check();
  await first.exited;
  const commandMs = Date.now() - timed;
  const reported: number[] = [];
  const firstId = scanIdOf(first);
  if (firstId === undefined) throw new Error(`the soak's first check did not run: ${first.stderr()}`);
  reported.push(firstId);
  timed = Date.now();
  const calibration = daemon();
  await firstScanFinished(calibration, 60_000);
  const agentMs = Date.now() - timed;
  const calibrationId = scanIdOf(calibration);
  if (calibrationId !== undefined) reported.push(calibrationId);
  await stop(calibration);
  const scanMs = (() => {
    const db = new Database(path.join(dataDir, 'porchlight.db'), { readonly: true });
    const row = db.prepare('SELECT finished_at - started_at AS ms FROM scans WHERE id = ?').get(firstId) as { ms: number };
    db.close();
    return row.ms;
  })();
  say(`a command runs in ${commandMs} ms, an agent starts and scans in ${agentMs} ms, a scan takes ${scanMs} ms`);

  const kills: Record<SoakTarget, number> = { cli: 0, agent: 0, 'agent-serving-cli': 0 };
  const stackTraces: string[] = [];
  let finishedFirst = 0;
  const targets: SoakTarget[] = ['cli', 'agent', 'agent-serving-cli'];
  /** Half the kills anywhere in the run (starting osqueryd, opening the history), half once its scan has begun. */
  const killSomewhere = async (run: Run, wholeRunMs: number) => {
    if (next() < 0.5) return kill(run, next() * wholeRunMs);
    await scanBegun(run);
    return kill(run, next() * scanMs * 1.2);
  };
  for (let i = 0; i < options.kills; i++) {
    const target = targets[i % targets.length]!;
    let killed: boolean;
    if (target === 'cli') {
      const run = check();
      killed = await killSomewhere(run, commandMs);
      const id = killed ? undefined : scanIdOf(run);
      if (id !== undefined) reported.push(id);
    } else if (target === 'agent') {
      const run = daemon();
      killed = await killSomewhere(run, agentMs);
      const id = scanIdOf(run);
      if (id !== undefined) reported.push(id);
      if (!killed) await stop(run);
    } else {
      // A command asks the agent for a scan, and the agent dies under it: the command must say so in words.
      const agent = daemon();
      await firstScanFinished(agent, 60_000);
      const command = check();
      await scanBegun(agent);
      killed = await kill(agent, next() * scanMs * 0.9);
      const code = await command.exited;
      const id = scanIdOf(command);
      if (id !== undefined) reported.push(id);
      const traces = command.stderr().split('\n').filter((line) => /^\s+at .+:\d+:\d+\)?$/.test(line));
      if (traces.length > 0) stackTraces.push(`exit ${code}: ${command.stderr().slice(0, 500)}`);
      if (!killed) await stop(agent);
    }
    if (killed) kills[target]++;
    else finishedFirst++;
    if ((i + 1) % 10 === 0 || i + 1 === options.kills) say(`${i + 1}/${options.kills} (${target}${killed ? ' killed' : ' finished first'})`);
  }
  history?.close();

  // A clean scan afterwards: it sweeps what the kills left, as any next start does.
  const clean = check();
  const cleanCode = (await clean.exited) ?? 2;
  const cleanId = scanIdOf(clean);
  if (cleanId !== undefined) reported.push(cleanId);

  const orphans = osquerydProcessesOf(dataDir);
  const osqueryDir = path.join(dataDir, 'osquery');
  const leftoverFolders = existsSync(osqueryDir) ? readdirSync(osqueryDir).filter((name) => name.startsWith('cli-')) : [];
  const db = new Database(path.join(dataDir, 'porchlight.db'), { readonly: true });
  const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
  const rows = db.prepare('SELECT id, status, error, trigger, pid FROM scans').all() as { id: number; status: string; error: string | null; trigger: string; pid: number | null }[];
  db.close();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const interrupted = rows.filter((row) => row.status === 'failed' && row.error?.startsWith('interrupted')).length;
  const cliScans = new Map<number, number>();
  for (const row of rows) if (row.pid !== null && !agentPids.has(row.pid)) cliScans.set(row.pid, (cliScans.get(row.pid) ?? 0) + 1);
  const report: SoakReport = {
    kills,
    finishedFirst,
    orphans,
    leftoverFolders,
    integrity,
    scans: {
      total: rows.length,
      ok: rows.filter((row) => row.status === 'ok').length,
      interrupted,
      failed: rows.filter((row) => row.status === 'failed').length - interrupted,
      running: rows.filter((row) => row.status === 'running').length,
    },
    lost: reported.filter((id) => byId.get(id)?.status !== 'ok'),
    duplicated: [...cliScans.values()].filter((count) => count > 1).length,
    stackTraces,
    cleanScan: { code: cleanCode, scanId: cleanId },
    seconds: Math.round((Date.now() - began) / 1000),
  };
  for (const pid of orphans) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  return report;
}

/** Processes whose command line carries the data dir and the stand-in osqueryd (Linux /proc, else ps). */
function osquerydProcessesOf(dataDir: string): number[] {
  const matches = (commandLine: string) => commandLine.includes(STANDIN_OSQUERYD) && commandLine.includes(dataDir);
  if (existsSync('/proc/self/cmdline')) {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return matches(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
        } catch {
          return false;
        }
      })
      .map(Number);
  }
  return execFileSync('ps', ['-A', '-o', 'pid=,command='], { encoding: 'utf8' })
    .split('\n')
    .filter(matches)
    .map((line) => Number.parseInt(line.trim(), 10));
}
