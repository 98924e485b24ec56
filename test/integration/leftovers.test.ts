import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentDaemonClient, sweepLeftoverSessions } from '../../src/core/osquery/osquery-session.js';
import { osquerydPaths } from '../../src/core/osquery/daemon-paths.js';
import { InstanceLock } from '../../src/core/osquery/instance-lock.js';
import { processAlive } from '../../src/core/osquery/process-control.js';
import { UnsafeSocketDirectoryError } from '../../src/core/paths/private-sockets.js';
import { HistoryStore } from '../../src/core/store/history-store.js';
import { removeTempDirs, runCli, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

afterEach(removeTempDirs);

/** A pid that no process has: a child that already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** An osqueryd as a killed CLI command (cli-<pid>/) or agent (daemon/) leaves it: with its pidfile, still running. */
async function leftoverDaemon(dataDir: string, owner: number | 'agent') {
  const paths = osquerydPaths(dataDir, owner === 'agent' ? 'daemon' : `cli-${owner}`);
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  const daemon = spawn(STANDIN_OSQUERYD, [`--extensions_socket=${paths.socketPath}`, `--pidfile=${paths.pidfile}`], { env: standinEnv(), stdio: 'ignore', detached: true });
  await expect.poll(() => existsSync(paths.socketPath)).toBe(true);
  return { paths, pid: daemon.pid! };
}

describe('what a killed command leaves behind', () => {
  it('is swept at the next start: its osqueryd ended, its folder removed; a running command keeps its own', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const killed = await leftoverDaemon(dataDir, await deadPid());
    const alive = await leftoverDaemon(dataDir, process.ppid);
    expect(await sweepLeftoverSessions(dataDir)).toEqual([killed.pid]);
    expect(processAlive(killed.pid)).toBe(false);
    expect(existsSync(killed.paths.root)).toBe(false);
    expect(processAlive(alive.pid)).toBe(true);
    expect(existsSync(alive.paths.root)).toBe(true);
    process.kill(-alive.pid, 'SIGKILL');
  });

  it('ends the osqueryd of a killed agent, whose lock nobody holds, but never a live agent’s', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const agentDaemon = await leftoverDaemon(dataDir, 'agent');
    const lock = (await InstanceLock.acquire(agentDaemon.paths.supervisorLock))!;
    expect(await sweepLeftoverSessions(dataDir)).toEqual([]);
    expect(processAlive(agentDaemon.pid)).toBe(true);
    lock.release();
    expect(await sweepLeftoverSessions(dataDir)).toEqual([agentDaemon.pid]);
    expect(processAlive(agentDaemon.pid)).toBe(false);
    expect(existsSync(agentDaemon.paths.pidfile)).toBe(false);
  });

  it('never ends a process its pidfile names unless its command line carries that folder’s socket', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const paths = osquerydPaths(dataDir, `cli-${await deadPid()}`);
    mkdirSync(paths.root, { recursive: true, mode: 0o700 });
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    writeFileSync(paths.pidfile, `${stranger.pid}\n`);
    expect(await sweepLeftoverSessions(dataDir)).toEqual([]);
    expect(processAlive(stranger.pid!)).toBe(true);
    expect(existsSync(paths.root)).toBe(false);
    stranger.kill('SIGKILL');
  });

  it('says a scan its killed process never finished was interrupted, and leaves a live one running', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const { store } = HistoryStore.open(dataDir);
    const orphan = store.beginScan('cli', 1_000);
    store.db.prepare('UPDATE scans SET pid = ? WHERE id = ?').run(await deadPid(), orphan);
    store.beginScan('schedule', Date.now());
    store.close();
    const { store: reopened } = HistoryStore.open(dataDir);
    const scans = reopened.db.prepare('SELECT trigger, status, error FROM scans ORDER BY id').all();
    reopened.close();
    expect(scans).toEqual([
      { trigger: 'cli', status: 'failed', error: expect.stringMatching(/^interrupted: the Porchlight process \(pid \d+\) ended during this scan$/) },
      { trigger: 'schedule', status: 'running', error: null },
    ]);
    const history = await runCli(['history', '--data-dir', dataDir]);
    expect(history.stdout).toMatch(/Scans that did not finish:\n1970-01-01T00:00:01\.000Z {2}cli {2}interrupted: the Porchlight process/);
  });
});

describe('this user’s data and sockets', () => {
  it('makes the data dir 0700 and its files 0600, tightening what was looser', async () => {
    const dataDir = path.join(tempDir(), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(path.join(dataDir, 'config.json'), '{}\n', { mode: 0o644 });
    const result = await runCli(['check', '--only', 'firewall', '--data-dir', dataDir], { PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD });
    expect(result.code).toBeLessThan(2);
    const mode = (file: string) => statSync(path.join(dataDir, file)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    for (const file of ['config.json', 'porchlight.db']) expect([file, mode(file)]).toEqual([file, 0o600]);
    // The WAL and shared-memory files exist while the history is open.
    const { store } = HistoryStore.open(dataDir);
    for (const file of ['porchlight.db-wal', 'porchlight.db-shm']) expect([file, mode(file)]).toEqual([file, 0o600]);
    store.close();
  });

  it('will not ask an osqueryd socket in a folder other users can enter', async () => {
    const base = tempDir();
    const dataDir = path.join(base, 'x'.repeat(120));
    const folder = path.join(base, `porchlight-${process.getuid!()}`);
    mkdirSync(folder, { mode: 0o777 });
    const socketPath = osquerydPaths(dataDir, 'daemon', { shortSocketBase: base }).socketPath;
    expect(path.dirname(socketPath)).toBe(folder);
    writeFileSync(socketPath, '');
    await expect(agentDaemonClient(dataDir, { shortSocketBase: base })).rejects.toThrow(UnsafeSocketDirectoryError);
  });
});
