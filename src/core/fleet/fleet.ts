import { readFileSync, rmSync } from 'node:fs';
import { errorMessage } from '../error-message.js';
import { osquerydPaths } from '../osquery/daemon-paths.js';
import type { OsqueryConnection } from '../osquery/osquery-connection.js';
import { AGENT_INSTANCE } from '../osquery/osquery-session.js';
import {
  fleetFiles,
  parseCaCertificates,
  parseEnrollSecret,
  parseFleetUrl,
  readEnrollment,
  removeEnrollment,
  writeEnrollment,
  type FleetEnrollment,
  type FleetServer,
  type FleetTrust,
} from './enrollment.js';
import { configReceived, fleetStatus, type FleetObservation, type FleetStatus, type OsqueryFleetView } from './fleet-status.js';
import { FleetOutputReader, type FleetSignal } from './osqueryd-output.js';
import { checkFleetServer, FleetServerError, probeFleetServer } from './preflight.js';
import type { FleetQueryLog, FleetQueryRecord, ScheduledQuery } from './query-log.js';
import { trustedCertificates } from './trust.js';

export interface FleetOptions {
  dataDir: string;
  osquery: OsqueryConnection;
  queryLog: FleetQueryLog;
  /** 'agent': osqueryd is this process's own (supervised); 'one-shot': a CLI command with no agent running. */
  role: 'agent' | 'one-shot';
  /** What the Fleet page and the tray say changed (state, words, or whether queries are logged). */
  onState: (status: FleetStatus) => void;
  /** osqueryd ran a query for the server, or Porchlight saw the server schedule a new one. */
  onQuery: (record: FleetQueryRecord) => void;
  /** How often, while enrolled, osquery's view and the server's health are read again. */
  refreshIntervalMs?: number;
  now?: () => number;
}

export interface FleetEnrollInput {
  url: string;
  secret: string;
  /** PEM certificates of the server's CA; this computer's roots when absent. */
  ca?: string | undefined;
}

export interface FleetServerCheckResult {
  server: FleetServer;
  version: string;
  trust: FleetTrust;
}

export interface FleetLog {
  server: string | null;
  /** Whether osqueryd logs the server's queries now (FleetStatus.queryLog): when 'off', new ones are missing here. */
  queryLog: FleetStatus['queryLog'];
  queriesToday: number;
  /** Newest first. */
  queries: FleetQueryRecord[];
  /** osquery's schedule now, while enrolled and osqueryd answers. */
  schedule: ScheduledQuery[];
}

const DEFAULT_REFRESH_MS = 60_000;
/** While osqueryd enrolls, its first configuration is looked for this often. */
const ENROLLING_REFRESH_MS = 2_000;
/** A query's text may go on over following lines; it is complete once output pauses this long. */
const QUERY_TEXT_SETTLE_MS = 200;

/**
 * Porchlight's side of an optional Fleet enrollment. osqueryd itself enrolls and talks to Fleet
 * (with the flags of osquery-flags.ts); this checks a server before anything changes, writes and
 * removes the enrollment and restarts osqueryd, records what the server asks from osqueryd's own
 * output, and says how the connection is, from what osquery reports and the server's health check.
 */
export class Fleet {
  private readonly reader: FleetOutputReader;
  private readonly now: () => number;
  private settleTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private enrollingTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<FleetStatus> | undefined;
  private readonly offs: (() => void)[] = [];
  /** Following osqueryd (the agent role, between start and stop). */
  private started = false;
  private lastFailure: FleetObservation['lastFailure'];
  private lastCheckInAt: number | null = null;
  private seenConfigHash: string | undefined;
  private view: OsqueryFleetView | undefined;
  private health: FleetObservation['health'];
  private current: FleetStatus;
  private shownKey = '';

  constructor(private readonly options: FleetOptions) {
    this.now = options.now ?? Date.now;
    this.reader = new FleetOutputReader((signal) => this.onSignal(signal));
    const enrollment = this.enrollment();
    if (enrollment) this.lastCheckInAt = options.queryLog.lastDistributedAt(enrollment.server.hostname, enrollment.enrolledAt);
    this.current = this.compute();
    this.shownKey = key(this.current);
  }

  /** Follows osqueryd's output and, while enrolled, refreshes the status now and then. */
  start(): void {
    if (this.options.role !== 'agent') return;
    this.started = true;
    this.offs.push(
      this.options.osquery.onOutput((line, at) => this.onOutput(line, at)),
      this.options.osquery.onState((status) => {
        // Between a stop and a start (an enrollment's restart, a crash's backoff) nothing is said yet.
        if (status.state === 'running') void this.refresh().catch(() => undefined);
        else if (status.state === 'failed' || status.state === 'stopped') this.recompute();
      }),
    );
    const every = this.options.refreshIntervalMs ?? DEFAULT_REFRESH_MS;
    this.refreshTimer = setInterval(() => {
      if (this.enrollment()) void this.refresh().catch(() => undefined);
    }, every);
    this.refreshTimer.unref();
  }

  stop(): void {
    this.started = false;
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.refreshTimer);
    clearTimeout(this.enrollingTimer);
    clearTimeout(this.settleTimer);
    this.reader.flush();
  }

  /** The status as last worked out (refresh() reads osquery and the server again). */
  status(): FleetStatus {
    return this.current;
  }

  /** Reads osquery's view and the server's health again, records newly scheduled queries, and says how things are. */
  refresh(): Promise<FleetStatus> {
    this.refreshing ??= this.observe().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The preflight alone: the URL, the CA and the server's public endpoints. Nothing is written. */
  async checkServer(input: Pick<FleetEnrollInput, 'url' | 'ca'>): Promise<FleetServerCheckResult> {
    const server = parseFleetUrl(input.url);
    const certificates = trustedCertificates(input.ca === undefined ? undefined : parseCaCertificates(input.ca));
    const { version } = await checkFleetServer(server, certificates);
    return { server, version, trust: certificates.trust };
  }

  /**
   * Enrolls: checks everything first (nothing is written when something is wrong), then, with
   * osqueryd stopped, writes the secret and certificates and forgets any earlier node key, and
   * starts osqueryd with Fleet's flags. osqueryd enrolls by itself from there.
   */
  async enroll(input: FleetEnrollInput): Promise<FleetStatus> {
    const server = parseFleetUrl(input.url);
    const secret = parseEnrollSecret(input.secret);
    const certificates = trustedCertificates(input.ca === undefined ? undefined : parseCaCertificates(input.ca));
    await checkFleetServer(server, certificates);
    const enrollment: FleetEnrollment = { server, trust: certificates.trust, enrolledAt: this.now() };
    await this.options.osquery.restartAgentDaemon(`enrolling with Fleet at ${server.hostname}`, () => {
      this.forgetNodeKey();
      writeEnrollment(this.options.dataDir, enrollment, secret, certificates.pem);
      this.forgetSignals();
    });
    return this.refresh();
  }

  /** Disconnects: with osqueryd stopped, removes the enrollment, the secret and osquery's node key, then starts osqueryd without Fleet's flags. */
  async unenroll(): Promise<FleetStatus> {
    await this.options.osquery.restartAgentDaemon('disconnecting from Fleet', () => {
      removeEnrollment(this.options.dataDir);
      this.forgetNodeKey();
      this.forgetSignals();
    });
    return this.refresh();
  }

  /** What the server asked: queries osqueryd ran for it (newest first) and its schedule now. */
  async log(options: { since?: number; limit?: number } = {}): Promise<FleetLog> {
    const enrollment = this.enrollment();
    return {
      server: enrollment?.server.hostname ?? null,
      queryLog: enrollment ? this.current.queryLog : 'unknown',
      queriesToday: this.options.queryLog.countDistributed(startOfDay(this.now())),
      queries: this.options.queryLog.list(options),
      schedule: enrollment && this.osqueryRunning() ? await this.readSchedule().catch(() => []) : [],
    };
  }

  private async observe(): Promise<FleetStatus> {
    const enrollment = this.enrollment();
    if (!enrollment || !this.osqueryRunning()) {
      this.view = undefined;
      this.health = undefined;
      return this.recompute();
    }
    this.view = await this.readView().catch(() => undefined);
    if (this.view && configReceived(this.view) && this.view.configHash !== this.seenConfigHash) {
      // A configuration Porchlight has not seen before came from the server: a check-in.
      this.lastCheckInAt = Math.max(this.lastCheckInAt ?? 0, this.now());
      this.seenConfigHash = this.view.configHash;
    }
    this.health = await this.checkHealth(enrollment);
    if (this.view && configReceived(this.view)) {
      const schedule = await this.readSchedule().catch(() => []);
      for (const record of this.options.queryLog.recordSchedule(enrollment.server.hostname, schedule, this.now())) {
        this.options.onQuery(record);
      }
    }
    return this.recompute();
  }

  private async checkHealth(enrollment: FleetEnrollment): Promise<FleetObservation['health']> {
    const at = this.now();
    const previous = this.health;
    const reachableAt = previous ? (previous.ok ? previous.at : previous.reachableAt) : null;
    try {
      const pem = readFileSync(fleetFiles(this.options.dataDir).serverCerts, 'utf8');
      await probeFleetServer(enrollment.server, { pem, trust: enrollment.trust });
      return { ok: true, at };
    } catch (error) {
      const problem = error instanceof FleetServerError ? error.problem : 'unreachable';
      const since = previous && !previous.ok ? previous.since : at;
      return { ok: false, problem, message: errorMessage(error), since, reachableAt };
    }
  }

  private recompute(): FleetStatus {
    this.current = this.compute();
    clearTimeout(this.enrollingTimer);
    if (this.current.state === 'enrolling' && this.started) {
      this.enrollingTimer = setTimeout(() => void this.refresh().catch(() => undefined), ENROLLING_REFRESH_MS);
      this.enrollingTimer.unref();
    }
    const shown = key(this.current);
    if (shown !== this.shownKey) {
      this.shownKey = shown;
      this.options.onState(this.current);
    }
    return this.current;
  }

  private compute(): FleetStatus {
    const osquery = this.options.role === 'one-shot' ? 'no-agent' : this.osqueryRunning() ? 'running' : 'not-running';
    return fleetStatus({
      enrollment: this.enrollment(),
      osquery,
      view: this.view,
      lastFailure: this.lastFailure,
      lastCheckInAt: this.lastCheckInAt,
      health: this.health,
      queriesToday: this.options.queryLog.countDistributed(startOfDay(this.now())),
      now: this.now(),
    });
  }

  private onOutput(line: string, at: number): void {
    this.reader.line(line, at);
    clearTimeout(this.settleTimer);
    if (this.reader.waiting) this.settleTimer = setTimeout(() => this.reader.flush(), QUERY_TEXT_SETTLE_MS);
  }

  private onSignal(signal: FleetSignal): void {
    const enrollment = this.enrollment();
    if (!enrollment) return;
    switch (signal.kind) {
      case 'query': {
        this.lastCheckInAt = signal.at;
        const record = this.options.queryLog.recordDistributed({ at: signal.at, server: enrollment.server.hostname, queryId: signal.id, sql: signal.sql });
        this.options.onQuery(record);
        break;
      }
      case 'query-error':
        this.options.queryLog.recordError(signal.id, signal.message);
        return;
      case 'enroll-failed':
        this.lastFailure = { at: signal.at, problem: signal.problem, detail: signal.detail };
        break;
      case 'contact':
        this.lastCheckInAt = signal.at;
        break;
    }
    this.recompute();
  }

  private async readView(): Promise<OsqueryFleetView> {
    const [info] = await this.options.osquery.query('SELECT config_hash, config_valid FROM osquery_info');
    const flags = await this.options.osquery.query(
      "SELECT name, value FROM osquery_flags WHERE name IN ('config_plugin', 'distributed_loginfo', 'verbose', 'logger_min_stderr', 'logger_stderr')",
    );
    return {
      configHash: info?.config_hash ?? '',
      configValid: info?.config_valid === '1',
      flags: Object.fromEntries(flags.map((row) => [row.name ?? '', row.value ?? ''])),
    };
  }

  private async readSchedule(): Promise<ScheduledQuery[]> {
    const rows = await this.options.osquery.query('SELECT name, query, interval, executions, last_executed FROM osquery_schedule');
    return rows.map((row) => ({
      name: row.name ?? '',
      sql: row.query ?? '',
      intervalSeconds: Number(row.interval ?? 0),
      executions: Number(row.executions ?? 0),
      lastExecuted: Number(row.last_executed ?? 0),
    }));
  }

  private osqueryRunning(): boolean {
    return this.options.role === 'agent' && this.options.osquery.status().state === 'running';
  }

  private enrollment(): FleetEnrollment | undefined {
    try {
      return readEnrollment(this.options.dataDir);
    } catch {
      return undefined;
    }
  }

  /**
   * osquery keeps its node key in its database (--database_path), key "nodeKey" of its persistent
   * settings, with "nodeKeyTime" beside it (osquery/remote/enroll/enroll.cpp:76-105), and enrolls
   * again only when it has none. That database is RocksDB, held open by osqueryd and with no
   * Node reader, so the whole database goes, with osqueryd stopped: osquery makes a new one at
   * start (osquery/core/init.cpp:184-196). Porchlight keeps nothing there; what is lost is osquery's
   * own state for the server (results and logs not yet sent, the last results of scheduled queries).
   */
  private forgetNodeKey(): void {
    rmSync(osquerydPaths(this.options.dataDir, AGENT_INSTANCE).databasePath, { recursive: true, force: true });
  }

  private forgetSignals(): void {
    this.lastFailure = undefined;
    this.lastCheckInAt = null;
    this.seenConfigHash = undefined;
    this.view = undefined;
    this.health = undefined;
  }
}

function key(status: FleetStatus): string {
  return JSON.stringify([status.state, status.summary, status.advice, status.queryLog, status.configReceived, status.server?.url]);
}

function startOfDay(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}
