import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fixture } from '../standin/sql-engine.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built stand-in osqueryd (vitest's global setup builds it). */
export const STANDIN_OSQUERYD = path.join(REPO_ROOT, 'dist', 'test', 'standin', 'osqueryd.js');
export const CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

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

export function standinEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.STANDIN_FAULT;
  delete env.STANDIN_FIXTURE;
  return { ...env, ...extra };
}

export interface RunningStandin {
  socketPath: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the stand-in directly (no supervisor) and waits for its socket. */
export async function startStandin(env: Record<string, string> = {}, socketPath?: string): Promise<RunningStandin> {
  const dir = socketPath ? path.dirname(socketPath) : tempDir('porchlight-standin-');
  socketPath ??= path.join(dir, 'osquery.em');
  rmSync(socketPath, { force: true });
  const child = spawn(STANDIN_OSQUERYD, [`--extensions_socket=${socketPath}`, `--pidfile=${path.join(dir, 'pid')}`], {
    env: standinEnv(env),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
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
