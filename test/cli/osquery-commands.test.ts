import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/core/osquery/process-control.js';
import { CLI, removeTempDirs, runCli, STANDIN_OSQUERYD, standinEnv, tempDir, writeFixture } from '../helpers/standin.js';

afterEach(removeTempDirs);

const porchlight = runCli;

function laptop(): { dataDir: string; env: Record<string, string> } {
  const dir = tempDir();
  const fixture = path.join(dir, 'laptop.json');
  writeFixture(fixture, {
    tables: {
      listening_ports: [
        { pid: 100, port: 22, address: '0.0.0.0', protocol: 6 },
        { pid: 200, port: 631, address: '127.0.0.1', protocol: 6 },
      ],
      processes: [
        { pid: 100, name: 'sshd', path: '/usr/sbin/sshd' },
        { pid: 200, name: 'cupsd', path: '/usr/sbin/cupsd' },
      ],
    },
  });
  return { dataDir: path.join(dir, 'data'), env: { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD } };
}

const PORTS_SQL = 'SELECT p.name, l.port, l.address FROM listening_ports l JOIN processes p USING (pid) ORDER BY l.port';

describe('porchlight query', () => {
  it('prints rows as a table through a short-lived osqueryd', async () => {
    const { dataDir, env } = laptop();
    const result = await porchlight(['query', PORTS_SQL, '--data-dir', dataDir], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      ['name   port  address', '-----  ----  ---------', 'sshd   22    0.0.0.0', 'cupsd  631   127.0.0.1', ''].join('\n'),
    );
    expect(result.stderr).toContain('Starting osqueryd for this query');
  });

  it('prints JSON and CSV', async () => {
    const { dataDir, env } = laptop();
    const json = await porchlight(['query', '--json', PORTS_SQL, '--data-dir', dataDir], env);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'sshd', port: '22', address: '0.0.0.0' },
      { name: 'cupsd', port: '631', address: '127.0.0.1' },
    ]);
    const csv = await porchlight(['query', '--csv', "SELECT 'a,b' AS x, 'say \"hi\"' AS y", '--data-dir', dataDir], env);
    expect(csv.stdout).toBe('x,y\r\n"a,b","say ""hi"""\r\n');
    const empty = await porchlight(['query', '--csv', 'SELECT port, address FROM listening_ports WHERE 0', '--data-dir', dataDir], env);
    expect(empty.stdout).toBe('port,address\r\n');
  });

  it("prints osquery's message for bad SQL and exits 1", async () => {
    const { dataDir, env } = laptop();
    const result = await porchlight(['query', 'SELECT * FROM no_such_table', '--data-dir', dataDir], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('osquery error: no such table: no_such_table');
  });

  it('says how to get osqueryd when it is missing, and exits 2', async () => {
    const { dataDir } = laptop();
    const result = await porchlight(['query', 'SELECT 1', '--data-dir', dataDir, '--osqueryd', '/nonexistent/osqueryd']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--osqueryd names /nonexistent/osqueryd, which is not an executable file');
  });

  it("reports a daemon that cannot start with osqueryd's last output", async () => {
    const { dataDir, env } = laptop();
    const result = await porchlight(['query', 'SELECT 1', '--data-dir', dataDir], { ...env, STANDIN_FAULT: 'crash-at-start' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('osqueryd could not start');
    expect(result.stderr).toContain('stand-in fault: crashing at start');
  });

  it('rejects bad usage with a hint, and has --help on every command', async () => {
    const noSql = await porchlight(['query']);
    expect(noSql.code).toBe(2);
    expect(noSql.stderr).toContain('porchlight query --help');
    const unknown = await porchlight(['query', 'SELECT 1', '--bogus']);
    expect(unknown.code).toBe(2);
    for (const command of [['query'], ['tables'], ['osquery', 'run'], ['osquery', 'status']]) {
      const help = await porchlight([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: porchlight ${command.join(' ')}`);
      expect(help.stdout).toContain('--data-dir');
    }
    const top = await porchlight(['--help']);
    expect(top.stdout).toMatch(/query\s+run osquery SQL/);
  });
});

describe('porchlight osquery run', () => {
  it('supervises osqueryd, serves other commands through it, and stops cleanly on SIGTERM', async () => {
    const { dataDir, env } = laptop();
    const child = spawn(process.execPath, [CLI, 'osquery', 'run', '--data-dir', dataDir], { env: standinEnv(env) });
    const states: { state: string; pid?: number }[] = [];
    const lines = createInterface({ input: child.stdout });
    const running = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        states.push(JSON.parse(line) as { state: string });
        if (states.at(-1)?.state === 'running') resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await running;
    const daemonPid = states.at(-1)?.pid;
    expect(daemonPid).toBeGreaterThan(0);

    const query = await porchlight(['query', '--json', 'SELECT pid FROM osquery_info', '--data-dir', dataDir], env);
    expect(query.stderr).not.toContain('Starting osqueryd');
    expect(JSON.parse(query.stdout)).toEqual([{ pid: String(daemonPid) }]);

    const status = await porchlight(['osquery', 'status', '--json', '--data-dir', dataDir], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: daemonPid, version: '5.23.1', supervisorPid: child.pid });

    const tables = await porchlight(['tables', '--data-dir', dataDir], env);
    expect(tables.stdout.split('\n')).toEqual(expect.arrayContaining(['listening_ports', 'processes', 'osquery_info']));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(states.map((s) => s.state)).toEqual(['starting', 'running', 'stopped']);
    expect(processAlive(daemonPid!)).toBe(false);

    const after = await porchlight(['osquery', 'status', '--data-dir', dataDir], env);
    expect(after.code).toBe(3);
    expect(after.stdout).toContain('osqueryd:  not running');
  });

  it('exits 2 with the reason when osqueryd keeps crashing', async () => {
    const { dataDir, env } = laptop();
    const result = await porchlight(['osquery', 'run', '--data-dir', dataDir], { ...env, STANDIN_FAULT: 'crash-at-start' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/porchlight osquery run: osqueryd failed: osqueryd failed 5 times within 10 minutes/);
    expect(result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { state: string }).state).at(-1)).toBe('stopped');
  }, 60_000);
});

describe('porchlight osquery status', () => {
  it('says what a running agent’s supervisor sees: running, or restarting and why', async () => {
    const { dataDir, env } = laptop();
    const healthy = spawn(process.execPath, [CLI, 'daemon', '--data-dir', dataDir], { env: standinEnv(env) });
    await expect.poll(async () => (await porchlight(['osquery', 'status', '--json', '--data-dir', dataDir], env)).code, { timeout: 20_000 }).toBe(0);
    const running = JSON.parse((await porchlight(['osquery', 'status', '--json', '--data-dir', dataDir], env)).stdout) as {
      pid: number;
      agent: { state: string; pid: number };
    };
    expect(running.agent).toMatchObject({ state: 'running', pid: running.pid });
    healthy.kill('SIGTERM');
    await new Promise((resolve) => healthy.once('exit', resolve));

    const crashing = spawn(process.execPath, [CLI, 'daemon', '--data-dir', dataDir], { env: standinEnv({ ...env, STANDIN_FAULT: 'crash-at-start' }) });
    try {
      let status = await porchlight(['osquery', 'status', '--data-dir', dataDir], env);
      await expect
        .poll(async () => (status = await porchlight(['osquery', 'status', '--data-dir', dataDir], env)).stdout, { timeout: 20_000 })
        .toMatch(/^state: {5}(restarting|failed) since \S+, \d+ recent failures?(, next start in \d+ s)?: .+$/m);
      expect(status.code).toBe(3);
      expect(status.stdout).toContain('osqueryd:  not running');
    } finally {
      crashing.kill('SIGTERM');
      await new Promise((resolve) => crashing.once('exit', resolve));
    }
  }, 60_000);
});
