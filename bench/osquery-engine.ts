/**
 * The osquery engine's numbers, measured through the real supervisor, socket and client against
 * the stand-in osqueryd: query round trip, large results, start-up overhead, client overhead.
 */
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { osquerydPaths } from '../src/core/osquery/daemon-paths.js';
import { encodeMessage, MessageReader, MessageType } from '../src/core/osquery/thrift-wire.js';
import { OsquerydSupervisor } from '../src/core/osquery/supervisor.js';
import { STANDIN_OSQUERYD, standinEnv, tempDir, writeFixture } from '../test/helpers/standin.js';
import { percentile, type BenchResult } from './report.js';

const ROUND_TRIPS = 3_000;
const WARMUP = 300;
const LARGE_ROWS = 10_000;
const STARTS = 10;

export async function benchOsqueryEngine(): Promise<BenchResult[]> {
  const dir = tempDir('porchlight-bench-');
  const fixture = path.join(dir, 'large.json');
  writeFixture(fixture, {
    tables: {
      processes: Array.from({ length: LARGE_ROWS }, (_, i) => ({
        pid: 1000 + i,
        name: `process-${i}`,
        path: `/usr/local/bin/process-${i}`,
        cmdline: `/usr/local/bin/process-${i} --flag value`,
        uid: 501,
        gid: 20,
        state: 'S',
        start_time: 1_700_000_000 + i,
      })),
    },
  });
  const results: BenchResult[] = [];

  const overheads: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const supervisor = new OsquerydSupervisor({
      binary: { path: STANDIN_OSQUERYD, source: 'flag' },
      paths: osquerydPaths(path.join(dir, `start-${i}`), 'daemon'),
      env: standinEnv({ STANDIN_FIXTURE: fixture }),
      timings: { readyPollMs: 10 },
    });
    let listeningAt = 0;
    supervisor.on('output', ({ line }) => {
      if (line.includes('Extension manager service starting')) listeningAt = performance.now();
    });
    await supervisor.start();
    const readyAt = performance.now();
    overheads.push(readyAt - listeningAt);
    await supervisor.stop();
  }
  results.push({
    name: 'supervisor start-to-ready overhead beyond the daemon (median)',
    value: percentile(overheads, 50),
    unit: 'ms',
    target: 'informational',
  });

  const supervisor = new OsquerydSupervisor({
    binary: { path: STANDIN_OSQUERYD, source: 'flag' },
    paths: osquerydPaths(path.join(dir, 'main'), 'daemon'),
    env: standinEnv({ STANDIN_FIXTURE: fixture }),
  });
  await supervisor.start();
  try {
    const client = supervisor.client;
    for (let i = 0; i < WARMUP; i++) await client.query('SELECT 1 AS one');
    const clientTimes: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const start = performance.now();
      await client.query('SELECT 1 AS one');
      clientTimes.push(performance.now() - start);
    }
    const p50 = percentile(clientTimes, 50);
    results.push({ name: 'query round trip, one row (p50)', value: p50, unit: 'ms', target: '< 1 ms', ok: p50 < 1 });
    results.push({ name: 'query round trip, one row (p99)', value: percentile(clientTimes, 99), unit: 'ms', target: 'informational' });

    const bare = await bareRoundTrips(supervisor.paths.socketPath);
    const bareP50 = percentile(bare, 50);
    results.push({ name: 'bare Thrift call on the same socket (p50)', value: bareP50, unit: 'ms', target: 'informational' });
    const ratio = p50 / bareP50;
    results.push({ name: 'client overhead ratio (client p50 / bare p50)', value: ratio, unit: '×', target: '< 1.5×', ok: ratio < 1.5 });

    await client.query('SELECT pid, name, path, cmdline, uid, gid, state, start_time FROM processes');
    const large: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const rows = await client.query('SELECT pid, name, path, cmdline, uid, gid, state, start_time FROM processes');
      large.push(performance.now() - start);
      // The machine's processes and, as in osqueryd, the daemon's own.
      if (rows.length !== LARGE_ROWS + 1) throw new Error(`expected ${LARGE_ROWS + 1} rows, got ${rows.length}`);
    }
    const largeMs = percentile(large, 50);
    results.push({ name: `${LARGE_ROWS}-row result (median of 5)`, value: largeMs, unit: 'ms', target: '< 100 ms', ok: largeMs < 100 });
    results.push({ name: `${LARGE_ROWS}-row result throughput`, value: (LARGE_ROWS / largeMs) * 1000, unit: 'rows/s', target: 'informational' });
  } finally {
    await supervisor.stop();
  }
  return results;
}

/** The same one-row query sent as pre-encoded bytes on a raw socket: the floor for any client. */
async function bareRoundTrips(socketPath: string): Promise<number[]> {
  const socket = net.connect(socketPath);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let waiting: (() => void) | undefined;
  const reader = new MessageReader(() => waiting?.());
  socket.on('data', (data: Buffer) => reader.push(data));
  const call = (seqid: number) =>
    encodeMessage({ name: 'query', type: MessageType.CALL, seqid }, (out) => out.stringField(1, 'SELECT 1 AS one'));
  const times: number[] = [];
  for (let i = 0; i < WARMUP + ROUND_TRIPS; i++) {
    const bytes = call(i + 1);
    const start = performance.now();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      socket.write(bytes);
    });
    if (i >= WARMUP) times.push(performance.now() - start);
  }
  socket.destroy();
  return times;
}

