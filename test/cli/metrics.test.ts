import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, copyDemoLaptop, removeTempDirs, runCliHere, standinEnv, STANDIN_OSQUERYD, tempDir } from '../helpers/standin.js';

/** Prometheus' own checker, from Debian's `prometheus` package (.ci/run installs it). */
const promtool = (process.env.PATH ?? '')
  .split(path.delimiter)
  .map((dir) => path.join(dir, 'promtool'))
  .find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
if (!promtool) process.stderr.write('\n  SKIPPED promtool check of /metrics: promtool is not installed (apt-get install prometheus)\n\n');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET with a chosen Host header (fetch would not let a test send another). */
function get(port: number, pathname: string, host = `127.0.0.1:${port}`): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, headers: { host } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

/** Samples of the text format: `name{labels} value` → value, keyed by `name{labels}` as printed. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    values.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return values;
}

describe('porchlight daemon --metrics-port on the stand-in', () => {
  let port: number;
  let stop: () => Promise<void>;
  let events: { event: string; pid?: number; state?: string; url?: string }[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    const dir = tempDir();
    const { fixture } = copyDemoLaptop(dir);
    env = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: path.join(dir, 'data') };
    port = await freePort();
    const child = spawn(process.execPath, [CLI, 'daemon', '--metrics-port', String(port)], { env: standinEnv(env) });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    events = [];
    await new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        events.push(JSON.parse(line) as (typeof events)[number]);
        if (events.at(-1)!.event === 'scan-finished') resolve();
      });
    });
  });
  afterAll(async () => {
    await stop?.();
    removeTempDirs();
  });

  it("serves what the demo laptop's checks say, scans, osqueryd and process metrics, on 127.0.0.1 only", async () => {
    expect(events.find((e) => e.event === 'metrics')?.url).toBe(`http://127.0.0.1:${port}/metrics`);
    const answer = await get(port, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const values = samples(answer.body);
    const status = (check: string, severity: string, state: string) => values.get(`porchlight_check_status{check="${check}",severity="${severity}",status="${state}"}`);
    expect(status('listening-ports', 'high', 'fail')).toBe(1);
    expect(status('listening-ports', 'high', 'pass')).toBe(0);
    expect(status('disk-encryption', 'critical', 'pass')).toBe(1);
    expect(status('disk-encryption', 'critical', 'fail')).toBe(0);
    expect(status('screen-lock', 'medium', 'not_applicable')).toBe(1);
    const failing = [...values].filter(([key, value]) => key.startsWith('porchlight_check_status{') && key.endsWith('status="fail"}') && value === 1);
    expect(failing).toHaveLength(9);
    expect(values.get('porchlight_check_open_findings{check="browser-extensions"}')).toBe(5);
    expect(values.get('porchlight_check_open_findings{check="listening-ports"}')).toBe(5);
    expect(values.get('porchlight_check_open_findings{check="disk-encryption"}')).toBe(0);
    expect(values.get('porchlight_osqueryd_up')).toBe(1);
    expect(values.get('porchlight_osqueryd_restarts_total')).toBe(0);
    expect(values.get('porchlight_scans_total{outcome="finished"}')).toBe(1);
    expect(values.get('porchlight_scan_duration_seconds_count')).toBe(1);
    expect(values.get('porchlight_last_scan_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(values.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(answer.body).toContain('# TYPE porchlight_scan_duration_seconds histogram');

    expect((await get(port, '/')).status).toBe(404);
    expect((await get(port, '/metrics/../api')).status).toBe(404);
    expect((await get(port, '/metrics', 'attacker.example')).status).toBe(403);
  });

  it('follows a scan asked through the daemon and a restart of osqueryd', async () => {
    expect((await runCliHere(['check', '--only', 'firewall'], env)).code).toBe(1);
    const pid = events.filter((e) => e.event === 'osquery-state' && e.state === 'running').at(-1)!.pid!;
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(async () => {
        const values = samples((await get(port, '/metrics')).body);
        return [values.get('porchlight_scans_total{outcome="finished"}'), values.get('porchlight_osqueryd_restarts_total'), values.get('porchlight_osqueryd_up')];
      })
      .toEqual([2, 1, 1]);
  });

  it.skipIf(!promtool)(`parses as Prometheus text with promtool check metrics${promtool ? '' : ' (skipped: promtool is not installed)'}`, async () => {
    const text = (await get(port, '/metrics')).body;
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile(promtool!, ['check', 'metrics'], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
      child.stdin!.end(text);
    });
    expect(result).toEqual({ code: 0, output: '' });
  });
});

describe('--metrics-port', () => {
  afterAll(removeTempDirs);

  it('refuses a port another program holds, and what is not a port, saying so', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const dir = tempDir();
      const env = { STANDIN_FIXTURE: copyDemoLaptop(dir).fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: path.join(dir, 'data') };
      const [taken, zero] = await Promise.all([runCliHere(['daemon', '--metrics-port', String(port)], env), runCliHere(['serve', '--metrics-port', '0'], env)]);
      expect(taken).toMatchObject({ code: 2, stderr: expect.stringContaining(`the metrics port ${port} on 127.0.0.1 is taken by another program; choose another`) });
      expect(zero).toMatchObject({ code: 2, stderr: expect.stringContaining('--metrics-port takes a port number (1-65535), not "0"') });
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
