import { spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedBinary } from '../../src/core/osquery/binary.js';
import { osquerydArguments, osquerydPaths, type OsquerydPaths } from '../../src/core/osquery/daemon-paths.js';
import { OsqueryConnectionError, OsqueryQueryError } from '../../src/core/osquery/errors.js';
import { processAlive, waitForExit, type ProcessHost } from '../../src/core/osquery/process-control.js';
import {
  OsquerydStartError,
  OsquerydSupervisor,
  SupervisorBusyError,
  type OsquerydState,
  type OsquerydStatus,
} from '../../src/core/osquery/supervisor.js';
import { FAST_TIMINGS, removeTempDirs, REPO_ROOT, STANDIN_OSQUERYD, standinEnv, tempDir, writeFixture } from '../helpers/standin.js';

const running: OsquerydSupervisor[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  removeTempDirs();
});

function supervise(
  options: { env?: Record<string, string>; paths?: OsquerydPaths; timings?: object; binary?: ResolvedBinary; host?: ProcessHost } = {},
) {
  const paths = options.paths ?? osquerydPaths(path.join(tempDir(), 'data'), 'daemon');
  const supervisor = new OsquerydSupervisor({
    binary: options.binary ?? { path: STANDIN_OSQUERYD, source: 'flag' },
    paths,
    env: standinEnv(options.env),
    timings: { ...FAST_TIMINGS, ...options.timings },
    host: options.host,
  });
  const states: OsquerydStatus[] = [];
  supervisor.on('state', (status) => states.push(status));
  running.push(supervisor);
  return { supervisor, paths, states };
}

function untilState(supervisor: OsquerydSupervisor, state: OsquerydState, timeoutMs = 10_000): Promise<OsquerydStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state ${state} not reached; now ${supervisor.status().state}`)), timeoutMs);
    const off = supervisor.on('state', (status) => {
      if (status.state === state) {
        clearTimeout(timer);
        off();
        resolve(status);
      }
    });
  });
}

describe('OsquerydSupervisor with the stand-in osqueryd', () => {
  it('starts osqueryd, answers queries and reports SQL errors with osquery’s message', async () => {
    const dir = tempDir();
    const fixture = path.join(dir, 'laptop.json');
    writeFixture(fixture, { tables: { processes: [{ pid: 1, name: 'launchd', path: '/sbin/launchd' }] } });
    const { supervisor, states } = supervise({ env: { STANDIN_FIXTURE: fixture } });

    await supervisor.start();
    expect(states.map((s) => s.state)).toEqual(['starting', 'running']);
    expect(supervisor.status().pid).toBeGreaterThan(0);

    expect(await supervisor.client.query('SELECT pid, name, path FROM processes WHERE pid = 1')).toEqual([
      { pid: '1', name: 'launchd', path: '/sbin/launchd' },
    ]);
    // Like osqueryd, the stand-in lists its own process beside the machine's.
    expect(await supervisor.client.query('SELECT name FROM processes WHERE pid = (SELECT pid FROM osquery_info)')).toEqual([{ name: 'osqueryd' }]);
    expect(await supervisor.client.query("SELECT NULL AS empty, 1.5 AS half, 'x' AS text")).toEqual([
      { empty: '', half: '1.5', text: 'x' },
    ]);
    const error = await supervisor.client.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsqueryQueryError);
    expect((error as Error).message).toBe('no such table: no_such_table');
    expect(await supervisor.client.columns('SELECT pid, name FROM processes')).toEqual([
      { name: 'pid', type: 'BIGINT' },
      { name: 'name', type: 'TEXT' },
    ]);
  });

  it('sees fixture changes on the next query', async () => {
    const fixture = path.join(tempDir(), 'laptop.json');
    writeFixture(fixture, { tables: { listening_ports: [{ pid: 10, port: 22, address: '0.0.0.0', protocol: 6 }] } });
    const { supervisor } = supervise({ env: { STANDIN_FIXTURE: fixture } });
    await supervisor.start();
    expect(await supervisor.client.query('SELECT port FROM listening_ports')).toEqual([{ port: '22' }]);
    writeFixture(fixture, { tables: { listening_ports: [{ pid: 11, port: 5432, address: '::', protocol: 6 }] } });
    expect(await supervisor.client.query('SELECT port FROM listening_ports')).toEqual([{ port: '5432' }]);
  });

  it('restarts osqueryd after a crash, with backoff, and the client reconnects', async () => {
    const { supervisor, states } = supervise();
    await supervisor.start();
    const firstPid = supervisor.status().pid!;
    process.kill(firstPid, 'SIGKILL');

    const restarting = await untilState(supervisor, 'restarting');
    expect(restarting.reason).toBe('osqueryd was killed by SIGKILL');
    expect(restarting.nextStartInMs).toBe(FAST_TIMINGS.backoffInitialMs);
    await untilState(supervisor, 'running');
    expect(supervisor.status().pid).not.toBe(firstPid);
    expect(await supervisor.client.query('SELECT 1 AS one')).toEqual([{ one: '1' }]);

    process.kill(supervisor.status().pid!, 'SIGKILL');
    const second = await untilState(supervisor, 'restarting');
    expect(second.nextStartInMs).toBe(FAST_TIMINGS.backoffInitialMs * 2);
    expect(states.filter((s) => s.state === 'running')).toHaveLength(2);
  });

  it('a query to a daemon that crashes mid-call fails with a connection error, the next one works', async () => {
    const { supervisor } = supervise({ env: { STANDIN_FAULT: 'crash-after-queries=1' } });
    await supervisor.start();
    await supervisor.client.query('SELECT 1');
    await expect(supervisor.client.query('SELECT 2')).rejects.toBeInstanceOf(OsqueryConnectionError);
    await untilState(supervisor, 'running');
    expect(await supervisor.client.query('SELECT 3 AS n')).toEqual([{ n: '3' }]);
  });

  it('gives up after a crash loop, says why with the last output, and retry() starts again', async () => {
    const { supervisor, states } = supervise({ env: { STANDIN_FAULT: 'crash-at-start' } });
    const error = await supervisor.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsquerydStartError);
    const failed = supervisor.status();
    expect(failed.state).toBe('failed');
    expect(failed.reason).toMatch(/^osqueryd failed 5 times within 10 minutes; last: osqueryd exited with code 78/);
    expect(failed.lastOutput?.join('\n')).toContain('stand-in fault: crashing at start');
    expect(states.filter((s) => s.state === 'restarting').map((s) => s.nextStartInMs)).toEqual([100, 200, 400, 400]);

    await expect(supervisor.retry()).rejects.toBeInstanceOf(OsquerydStartError);
    expect(supervisor.status().state).toBe('failed');
  });

  it('does not count a daemon as ready while its ping fails', async () => {
    const { supervisor } = supervise({ env: { STANDIN_FAULT: 'ping-fail' }, timings: { readyTimeoutMs: 300 } });
    void supervisor.start().catch(() => undefined);
    const restarting = await untilState(supervisor, 'restarting');
    expect(restarting.reason).toBe('osqueryd did not open its extension socket within 300 ms');
  });

  it('times out a daemon that never opens its socket, and restarts it', async () => {
    const { supervisor } = supervise({ env: { STANDIN_FAULT: 'no-socket' }, timings: { readyTimeoutMs: 300 } });
    void supervisor.start().catch(() => undefined);
    const restarting = await untilState(supervisor, 'restarting');
    expect(restarting.reason).toBe('osqueryd did not open its extension socket within 300 ms');
  });

  it('reports osqueryd’s own reason when it cannot make the socket, instead of waiting', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const base = osquerydPaths(dataDir, 'daemon');
    const longDir = path.join(tempDir(), 'x'.repeat(120));
    mkdirSync(longDir, { recursive: true });
    const paths = { ...base, socketPath: path.join(longDir, 'osquery.em') };
    const { supervisor } = supervise({ paths, timings: { readyTimeoutMs: 20_000 } });
    const started = Date.now();
    const error = await supervisor.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsquerydStartError);
    expect(supervisor.status().reason).toMatch(/cannot open its extension socket: Extensions disabled: .*path too long/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('restarts a daemon that stops answering health pings', async () => {
    const { supervisor } = supervise({ env: { STANDIN_FAULT: 'ping-fail-after=1' } });
    await supervisor.start();
    const restarting = await untilState(supervisor, 'restarting');
    expect(restarting.reason).toBe('osqueryd stopped answering health pings (2 in a row)');
  });

  it('stop() during a restart backoff starts nothing afterwards', async () => {
    const { supervisor, paths, states } = supervise();
    await supervisor.start();
    process.kill(supervisor.status().pid!, 'SIGKILL');
    await untilState(supervisor, 'restarting');
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, FAST_TIMINGS.backoffInitialMs * 4));
    expect(supervisor.status().state).toBe('stopped');
    expect(states.map((s) => s.state).slice(-2)).toEqual(['restarting', 'stopped']);
    expect(existsSync(paths.pidfile)).toBe(false);
  });

  it('stop() leaves no osqueryd process, pidfile or socket behind', async () => {
    const { supervisor, paths } = supervise();
    await supervisor.start();
    const pid = supervisor.status().pid!;
    await supervisor.stop();
    expect(supervisor.status().state).toBe('stopped');
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(paths.socketPath)).toBe(false);
    expect(existsSync(paths.pidfile)).toBe(false);
    expect(existsSync(paths.supervisorLock)).toBe(false);
    expect(existsSync(paths.supervisorPidfile)).toBe(false);
  });

  it('ends a leftover osqueryd named by our pidfile and carrying our socket, then starts cleanly', async () => {
    const { supervisor, paths } = supervise();
    const leftover = await leftoverDaemon(paths);

    await supervisor.start();
    expect(await waitForExit(leftover.pid!, 2_000)).toBe(true);
    expect(supervisor.status().pid).not.toBe(leftover.pid);
  });

  it('leaves alone a process a stale pidfile names when it is not our osqueryd, and removes a stale socket', async () => {
    const { supervisor, paths } = supervise();
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    writeFileSync(paths.pidfile, `${bystander.pid}\n`);
    writeFileSync(paths.socketPath, 'stale');
    try {
      await supervisor.start();
      expect(processAlive(bystander.pid!)).toBe(true);
      expect(await supervisor.client.query('SELECT 1 AS ok')).toEqual([{ ok: '1' }]);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('runs from a data dir whose path is not ASCII, which osquery on Windows cannot open', async () => {
    const paths = osquerydPaths(path.join(tempDir(), 'José', 'Porchlight'), 'daemon');
    const { supervisor } = supervise({ paths, env: { STANDIN_PLATFORM: 'windows' } });
    await supervisor.start();
    expect(statSync(paths.databasePath).isDirectory()).toBe(true);
    expect(readFileSync(paths.pidfile, 'utf8').trim()).toBe(String(supervisor.status().pid));
  });

  it('uses a short socket path for a deep data dir and still works', async () => {
    const deep = path.join(tempDir(), ...Array.from({ length: 8 }, (_, i) => `nested-folder-${i}`), 'Porchlight');
    const paths = osquerydPaths(deep, 'daemon');
    expect(paths.socketPath.startsWith(deep)).toBe(false);
    expect(Buffer.byteLength(paths.socketPath)).toBeLessThanOrEqual(103);
    const { supervisor } = supervise({ paths });
    await supervisor.start();
    expect(await supervisor.client.query('SELECT 2 AS two')).toEqual([{ two: '2' }]);
  });

  it('runs two agents with different data dirs side by side, and refuses a second one for the same dir', async () => {
    const first = supervise();
    const second = supervise();
    await Promise.all([first.supervisor.start(), second.supervisor.start()]);
    expect(first.paths.socketPath).not.toBe(second.paths.socketPath);
    expect(first.supervisor.status().pid).not.toBe(second.supervisor.status().pid);
    expect(await first.supervisor.client.query('SELECT 1 AS a')).toEqual([{ a: '1' }]);
    expect(await second.supervisor.client.query('SELECT 2 AS b')).toEqual([{ b: '2' }]);

    const third = supervise({ paths: first.paths });
    const refused = await third.supervisor.start().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SupervisorBusyError);
    expect((refused as Error).message).toBe(`another Porchlight process (pid ${process.pid}) already runs osqueryd from ${first.paths.root}`);
  });

  it('starts when the pid of an earlier supervisor now names another process (pids are reused)', async () => {
    const { supervisor, paths } = supervise();
    const reused = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    writeFileSync(paths.supervisorPidfile, `${reused.pid}\n`);
    try {
      await supervisor.start();
      expect(readFileSync(paths.supervisorPidfile, 'utf8').trim()).toBe(String(process.pid));
    } finally {
      reused.kill('SIGKILL');
    }
  });

  it('starts when the supervisor that held the lock was killed', async () => {
    const { supervisor, paths } = supervise();
    const lockModule = path.join(REPO_ROOT, 'dist', 'src', 'core', 'osquery', 'instance-lock.js');
    const holder = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { InstanceLock } = await import(${JSON.stringify(lockModule)}); await InstanceLock.acquire(${JSON.stringify(paths.supervisorLock)}); console.log('held'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    await expect(supervise({ paths }).supervisor.start()).rejects.toBeInstanceOf(SupervisorBusyError);
    holder.kill('SIGKILL');
    await waitForExit(holder.pid!, 2_000);
    expect(existsSync(paths.supervisorLock)).toBe(true);
    await supervisor.start();
    expect(await supervisor.client.query('SELECT 1 AS ok')).toEqual([{ ok: '1' }]);
  });
});

describe("osquery's check of its own binary (the watcher's safePermissions), with the stand-in", () => {
  const copies: string[] = [];
  afterEach(() => {
    for (const copy of copies.splice(0)) rmSync(copy, { force: true });
  });

  /** A copy of the stand-in beside it (so its imports resolve), then made unsafe by `makeUnsafe`. */
  function unsafeStandin(makeUnsafe: (file: string) => void): string {
    const copy = path.join(path.dirname(STANDIN_OSQUERYD), `osqueryd-unsafe-${process.pid}-${copies.length}.js`);
    copyFileSync(STANDIN_OSQUERYD, copy);
    chmodSync(copy, 0o755);
    copies.push(copy);
    makeUnsafe(copy);
    return copy;
  }

  const asRoot = process.getuid?.() === 0;
  const cases = [
    { name: 'writable by every account', makeUnsafe: (file: string) => chmodSync(file, 0o757), needsRoot: false },
    { name: 'owned by another account (a shared Mac)', makeUnsafe: (file: string) => chownSync(file, 4242, 4242), needsRoot: true },
  ];

  for (const { name, makeUnsafe, needsRoot } of cases) {
    it.skipIf(needsRoot && !asRoot)(`osqueryd refuses a binary ${name}, with osquery's message, unless it ships with Porchlight`, async () => {
      const binary = unsafeStandin(makeUnsafe);
      const named = supervise({ binary: { path: binary, source: 'flag' }, timings: { crashLoopFailures: 1 } });
      await expect(named.supervisor.start()).rejects.toBeInstanceOf(OsquerydStartError);
      const failed = named.supervisor.status();
      expect(failed.reason).toBe('osqueryd failed 1 times within 10 minutes; last: osqueryd exited with code 1');
      expect(failed.lastOutput?.join('\n')).toContain(`shutdown.cpp:80] [Ref #1382] osqueryd has unsafe permissions: ${binary}`);

      const bundled = supervise({ binary: { path: binary, source: 'bundled' } });
      await bundled.supervisor.start();
      expect(await bundled.supervisor.client.query('SELECT 1 AS ok')).toEqual([{ ok: '1' }]);
    });
  }
});

interface HostCall {
  file: string;
  args: string[];
  options: object;
}

/** Windows' process control on this machine: every command recorded; taskkill /F ends the process, as there. */
function windowsHost(calls: HostCall[]): ProcessHost {
  return {
    platform: 'win32',
    execFile: (file, args, options, callback) => {
      calls.push({ file, args, options });
      if (path.win32.basename(file) !== 'taskkill.exe') return callback(new Error(`${file} is not on this machine`), '');
      if (!args.includes('/F')) {
        return callback(new Error(`ERROR: The process with PID ${args[1]} could not be terminated. Reason: This process can only be terminated forcefully (with /F option).`), '');
      }
      process.kill(Number(args[1]), 'SIGKILL');
      callback(null, `SUCCESS: The process with PID ${args[1]} has been terminated.`);
    },
  };
}

/** A stand-in started as an earlier run left it: its pidfile and socket in `paths`, no supervisor. */
async function leftoverDaemon(paths: OsquerydPaths) {
  mkdirSync(paths.loggerPath, { recursive: true });
  const leftover = spawn(STANDIN_OSQUERYD, osquerydArguments(paths, 'flag'), {
    cwd: paths.root,
    env: standinEnv(),
    stdio: 'ignore',
    detached: true,
  });
  const deadline = Date.now() + 5_000;
  while (!existsSync(paths.socketPath) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(readFileSync(paths.pidfile, 'utf8').trim()).toBe(String(leftover.pid));
  return leftover;
}

describe('OsquerydSupervisor on Windows (its process control, run here)', () => {
  it('stops osqueryd at once with a hidden taskkill /T /F, not after the grace period', async () => {
    const calls: HostCall[] = [];
    const { supervisor } = supervise({ host: windowsHost(calls), timings: { stopGraceMs: 10_000 } });
    await supervisor.start();
    const pid = supervisor.status().pid!;
    const stopping = Date.now();
    await supervisor.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(processAlive(pid)).toBe(false);
    expect(calls).toEqual([
      { file: 'C:\\Windows\\System32\\taskkill.exe', args: ['/pid', String(pid), '/T', '/F'], options: { windowsHide: true } },
    ]);
  });

  it('still stops osqueryd when taskkill fails, through the process handle, after the grace period', async () => {
    const calls: HostCall[] = [];
    const failingTaskkill: ProcessHost = {
      platform: 'win32',
      execFile: (file, args, options, callback) => {
        calls.push({ file, args, options });
        callback(new Error('ERROR: Access is denied.'), '');
      },
    };
    const { supervisor } = supervise({ host: failingTaskkill, timings: { stopGraceMs: 300 } });
    await supervisor.start();
    const pid = supervisor.status().pid!;
    await supervisor.stop();
    expect(processAlive(pid)).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('sends nothing to a daemon that already exited (Windows reuses its pid), and restarts it', async () => {
    const calls: HostCall[] = [];
    const { supervisor } = supervise({ host: windowsHost(calls) });
    await supervisor.start();
    process.kill(supervisor.status().pid!, 'SIGKILL');
    await untilState(supervisor, 'restarting');
    await untilState(supervisor, 'running');
    expect(calls).toEqual([]);
  });

  it("leaves a leftover osqueryd and its pidfile to the new osqueryd's --force", async () => {
    const calls: HostCall[] = [];
    const { supervisor, paths } = supervise({ host: windowsHost(calls) });
    const leftover = await leftoverDaemon(paths);
    await supervisor.start();
    expect(await waitForExit(leftover.pid!, 2_000)).toBe(true);
    expect(supervisor.outputTail().join('\n')).toContain(`Killing osqueryd process: ${leftover.pid} (succeeded)`);
    expect(calls).toEqual([]);
    expect(await supervisor.client.query('SELECT 1 AS ok')).toEqual([{ ok: '1' }]);
  });
});
