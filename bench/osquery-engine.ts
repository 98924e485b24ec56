/**
 * The osquery engine's numbers, measured through the real supervisor, socket and client against
 * the stand-in osqueryd: query round trip, large results, start-up overhead, client overhead.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { osquerydPaths } from '../src/core/osquery/daemon-paths.js';
import { encodeMessage, MessageReader, MessageType } from '../src/core/osquery/thrift-wire.js';
import { OsquerydSupervisor } from '../src/core/osquery/supervisor.js';
import { STANDIN_OSQUERYD, standinEnv, tempDir, writeFixture } from '../test/helpers/standin.js';
import { percentile, type BenchResult } from './report.js';

const ROUND_TRIPS = 3_000;
const WARMUP = 300;
const LARGE_ROWS = 10_000;
const STARTS = 10;
const LARGE_SQL = 'SELECT pid, name, path, cmdline, uid, gid, state, start_time FROM processes';

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
  const python = findOsqueryPython();
  const peer = python.found ? await OsqueryPythonPeer.start(python, supervisor.paths.socketPath) : undefined;
  try {
    const client = supervisor.client;
    const socketPath = supervisor.paths.socketPath;
    // Call by call in turns, so a busy moment of the machine falls on all three alike (blocks of
    // calls in turns favour whichever runs second by tens of microseconds here).
    const clientTimes: number[] = [];
    const bareTimes: number[] = [];
    const pythonTimes: number[] = [];
    const bare = await BareConnection.open(socketPath);
    for (let i = 0; i < WARMUP; i++) {
      await client.query('SELECT 1 AS one');
      await bare.roundTrip();
      await peer?.time('one');
    }
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const start = performance.now();
      await client.query('SELECT 1 AS one');
      clientTimes.push(performance.now() - start);
      bareTimes.push(await bare.roundTrip());
      if (peer) pythonTimes.push((await peer.time('one')).ms);
    }
    bare.close();
    const p50 = percentile(clientTimes, 50);
    results.push({ name: 'query round trip, one row (p50)', value: p50, unit: 'ms', target: '< 1 ms', ok: p50 < 1 });
    results.push({ name: 'query round trip, one row (p99)', value: percentile(clientTimes, 99), unit: 'ms', target: 'informational' });
    const bareP50 = percentile(bareTimes, 50);
    results.push({ name: 'bare Thrift call on the same socket (p50)', value: bareP50, unit: 'ms', target: 'informational' });
    const ratio = p50 / bareP50;
    results.push({ name: 'client overhead ratio (client p50 / bare p50)', value: ratio, unit: '×', target: '< 1.5×', ok: ratio < 1.5 });
    if (peer) {
      const pythonP50 = percentile(pythonTimes, 50);
      results.push({ name: "osquery's Python client, one row (p50)", value: pythonP50, unit: 'ms', target: 'informational' });
      results.push({ name: 'Porchlight p50 / osquery-python p50', value: p50 / pythonP50, unit: '×', target: '≤ 1×', ok: p50 <= pythonP50 });
    } else if (!python.found) {
      results.push({ name: "osquery's Python client, one row (p50)", value: NaN, unit: 'ms', target: 'side by side', skipped: python.reason });
    }

    await client.query(LARGE_SQL);
    const large: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const rows = await client.query(LARGE_SQL);
      large.push(performance.now() - start);
      // The machine's processes and, as in osqueryd, the daemon's own.
      if (rows.length !== LARGE_ROWS + 1) throw new Error(`expected ${LARGE_ROWS + 1} rows, got ${rows.length}`);
    }
    const largeMs = percentile(large, 50);
    results.push({ name: `${LARGE_ROWS}-row result (median of 5)`, value: largeMs, unit: 'ms', target: '< 100 ms', ok: largeMs < 100 });
    results.push({ name: `${LARGE_ROWS}-row result throughput`, value: (LARGE_ROWS / largeMs) * 1000, unit: 'rows/s', target: 'informational' });
    if (peer) {
      const pythonLarge: number[] = [];
      for (let i = 0; i < 5; i++) pythonLarge.push((await peer.time(`large ${LARGE_SQL}`)).ms);
      const pythonLargeMs = percentile(pythonLarge, 50);
      results.push({ name: `osquery's Python client, ${LARGE_ROWS} rows (median of 5)`, value: pythonLargeMs, unit: 'ms', target: 'informational' });
      results.push({ name: `Porchlight / osquery-python, ${LARGE_ROWS} rows`, value: largeMs / pythonLargeMs, unit: '×', target: '≤ 1×', ok: largeMs <= pythonLargeMs });
    }
  } finally {
    await peer?.stop();
    await supervisor.stop();
  }
  return results;
}

/** The same one-row query sent as pre-encoded bytes on a raw socket: the floor for any client. */
class BareConnection {
  private waiting: (() => void) | undefined;
  private seqid = 1;

  private constructor(private readonly socket: net.Socket) {
    const reader = new MessageReader(() => this.waiting?.());
    socket.on('data', (data: Buffer) => reader.push(data));
  }

  static async open(socketPath: string): Promise<BareConnection> {
    const socket = net.connect(socketPath);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new BareConnection(socket);
  }

  /** One call, timed from the write to the whole answer. */
  async roundTrip(): Promise<number> {
    const bytes = encodeMessage({ name: 'query', type: MessageType.CALL, seqid: this.seqid++ }, (out) => out.stringField(1, 'SELECT 1 AS one'));
    const start = performance.now();
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
      this.socket.write(bytes);
    });
    return performance.now() - start;
  }

  close(): void {
    this.socket.destroy();
  }
}

type OsqueryPython = { found: true; python: string; dir: string } | { found: false; reason: string };

/**
 * osquery's own Python client (github.com/osquery/osquery-python), the peer to beat: a checkout
 * named by OSQUERY_PYTHON_DIR, run by a Python that has Debian's python3-thrift and python3-future
 * (PORCHLIGHT_BENCH_PYTHON, else /usr/bin/python3, else python3 on the PATH).
 */
function findOsqueryPython(): OsqueryPython {
  const dir = process.env.OSQUERY_PYTHON_DIR;
  if (!dir) return { found: false, reason: 'set OSQUERY_PYTHON_DIR to a checkout of github.com/osquery/osquery-python' };
  const candidates = [process.env.PORCHLIGHT_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((python): python is string => Boolean(python));
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import osquery'], { env: { ...process.env, PYTHONPATH: dir }, encoding: 'utf8' });
    if (probe.status === 0) return { found: true, python, dir };
  }
  return { found: false, reason: `no Python here imports osquery from ${dir}: apt-get install python3-thrift python3-future` };
}

/** osquery-python in its own process, one timed query per line it is sent (osquery-python-peer.py). */
class OsqueryPythonPeer {
  private readonly answers: AsyncIterator<string>;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (data: Buffer) => (this.stderr += data.toString()));
    this.answers = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(peer: Extract<OsqueryPython, { found: true }>, socketPath: string): Promise<OsqueryPythonPeer> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'osquery-python-peer.py');
    const child = spawn(peer.python, [script, socketPath], { env: { ...process.env, PYTHONPATH: peer.dir } });
    await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    return new OsqueryPythonPeer(child);
  }

  async time(command: string): Promise<{ ms: number; rows: number }> {
    this.child.stdin.write(`${command}\n`);
    const answer = await this.answers.next();
    if (answer.done) throw new Error(`osquery-python stopped: ${this.stderr.trim() || `exit ${this.child.exitCode}`}`);
    return JSON.parse(answer.value) as { ms: number; rows: number };
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await exited;
  }
}
