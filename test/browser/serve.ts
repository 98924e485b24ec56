import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { CLI, copyDemoLaptop, removeTempDirs, REPO_ROOT, STANDIN_OSQUERYD, standinEnv, tempDir, type Laptop } from '../helpers/standin.js';

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

export interface ChromiumForTests {
  /** A page that closes after the test, waiting at most `timeoutMs` for what it looks for. */
  newPage(timeoutMs?: number): Promise<Page>;
  /** Stopped after the test (a serve, a test server). */
  stopAfterTest<T extends { stop(): Promise<void> }>(thing: T): T;
}

/** One Chromium for a test file; the pages and servers a test opens are closed after it, and its temp dirs removed. */
export function chromiumForTests(): ChromiumForTests {
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const running: { stop(): Promise<void> }[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
    await Promise.all(running.splice(0).map((thing) => thing.stop()));
    removeTempDirs();
  });
  return {
    async newPage(timeoutMs = 10_000) {
      if (!browser) throw new Error('Chromium is not running: newPage belongs inside a test');
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.setDefaultTimeout(timeoutMs);
      pages.push(page);
      return page;
    },
    stopAfterTest(thing) {
      running.push(thing);
      return thing;
    },
  };
}
