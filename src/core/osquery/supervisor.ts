import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { TypedEmitter } from '../events.js';
import { augeasLenses, type ResolvedBinary } from './binary.js';
import { DaemonOutput } from './daemon-output.js';
import { InstanceLock } from './instance-lock.js';
import { osquerydArguments, prepareOsquerydPaths, type OsquerydPaths } from './daemon-paths.js';
import { ExtensionSocketClient } from './extension-socket-client.js';
import {
  endProcessTreeNow,
  HOST,
  processAlive,
  processCommandLine,
  signalProcessTree,
  waitForExit,
  type ProcessHost,
} from './process-control.js';
import { errorMessage } from '../error-message.js';

export type OsquerydState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

export interface OsquerydStatus {
  state: OsquerydState;
  /** Why the daemon is in this state (set for restarting, failed and stopped-after-failure). */
  reason?: string;
  pid?: number;
  /** When this state began (ms since epoch). */
  since: number;
  /** Failures counted toward the crash-loop limit. */
  failures: number;
  /** restarting: how long until the next start. */
  nextStartInMs?: number;
  /** failed: osqueryd's last output lines. */
  lastOutput?: string[];
}

export interface SupervisorEvents extends Record<string, unknown> {
  state: OsquerydStatus;
  /** A complete line osqueryd wrote to stdout or stderr (or a note of Porchlight's about it). */
  output: { line: string; at: number };
}

export interface SupervisorTimings {
  readyTimeoutMs: number;
  readyPollMs: number;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  healthFailuresBeforeRestart: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Running this long without trouble resets the backoff. */
  stableAfterMs: number;
  crashLoopFailures: number;
  crashLoopWindowMs: number;
  stopGraceMs: number;
  queryTimeoutMs: number;
}

export const DEFAULT_TIMINGS: SupervisorTimings = {
  readyTimeoutMs: 30_000,
  readyPollMs: 50,
  healthIntervalMs: 15_000,
  healthTimeoutMs: 5_000,
  healthFailuresBeforeRestart: 2,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  stableAfterMs: 5 * 60_000,
  crashLoopFailures: 5,
  crashLoopWindowMs: 10 * 60_000,
  stopGraceMs: 5_000,
  queryTimeoutMs: 30_000,
};

export interface OsquerydSupervisorOptions {
  /** osqueryd and where it was found, or how to find it at each start (so installing osquery and retrying works). */
  binary: ResolvedBinary | (() => ResolvedBinary);
  paths: OsquerydPaths;
  env?: NodeJS.ProcessEnv;
  timings?: Partial<SupervisorTimings>;
  /** The OS processes are controlled on (tests run Windows' way on another platform). */
  host?: ProcessHost;
  /**
   * Flags added to osqueryd's command line at each start, read then (Fleet's, while this data dir
   * is enrolled: src/core/fleet/osquery-flags.ts).
   */
  extraArguments?: (paths: OsquerydPaths) => string[];
}

export class SupervisorBusyError extends Error {
  override name = 'SupervisorBusyError';
}

export class OsquerydStartError extends Error {
  override name = 'OsquerydStartError';
  constructor(readonly status: OsquerydStatus) {
    super(status.reason ?? `osqueryd is ${status.state}`);
  }
}

/** What real osqueryd prints when its extension manager cannot make the socket; it then runs on without it. */
const SOCKET_FAILURE = /Extensions disabled|Extension socket directory missing|Cannot (create|write|remove) extension socket/;

/**
 * Starts osqueryd, waits for its extension socket, keeps it healthy and restarts it with
 * exponential backoff; a crash loop ends in `failed` until `retry()`. State changes are events.
 */
export class OsquerydSupervisor extends TypedEmitter<SupervisorEvents> {
  readonly paths: OsquerydPaths;
  /** The client every caller shares; it reconnects by itself after a restart. */
  readonly client: ExtensionSocketClient;
  private readonly binary: ResolvedBinary | (() => ResolvedBinary);
  private readonly env: NodeJS.ProcessEnv | undefined;
  private readonly timings: SupervisorTimings;
  private readonly host: ProcessHost;
  private readonly extraArguments: ((paths: OsquerydPaths) => string[]) | undefined;
  private readonly output: DaemonOutput;
  private current: OsquerydStatus = { state: 'stopped', since: Date.now(), failures: 0 };
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  /** Set when we end the child ourselves, so its exit is not counted as a crash. */
  private endingChild = false;
  private failureTimes: number[] = [];
  private consecutiveFailures = 0;
  private timers = new Set<NodeJS.Timeout>();
  private generation = 0;
  private lock: InstanceLock | undefined;
  private locking: Promise<void> | undefined;
  /** Counts stop() calls, so a start() that waited for the lock knows a stop came meanwhile. */
  private stops = 0;
  private stopping: Promise<void> | undefined;
  private readonly onProcessExit = () => this.killNow();

  constructor(options: OsquerydSupervisorOptions) {
    super();
    this.binary = options.binary;
    this.paths = options.paths;
    this.env = options.env;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.host = options.host ?? HOST;
    this.extraArguments = options.extraArguments;
    prepareOsquerydPaths(this.paths);
    this.output = new DaemonOutput({ file: this.paths.outputLog });
    this.client = new ExtensionSocketClient({
      socketPath: this.paths.socketPath,
      callTimeoutMs: this.timings.queryTimeoutMs,
    });
  }

  status(): OsquerydStatus {
    return { ...this.current };
  }

  outputTail(lines?: number): string[] {
    return this.output.tail(lines);
  }

  /** Begins supervision and resolves once osqueryd answers; rejects if it ends in `failed`. */
  async start(): Promise<void> {
    await this.stopping;
    if (this.current.state === 'stopped' || this.current.state === 'failed') {
      const stops = this.stops;
      await this.acquireLock();
      if (this.stops === stops && (this.current.state === 'stopped' || this.current.state === 'failed')) {
        this.failureTimes = [];
        this.consecutiveFailures = 0;
        void this.launch();
      }
    }
    await this.whenRunning();
  }

  /** After `failed`: forget past failures and start again. */
  retry(): Promise<void> {
    if (this.current.state !== 'failed') return this.whenRunning();
    return this.start();
  }

  /**
   * Stops osqueryd, runs `change` while it is down (files osqueryd holds open, such as its
   * database, can be changed then), and starts it again with the arguments read anew. Resolves once
   * it answers. Not running under supervision (stopped): only `change` runs.
   */
  async restart(reason: string, change: () => void | Promise<void> = () => undefined): Promise<void> {
    await this.stopping;
    if (this.current.state === 'stopped') {
      await change();
      return;
    }
    const generation = ++this.generation;
    this.clearTimers();
    this.output.note(`restarting osqueryd: ${reason}`);
    this.setState({ state: 'restarting', reason, nextStartInMs: 0 });
    await this.endChild();
    await this.childExited;
    try {
      await change();
    } finally {
      if (generation === this.generation) {
        this.failureTimes = [];
        this.consecutiveFailures = 0;
        void this.launch();
      }
    }
    await this.whenRunning();
  }

  /** Stops osqueryd: SIGTERM, then SIGKILL of its process group after the grace period (Windows: at once). */
  stop(): Promise<void> {
    this.stops++;
    this.generation++;
    this.clearTimers();
    this.stopping ??= (async () => {
      await this.locking?.catch(() => undefined);
      await this.endChild();
      removeDaemonFiles(this.paths, this.host);
      this.releaseLock();
      if (this.current.state !== 'stopped') this.setState({ state: 'stopped' });
    })().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  /** Resolves when running; rejects when supervision ends in `failed` or `stopped` first. */
  whenRunning(): Promise<void> {
    if (this.current.state === 'running') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.on('state', (status) => {
        if (status.state === 'running') {
          off();
          resolve();
        } else if (status.state === 'failed' || status.state === 'stopped') {
          off();
          reject(new OsquerydStartError(status));
        }
      });
      if (this.current.state === 'failed' || this.current.state === 'stopped') {
        off();
        reject(new OsquerydStartError(this.current));
      }
    });
  }

  private async launch(): Promise<void> {
    const generation = ++this.generation;
    this.setState({ state: 'starting' });
    // Never two daemons on one socket: the previous one must be gone first.
    await this.childExited;
    if (generation !== this.generation) return;
    try {
      await this.removeLeftovers();
    } catch (error) {
      if (generation === this.generation) this.fail(errorMessage(error), false);
      return;
    }
    if (generation !== this.generation) return;

    let binary: ResolvedBinary;
    try {
      binary = typeof this.binary === 'function' ? this.binary() : this.binary;
    } catch (error) {
      this.fail(errorMessage(error), false);
      return;
    }
    const args = [...osquerydArguments(this.paths, binary.source, augeasLenses(binary)), ...(this.extraArguments?.(this.paths) ?? [])];
    const child = spawn(binary.path, args, {
      cwd: this.paths.root,
      env: this.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.host.platform !== 'win32',
      windowsHide: true,
    });
    this.child = child;
    this.endingChild = false;
    this.childExited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const onOutput = (chunk: Buffer) => {
      for (const line of this.output.append(chunk)) {
        this.emit('output', { line, at: Date.now() });
        if (this.current.state === 'starting' && generation === this.generation && SOCKET_FAILURE.test(line)) {
          this.fail(`osqueryd cannot open its extension socket: ${line.replace(/^.*?\] /, '')}`, false);
        }
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (error) => {
      if (generation === this.generation) this.fail(`cannot run ${binary.path}: ${error.message}`, false);
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      // The leader is gone; a worker it forked must not outlive it. On Windows the worker ends by
      // itself when its watcher goes (osquery core/watcher.cpp:777-781), and the pid, released,
      // may already name another process: nothing is sent there.
      if (child.pid && this.host.platform !== 'win32') signalProcessTree(child.pid, 'SIGKILL');
      if (this.endingChild || generation !== this.generation) return;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.fail(`osqueryd ${how}`, true);
    });
    this.pollReady(generation, Date.now());
  }

  private pollReady(generation: number, startedAt: number): void {
    if (generation !== this.generation || this.current.state !== 'starting') return;
    if (Date.now() - startedAt > this.timings.readyTimeoutMs) {
      this.fail(`osqueryd did not open its extension socket within ${this.timings.readyTimeoutMs} ms`, true);
      return;
    }
    // A named pipe has no file to wait for, and a leftover osqueryd may answer on it until the new
    // one's --force has ended it: that has happened once the pidfile names our osqueryd.
    const worthPinging =
      this.host.platform === 'win32' ? readPid(this.paths.pidfile) === this.child?.pid : existsSync(this.paths.socketPath);
    const next = () => this.schedule(() => this.pollReady(generation, startedAt), this.timings.readyPollMs);
    if (!worthPinging) {
      next();
      return;
    }
    this.client.ping(Math.min(this.timings.healthTimeoutMs, this.timings.readyTimeoutMs)).then(
      (status) => {
        if (generation !== this.generation || this.current.state !== 'starting') return;
        if (status.code !== 0) {
          next();
          return;
        }
        this.setState({ state: 'running', pid: this.child?.pid });
        this.watchHealth(generation);
      },
      () => next(),
    );
  }

  private watchHealth(generation: number): void {
    let misses = 0;
    this.schedule(() => {
      if (generation === this.generation) {
        this.consecutiveFailures = 0;
      }
    }, this.timings.stableAfterMs);
    const check = () => {
      if (generation !== this.generation || this.current.state !== 'running') return;
      this.client.ping(this.timings.healthTimeoutMs).then(
        (status) => (status.code === 0 ? 0 : 1),
        () => 1,
      ).then((missed) => {
        if (generation !== this.generation || this.current.state !== 'running') return;
        misses = missed ? misses + 1 : 0;
        if (misses >= this.timings.healthFailuresBeforeRestart) {
          this.fail(`osqueryd stopped answering health pings (${misses} in a row)`, true);
          return;
        }
        this.schedule(check, this.timings.healthIntervalMs);
      });
    };
    this.schedule(check, this.timings.healthIntervalMs);
  }

  /** Counts a failure; restarts with backoff, or ends in `failed` on a crash loop or when restarting cannot help. */
  private fail(reason: string, restartable: boolean): void {
    const generation = ++this.generation;
    this.clearTimers();
    this.output.note(reason);
    const now = Date.now();
    this.failureTimes = [...this.failureTimes.filter((t) => now - t < this.timings.crashLoopWindowMs), now];
    this.consecutiveFailures++;
    void this.endChild();
    if (!restartable) {
      this.setState({ state: 'failed', reason, lastOutput: this.output.tail(20) });
      return;
    }
    if (this.failureTimes.length >= this.timings.crashLoopFailures) {
      const minutes = Math.round(this.timings.crashLoopWindowMs / 60_000);
      this.setState({
        state: 'failed',
        reason: `osqueryd failed ${this.failureTimes.length} times within ${minutes} minutes; last: ${reason}`,
        lastOutput: this.output.tail(20),
      });
      return;
    }
    const delay = Math.min(
      this.timings.backoffInitialMs * 2 ** (this.consecutiveFailures - 1),
      this.timings.backoffMaxMs,
    );
    this.setState({ state: 'restarting', reason, nextStartInMs: delay });
    this.schedule(() => {
      if (generation === this.generation) void this.launch();
    }, delay);
  }

  private async endChild(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    this.endingChild = true;
    // osqueryd cannot be asked to stop on Windows (endProcessTreeNow): it is ended at once there.
    if (this.host.platform === 'win32') void endProcessTreeNow(child.pid, this.host);
    else signalProcessTree(child.pid, 'SIGTERM');
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      graceTimer = setTimeout(() => resolve(false), this.timings.stopGraceMs);
    });
    const exited = await Promise.race([this.childExited.then(() => true as const), graceOver]);
    clearTimeout(graceTimer);
    // Past the grace period the whole group is killed; once the leader exits, its exit handler
    // does the same for any worker left behind. On Windows taskkill failed: the process handle
    // Node holds ends osqueryd (TerminateProcess, no pid to be mistaken), and its worker follows.
    if (!exited) {
      if (this.host.platform === 'win32') child.kill('SIGKILL');
      else signalProcessTree(child.pid, 'SIGKILL');
      await this.childExited;
    }
  }

  /**
   * Last resort when our own process exits: the daemon's group must not outlive us. On Windows,
   * Node puts every child it spawns (not detached) in a job object that ends it with Node (libuv
   * src/win/process.c, uv__init_global_job_handle), and its worker follows it.
   */
  private killNow(): void {
    if (this.child?.pid && this.host.platform !== 'win32') signalProcessTree(this.child.pid, 'SIGKILL');
    this.releaseLock();
  }

  /** Ends the osqueryd an earlier run of this instance left, if it is ours (endLeftoverDaemon). */
  private async removeLeftovers(): Promise<void> {
    const ended = await endLeftoverDaemon(this.paths, { host: this.host, graceMs: this.timings.stopGraceMs, except: this.child?.pid });
    if (ended) this.output.note(`ended leftover osqueryd ${ended} from an earlier run`);
  }

  /** One supervisor per instance: the lock is held from the first start() until stop(). */
  private acquireLock(): Promise<void> {
    if (this.lock) return Promise.resolve();
    this.locking ??= (async () => {
      const lock = await InstanceLock.acquire(this.paths.supervisorLock, this.host.platform);
      if (!lock) {
        const holder = readPid(this.paths.supervisorPidfile);
        const who = holder ? `another Porchlight process (pid ${holder})` : 'another Porchlight process';
        throw new SupervisorBusyError(`${who} already runs osqueryd from ${this.paths.root}`);
      }
      this.lock = lock;
      writeFileSync(this.paths.supervisorPidfile, `${process.pid}\n`, { mode: 0o600 });
      process.on('exit', this.onProcessExit);
    })().finally(() => (this.locking = undefined));
    return this.locking;
  }

  private releaseLock(): void {
    if (!this.lock) return;
    rmSync(this.paths.supervisorPidfile, { force: true });
    this.lock.release();
    this.lock = undefined;
    process.removeListener('exit', this.onProcessExit);
  }

  private setState(next: Omit<OsquerydStatus, 'since' | 'failures'>): void {
    this.current = { ...next, since: Date.now(), failures: this.failureTimes.length };
    this.emit('state', this.status());
  }

  private schedule(action: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** The pid a pidfile names, or undefined when missing or unreadable. */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A daemon left by a crashed supervisor is ended only when our pidfile names it and its command
 * line carries our socket path; then stale pidfile and socket files are removed. Windows shows
 * no other process's command line, so nothing is ended there: the new osqueryd's --force ends an
 * osqueryd that still holds the pidfile, and only that (osquery core/init.cpp:429-470, 498-515).
 */
export async function endLeftoverDaemon(
  paths: Pick<OsquerydPaths, 'pidfile' | 'socketPath'>,
  options: { host?: ProcessHost; graceMs: number; except?: number | undefined },
): Promise<number | undefined> {
  const host = options.host ?? HOST;
  const pid = readPid(paths.pidfile);
  let ended: number | undefined;
  if (pid && pid !== options.except && processAlive(pid)) {
    const commandLine = await processCommandLine(pid, host);
    if (commandLine?.includes(paths.socketPath)) {
      signalProcessTree(pid, 'SIGTERM', true);
      if (!(await waitForExit(pid, options.graceMs))) {
        signalProcessTree(pid, 'SIGKILL', true);
        await waitForExit(pid, options.graceMs);
      }
      ended = pid;
    }
  }
  removeDaemonFiles(paths, host);
  return ended;
}

/**
 * Removes a stopped osqueryd's pidfile and socket. Windows has neither to remove: osqueryd opens
 * its pidfile delete-on-close and shares it with no deleter, so it goes when osqueryd goes
 * (osquery utils/pidfile/pidfile_windows.cpp:88-97), and a named pipe leaves no file.
 */
function removeDaemonFiles(paths: Pick<OsquerydPaths, 'pidfile' | 'socketPath'>, host: ProcessHost): void {
  if (host.platform === 'win32') return;
  rmSync(paths.pidfile, { force: true });
  if (statSync(paths.socketPath, { throwIfNoEntry: false })?.isSocket()) rmSync(paths.socketPath, { force: true });
}
