import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueryRunner } from '../../src/core/checks/runner.js';
import { OsqueryQueryError } from '../../src/core/osquery/errors.js';
import { acceptsConnections } from '../../src/core/paths/private-sockets.js';
import type { Platform } from '../../src/core/platform.js';
import { builtinRows } from '../standin/builtin-tables.js';
import { StandinSqlEngine, StandinSqlError, type Fixture } from '../standin/sql-engine.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built stand-in osqueryd (vitest's global setup builds it). */
export const STANDIN_OSQUERYD = path.join(REPO_ROOT, 'dist', 'test', 'standin', 'osqueryd.js');
export const CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
/** The realistic laptop that the Linux demo, the integration tests and the benchmarks run on. */
export const DEMO_LAPTOP = path.join(REPO_ROOT, 'assets', 'laptops', 'linux-risky.json');

/** Timings that keep supervision tests fast; the logic is the same as the defaults'. */
export const FAST_TIMINGS = {
  readyTimeoutMs: 5_000,
  readyPollMs: 20,
  healthIntervalMs: 200,
  healthTimeoutMs: 500,
  backoffInitialMs: 100,
  backoffMaxMs: 400,
  stopGraceMs: 1_000,
  queryTimeoutMs: 5_000,
};

const made: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs`. */
export function tempDir(prefix = 'porchlight-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeFixture(file: string, fixture: Fixture): void {
  writeFileSync(file, JSON.stringify(fixture));
}

/** This process's environment without the stand-in's own variables, plus `extra`. */
export function standinEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.STANDIN_FAULT;
  delete env.STANDIN_FIXTURE;
  // Output is fitted to COLUMNS: the tests read it as a pipe gets it, whatever terminal runs them.
  delete env.COLUMNS;
  return { ...env, ...extra };
}

export interface Laptop {
  tables: Record<string, Record<string, unknown>[]>;
}

/** A copy of the demo laptop in `dir`; `edit` changes it, and the stand-in's next query sees that. */
export function copyDemoLaptop(dir: string): { fixture: string; edit(change: (laptop: Laptop) => void): void } {
  const fixture = path.join(dir, 'laptop.json');
  copyFileSync(DEMO_LAPTOP, fixture);
  return {
    fixture,
    edit(change) {
      const laptop = JSON.parse(readFileSync(fixture, 'utf8')) as Laptop;
      change(laptop);
      writeFileSync(fixture, JSON.stringify(laptop));
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `porchlight` CLI to its end. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: standinEnv(env) }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The CLI's own code run in this process, with the environment `runCli` would give it: the same
 * commands, sockets and files without a Node start per command (the built binary's own start is
 * what `runCli` tests).
 */
export async function runCliHere(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const { runCli: run } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (text) => (stdout += text), err: (text) => (stderr += text), env: standinEnv(env) });
  return { code, stdout, stderr };
}

export interface RunningStandin {
  socketPath: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the stand-in directly (no supervisor) and waits until it accepts connections. */
export async function startStandin(env: Record<string, string> = {}, socketPath?: string): Promise<RunningStandin> {
  const dir = socketPath ? path.dirname(socketPath) : tempDir('porchlight-standin-');
  socketPath ??= path.join(dir, 'osquery.em');
  rmSync(socketPath, { force: true });
  const child = spawn(STANDIN_OSQUERYD, [`--extensions_socket=${socketPath}`, `--pidfile=${path.join(dir, 'pid')}`], {
    env: standinEnv(env),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Listening, not only bound: the socket file appears a moment before connections are accepted.
  const deadline = Date.now() + 10_000;
  while (!(await acceptsConnections(socketPath))) {
    if (Date.now() > deadline) throw new Error('stand-in did not open its socket');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    socketPath,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The laptop fixtures (assets/laptops): for each OS a default install and a risky one. */
export const LAPTOPS = path.join(REPO_ROOT, 'assets', 'laptops');

export function laptopFile(name: `${Platform}-${'default' | 'risky'}`): string {
  return path.join(LAPTOPS, `${name}.json`);
}

/**
 * osquery as the stand-in answers it, in this process: the same SQL engine and built-in rows as
 * the daemon (its own process and socket included), with osquery's error type for bad SQL.
 */
export function inProcessOsquery(platform: Platform, fixture: string | undefined): { engine: StandinSqlEngine; runner: QueryRunner } {
  const engine = new StandinSqlEngine(
    platform,
    fixture,
    builtinRows({ platform, pid: process.pid, parentPid: process.ppid, flags: new Map(), socketPath: '/tmp/porchlight-test/osquery.em' }),
  );
  const runner: QueryRunner = {
    query: async (sql) => {
      try {
        return engine.query(sql);
      } catch (error) {
        if (error instanceof StandinSqlError) throw new OsqueryQueryError(error.message, sql, 1);
        throw error;
      }
    },
  };
  return { engine, runner };
}
