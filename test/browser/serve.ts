import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';
import { CLI, copyDemoLaptop, REPO_ROOT, STANDIN_OSQUERYD, standinEnv, tempDir, type Laptop } from '../helpers/standin.js';

export const ARTIFACTS = path.join(REPO_ROOT, 'test-results');

export interface RunningServe {
  url: string;
  origin: string;
  port: number;
  token: string;
  /** What a CLI command needs to reach this serve's Porchlight (its data dir, the stand-in). */
  env: Record<string, string>;
  editFixture(change: (laptop: Laptop) => void): void;
  stop(): Promise<void>;
}

/**
 * `porchlight serve` as a real process on the stand-in osqueryd with a copy of the demo laptop;
 * `prepare` sets up its data dir first (imports policies, say).
 */
export async function startServe(args: string[] = [], env: Record<string, string> = {}, prepare?: (dataDir: string) => void): Promise<RunningServe> {
  const dir = tempDir('porchlight-browser-');
  const { fixture, edit } = copyDemoLaptop(dir);
  const dataDir = path.join(dir, 'data');
  prepare?.(dataDir);
  const porchlightEnv = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: dataDir, ...env };
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: standinEnv(porchlightEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('porchlight serve printed no URL')), 15_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/t\/\S+\/)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`porchlight serve exited with ${code}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.pathname.split('/')[2]!,
    env: porchlightEnv,
    editFixture: edit,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Debian's Chromium (or CHROMIUM_PATH), headless, without reaching for the network. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
