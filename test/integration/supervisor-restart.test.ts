import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { osquerydPaths } from '../../src/core/osquery/daemon-paths.js';
import { processAlive } from '../../src/core/osquery/process-control.js';
import { OsquerydSupervisor, type OsquerydStatus } from '../../src/core/osquery/supervisor.js';
import { FAST_TIMINGS, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

const running: OsquerydSupervisor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((supervisor) => supervisor.stop()));
  removeTempDirs();
});

describe('restarting the supervised osqueryd with a change while it is down', () => {
  it('ends osqueryd, runs the change with no osqueryd running, and starts one with its flags read anew', async () => {
    const paths = osquerydPaths(path.join(tempDir(), 'data'), 'daemon');
    let extra: string[] = [];
    const supervisor = new OsquerydSupervisor({
      binary: { path: STANDIN_OSQUERYD, source: 'flag' },
      paths,
      env: standinEnv(),
      timings: FAST_TIMINGS,
      extraArguments: () => extra,
    });
    running.push(supervisor);
    const states: OsquerydStatus[] = [];
    supervisor.on('state', (status) => states.push(status));
    await supervisor.start();
    const firstPid = supervisor.status().pid!;
    const marker = path.join(paths.databasePath, 'written-while-down');
    let aliveDuringChange: boolean | undefined;

    await supervisor.restart('testing a change', () => {
      aliveDuringChange = processAlive(firstPid);
      mkdirSync(paths.databasePath, { recursive: true });
      writeFileSync(marker, 'x');
      extra = ['--pack_delimiter=/'];
    });

    expect(aliveDuringChange).toBe(false);
    expect(existsSync(marker)).toBe(true);
    expect(supervisor.status()).toMatchObject({ state: 'running', failures: 0 });
    expect(supervisor.status().pid).not.toBe(firstPid);
    expect(states.map((status) => status.state)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
    expect(states[2]).toMatchObject({ reason: 'testing a change' });
    expect(await supervisor.client.query("SELECT value FROM osquery_flags WHERE name = 'pack_delimiter'")).toEqual([{ value: '/' }]);
  });

  it('only runs the change when osqueryd is not supervised', async () => {
    const paths = osquerydPaths(path.join(tempDir(), 'data'), 'daemon');
    const supervisor = new OsquerydSupervisor({ binary: { path: STANDIN_OSQUERYD, source: 'flag' }, paths, env: standinEnv(), timings: FAST_TIMINGS });
    running.push(supervisor);
    let changed = false;
    await supervisor.restart('not running', () => {
      changed = true;
    });
    expect(changed).toBe(true);
    expect(supervisor.status().state).toBe('stopped');
  });
});
