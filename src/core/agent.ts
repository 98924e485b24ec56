import { performance } from 'node:perf_hooks';
import { confirmCheck } from './checks/owner-confirmation.js';
import type { LoadedCheck } from './checks/definition.js';
import type { BrowserExtension } from './checks/extensions.js';
import { browserExtensions, listeningPorts } from './checks/inventory.js';
import type { ListeningPort } from './checks/listeners.js';
import { reportFromHistory } from './checks/latest-report.js';
import { builtinCheck, loadChecks } from './checks/loader.js';
import { ownerDecisions, Scanner, withOwnerDecisions, type ScanReport } from './checks/scanner.js';
import { errorMessage } from './error-message.js';
import type { AlertSink } from './notify/alert-sink.js';
import { Alerts, type AlertSinkInfo, type AlertsOptions, type NewAlertSink, type TestResult } from './notify/alerts.js';
import type { SecretCodec } from './notify/secret-store.js';
import { TypedEmitter } from './events.js';
import { FleetInputError } from './fleet/enrollment.js';
import { Fleet, type FleetEnrollInput, type FleetLog, type FleetServerCheckResult } from './fleet/fleet.js';
import type { FleetStatus } from './fleet/fleet-status.js';
import { fleetArgumentsFor } from './fleet/osquery-flags.js';
import { FleetQueryLog, type FleetQueryRecord } from './fleet/query-log.js';
import { resolveOsqueryd } from './osquery/binary.js';
import { osquerydPaths } from './osquery/daemon-paths.js';
import { OsqueryError } from './osquery/errors.js';
import type { OsqueryRow } from './osquery/extension-socket-client.js';
import { OneShotConnection, supervisedConnection, type OsqueryConnection } from './osquery/osquery-connection.js';
import { AGENT_INSTANCE, sweepLeftoverSessions } from './osquery/osquery-session.js';
import { osqueryPlatformOf } from './osquery/schema.js';
import { OsquerydSupervisor, type OsquerydStatus, type SupervisorTimings } from './osquery/supervisor.js';
import { overallState, type OverallState } from './overall-state.js';
import type { Platform } from './platform.js';
import { ScanSchedule } from './schedule/scan-schedule.js';
import { calendarDays, dailyTrend, type TrendDay } from './store/daily-trend.js';
import type { Settings, SettingsPatch, SettingsStore } from './settings/settings.js';
import {
  HistoryStore,
  type CheckStateRecord,
  type OwnerConfirmation,
  type ScanRecord,
  type StoredFinding,
} from './store/history-store.js';

/** Every event an agent emits (a type, not an interface, so its keys are exactly these). */
export type AgentEvents = {
  'osquery-state': OsquerydStatus;
  'scan-started': { trigger: string; at: number };
  'scan-finished': ScanReport;
  'scan-failed': { trigger: string; error: string };
  'finding-new': StoredFinding;
  'finding-resolved': StoredFinding;
  /** The latest results changed without a scan (the owner acknowledged a finding or confirmed a check). */
  'results-changed': ScanReport;
  /** Something the owner should know that did not stop the agent (a corrupt file kept aside, a bad check file). */
  warning: { message: string };
  /** The Fleet connection changed (enrolled, connected, refused, unreachable, disconnected…). */
  'fleet-state': FleetStatus;
  /**
   * The Fleet server asked something of this laptop: osqueryd ran a query for it, or it scheduled
   * a new one. One event per query; a real Fleet sends dozens of host-detail queries at once.
   */
  'fleet-query': FleetQueryRecord;
};

export interface AgentOptions {
  dataDir: string;
  settings: SettingsStore;
  /** Warnings from opening the settings, reported through the agent. */
  settingsWarning?: string | undefined;
  osquerydPath?: string | undefined;
  resourcesPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: Platform;
  timings?: Partial<SupervisorTimings>;
  /** Running on the stand-in osqueryd with sample data; UIs label everything as demo data. */
  demo?: boolean;
  /** A better-sqlite3 addon for this runtime's ABI (Electron in a checkout). */
  sqliteBinding?: string | undefined;
  /**
   * 'agent' (default): the data dir's long-running agent, with its supervised osqueryd and the
   * scan schedule (tray app, serve, daemon). 'one-shot': a CLI command's, with no schedule and
   * osquery opened only when a call needs it.
   */
  role?: 'agent' | 'one-shot';
  /** One-shot: said before a short-lived osqueryd is started (it takes a moment). */
  onStartingOwnDaemon?: () => void;
  /** Seals alert tokens and secrets in their files (the tray app's safeStorage); plain 0600 files otherwise. */
  secretCodec?: SecretCodec | undefined;
  /** Alert delivery's clock and limits (tests). */
  alertDelivery?: Pick<AlertsOptions, 'clock' | 'delivery' | 'stopGraceMs'>;
}

export interface AgentStatus {
  /** What the tray icon shows. */
  overall: OverallState;
  osquery: OsquerydStatus;
  scanning: boolean;
  lastScanAt: number | null;
  nextScanAt: number | null;
  /** Scheduled scans are skipped until then (the owner paused checks). */
  pausedUntil: number | null;
  platform: Platform;
  demo: boolean;
  dataDir: string;
  /** The most recent warnings, oldest first. */
  warnings: string[];
}

export interface QueryAnswer {
  columns: string[];
  rows: OsqueryRow[];
  durationMs: number;
}

/** osqueryd is not running (starting, restarting or failed): the call works once it runs again. */
export class OsqueryNotRunningError extends OsqueryError {
  override name = 'OsqueryNotRunningError';
}

const KEPT_WARNINGS = 20;

/**
 * Porchlight for one data dir: supervised osqueryd, the checks, history, settings and the scan
 * schedule, with typed events for what happens. Every shell (tray app, serve, daemon, a CLI
 * command) drives it through these methods; its collaborators stay inside.
 */
export class Agent extends TypedEmitter<AgentEvents> {
  readonly dataDir: string;
  /** The platform whose checks and osquery schema apply. */
  readonly platform: Platform;
  private readonly store: HistoryStore;
  private readonly osquery: OsqueryConnection;
  private readonly settingsStore: SettingsStore;
  private readonly scanner: Scanner;
  private readonly fleet: Fleet;
  private readonly schedule: ScanSchedule | undefined;
  private readonly alerts: Alerts;
  private readonly pendingWarnings: string[] = [];
  private readonly checkFileWarnings = new Set<string>();
  private currentScan: Promise<ScanReport> | undefined;
  private last: ScanReport | undefined;
  private pausedUntilMs: number | null = null;
  private readonly recentWarnings: string[] = [];
  private readonly demo: boolean;
  private stopped = false;

  constructor(options: AgentOptions) {
    super();
    this.dataDir = options.dataDir;
    this.settingsStore = options.settings;
    const platform = options.platform ?? osqueryPlatformOf(process.platform);
    if (!platform) throw new Error(`Porchlight does not run on ${process.platform}`);
    this.platform = platform;
    this.demo = options.demo ?? false;
    const opened = HistoryStore.open(this.dataDir, { nativeBinding: options.sqliteBinding });
    this.store = opened.store;
    for (const warning of [options.settingsWarning, opened.warning]) if (warning) this.pendingWarnings.push(warning);
    this.osquery =
      options.role === 'one-shot'
        ? new OneShotConnection({
            dataDir: this.dataDir,
            osquerydPath: options.osquerydPath,
            env: options.env,
            timings: options.timings,
            onStartingOwnDaemon: options.onStartingOwnDaemon,
          })
        : supervisedConnection(
            new OsquerydSupervisor({
              binary: () =>
                resolveOsqueryd({ explicitPath: options.osquerydPath, env: options.env, resourcesPath: options.resourcesPath }),
              paths: osquerydPaths(this.dataDir, AGENT_INSTANCE),
              env: options.env,
              timings: options.timings,
              extraArguments: (paths) => fleetArgumentsFor(this.dataDir, paths),
            }),
          );
    this.osquery.onState((status) => this.emit('osquery-state', status));
    this.scanner = new Scanner({
      osquery: this.osquery,
      store: this.store,
      checks: () => this.checks(),
      settings: () => this.settingsStore.get(),
      platform,
    });
    this.alerts = new Alerts({
      dataDir: this.dataDir,
      secretCodec: options.secretCodec,
      ...options.alertDelivery,
      onFailing: (sink, result) => this.warn(`Alerts to ${sink.target} are not getting through: ${result.message}`),
    });
    this.alerts.configure(this.settingsStore.get().alerts);
    this.fleet = new Fleet({
      dataDir: this.dataDir,
      osquery: this.osquery,
      queryLog: new FleetQueryLog(this.store.db),
      role: options.role ?? 'agent',
      onState: (status) => this.emit('fleet-state', status),
      onQuery: (record) => this.emit('fleet-query', record),
    });
    this.schedule =
      options.role === 'one-shot'
        ? undefined
        : new ScanSchedule(async () => {
            if (this.pausedUntil() === null) await this.scanNow('schedule');
          });
  }

  /** Built-in checks plus the owner's from `<data dir>/checks/`; bad files become warnings. */
  checks(): LoadedCheck[] {
    const { checks, errors } = loadChecks(this.dataDir);
    for (const error of errors) {
      if (this.checkFileWarnings.has(error.message)) continue;
      this.checkFileWarnings.add(error.message);
      this.warn(`Check file skipped: ${error.message}`);
    }
    return checks;
  }

  /** Starts osqueryd, scans once, then follows the schedule from settings. A one-shot agent starts nothing. */
  async start(): Promise<void> {
    for (const message of this.pendingWarnings.splice(0)) this.warn(message);
    if (!this.schedule) return;
    this.schedule.start(this.settingsStore.get().schedule);
    await sweepLeftoverSessions(this.dataDir);
    this.fleet.start();
    await this.osquery.start();
    void this.scanNow('startup').catch(() => undefined);
  }

  /**
   * Runs a scan now; while one runs, callers share it instead of starting another. A scan of
   * `only` some checks runs after the one in flight, on its own.
   */
  scanNow(trigger = 'manual', only?: string[]): Promise<ScanReport> {
    if (this.stopped) return Promise.reject(new Error('Porchlight is stopping; no more scans'));
    if (only) return this.scanOnly(trigger, only);
    return this.currentScan ?? this.startScan(trigger, undefined);
  }

  private async scanOnly(trigger: string, only: string[]): Promise<ScanReport> {
    while (this.currentScan) await this.currentScan.catch(() => undefined);
    return this.startScan(trigger, only);
  }

  private startScan(trigger: string, only: string[] | undefined): Promise<ScanReport> {
    this.currentScan = this.runScan(trigger, only);
    // After the assignment, so that listeners reading status() see the scan running.
    this.emit('scan-started', { trigger, at: Date.now() });
    return this.currentScan;
  }

  status(): AgentStatus {
    const osquery = this.osquery.status();
    const scanning = this.currentScan !== undefined;
    return {
      overall: overallState({ osquery: osquery.state, scanning, results: this.last?.results }),
      osquery,
      scanning,
      lastScanAt: this.last?.finishedAt ?? this.store.lastScan()?.finishedAt ?? null,
      nextScanAt: this.schedule?.nextRun()?.getTime() ?? null,
      pausedUntil: this.pausedUntil(),
      platform: this.platform,
      demo: this.demo,
      dataDir: this.dataDir,
      warnings: [...this.recentWarnings],
    };
  }

  /**
   * The latest results: this run's latest scan, or, before this process has scanned (a CLI
   * command, an agent starting), the latest the history holds.
   */
  lastReport(): ScanReport | undefined {
    return this.last ?? this.reportFromHistory();
  }

  /** Per calendar day (this computer's time zone) of the last `days`: how many checks failed, could not tell, passed. */
  trend(days: number, now = Date.now()): TrendDay[] {
    const calendar = calendarDays(days, now);
    const since = calendar[0]!.start;
    return dailyTrend(calendar, this.store.history({ since }), this.store.scanTimes(since));
  }

  /** The latest scan in the history, from any process. */
  lastScan(): ScanRecord | undefined {
    return this.store.lastScan();
  }

  /** Open findings (and resolved ones with `includeResolved`), newest first. */
  findings(options: { includeResolved?: boolean; checkId?: string } = {}): StoredFinding[] {
    return this.store.findings(options);
  }

  /** A finding by its short id or `check-id:key`. */
  finding(reference: string): StoredFinding | undefined {
    return this.store.findFinding(reference);
  }

  /** Scans that did not finish (failed, or interrupted when their process ended), newest first. */
  unfinishedScans(since?: number): ScanRecord[] {
    return this.store.unfinishedScans(since);
  }

  /** A check's result timeline (one entry per change), oldest first. */
  history(options: { checkId?: string; since?: number } = {}): CheckStateRecord[] {
    return this.store.history(options);
  }

  /** "I know, it's fine": the finding stops failing its check, now and in later scans. */
  acknowledge(findingId: string, options: { until?: number | null; note?: string } = {}): StoredFinding | undefined {
    const finding = this.store.findFinding(findingId);
    if (!finding) return undefined;
    this.store.acknowledge(finding.checkId, finding.key, options, Date.now());
    this.rejudge();
    return this.store.findFinding(findingId);
  }

  /** Takes an acknowledgement back; the finding's previous state when it was one. */
  unacknowledge(findingId: string): { finding: StoredFinding; removed: boolean } | undefined {
    const finding = this.store.findFinding(findingId);
    if (!finding) return undefined;
    const removed = this.store.unacknowledge(finding.checkId, finding.key);
    this.rejudge();
    return { finding: this.store.findFinding(findingId)!, removed };
  }

  /** "I checked, it is on" for a check osquery cannot see here (see confirmCheck); the check stays unknown. */
  confirm(checkId: string, now = Date.now()): OwnerConfirmation {
    const confirmation = confirmCheck(this.store, this.checks(), this.platform, checkId, now);
    this.rejudge();
    return confirmation;
  }

  /** Takes the owner's confirmation back; false when there was none. */
  unconfirm(checkId: string): boolean {
    const removed = this.store.unconfirm(checkId);
    if (removed) this.rejudge();
    return removed;
  }

  /** Runs the owner's SQL through osqueryd; osquery's own message when it refuses it. */
  async query(sql: string): Promise<QueryAnswer> {
    this.requireOsquery();
    const started = performance.now();
    const rows = await this.osquery.query(sql);
    const durationMs = performance.now() - started;
    return { columns: await this.osquery.resultColumns(sql, rows), rows, durationMs };
  }

  /** Every listening socket, judged the way the listening-ports check judges them. */
  listeningPorts(): Promise<ListeningPort[]> {
    this.requireOsquery();
    return listeningPorts(this.osquery, builtinCheck('listening-ports'), this.platform, this.settingsStore.get().listenerAllowlist);
  }

  /** Every browser extension, judged the way the browser-extensions check judges them. */
  browserExtensions(): Promise<BrowserExtension[]> {
    this.requireOsquery();
    const check = builtinCheck('browser-extensions');
    return browserExtensions(this.osquery, check, this.platform, this.store.baseline(check.id));
  }

  osqueryStatus(): OsquerydStatus {
    return this.osquery.status();
  }

  /** Whose osqueryd answers this agent's queries. */
  osquerySource(): 'supervised' | 'agent' | 'own' {
    return this.osquery.source();
  }

  /** osqueryd's latest output lines. */
  osqueryOutput(): string[] {
    return this.osquery.outputTail();
  }

  /** Starts osqueryd again after it failed (a crash loop is not retried by itself). */
  async retryOsquery(): Promise<OsquerydStatus> {
    await this.osquery.retry().catch(() => undefined);
    return this.osquery.status();
  }

  settings(): Settings {
    return this.settingsStore.get();
  }

  /** Changes settings (validated; nothing written when invalid) and follows a new schedule at once. */
  updateSettings(patch: SettingsPatch): Settings {
    const before = this.settingsStore.get().schedule;
    const updated = this.settingsStore.update(patch);
    if (updated.schedule !== before) this.schedule?.start(updated.schedule);
    this.alerts.configure(updated.alerts);
    return updated;
  }

  /** Every sink alerts go to (the configured ones and the shell's own), with how its last delivery went. */
  alertSinks(): AlertSinkInfo[] {
    return this.alerts.list();
  }

  /** Adds an ntfy topic or a webhook (its address checked, its token or secret in a 0600 file); alerts go there from now on. */
  async addAlertSink(request: NewAlertSink): Promise<AlertSinkInfo> {
    const setting = await this.alerts.prepare(request, this.settingsStore.get().alerts);
    try {
      this.updateSettings({ alerts: [...this.settingsStore.get().alerts, setting] });
    } catch (error) {
      this.alerts.forget(setting.id);
      throw error;
    }
    return this.alerts.list().find((sink) => sink.id === setting.id)!;
  }

  /** Removes a configured destination and its secret (UnknownSinkError, SinkNotRemovableError otherwise). */
  removeAlertSink(id: string): void {
    this.alerts.checkRemovable(id);
    this.updateSettings({ alerts: this.settingsStore.get().alerts.filter((sink) => sink.id !== id) });
    this.alerts.forget(id);
  }

  /** Sends a test alert to one sink, or to all, now; says how each went. */
  testAlerts(id?: string): Promise<TestResult[]> {
    return this.alerts.test(id);
  }

  /** A shell's own sink (the tray app's notifications, the daemon's output); returns a function that removes it. */
  registerAlertSink(sink: AlertSink): () => void {
    return this.alerts.register(sink);
  }

  /**
   * Turns checks on or off (an imported set at once, say) through the settings. A check turned off
   * leaves the latest results at once; one turned on has a result from the next scan.
   */
  setChecksEnabled(checkIds: readonly string[], enabled: boolean): Settings {
    const disabled = new Set(this.settingsStore.get().disabledChecks);
    for (const id of checkIds) {
      if (enabled) disabled.delete(id);
      else disabled.add(id);
    }
    const updated = this.updateSettings({ disabledChecks: [...disabled] });
    if (!enabled && this.last?.results.some((result) => disabled.has(result.checkId))) {
      this.last = { ...this.last, results: this.last.results.filter((result) => !disabled.has(result.checkId)) };
      this.emit('results-changed', this.last);
    }
    return updated;
  }

  /** The Fleet connection as last worked out. */
  fleetStatus(): FleetStatus {
    return this.fleet.status();
  }

  /** The Fleet connection as osquery and the server say now. */
  refreshFleetStatus(): Promise<FleetStatus> {
    return this.fleet.refresh();
  }

  /** Checks a Fleet server (TLS with the CA given or this computer's, its /version and /healthz) without changing anything. */
  checkFleetServer(input: Pick<FleetEnrollInput, 'url' | 'ca'>): Promise<FleetServerCheckResult> {
    return this.fleet.checkServer(input);
  }

  /** Enrolls this data dir's osqueryd with a Fleet server (after the same checks; nothing is written when they fail). */
  enrollFleet(input: FleetEnrollInput): Promise<FleetStatus> {
    if (this.demo) {
      // The stand-in would enroll a sample laptop and answer the server with made-up data.
      return Promise.reject(new FleetInputError('this is the demo, on a stand-in osqueryd with a sample laptop; connect to Fleet from Porchlight running on your own osqueryd'));
    }
    return this.fleet.enroll(input);
  }

  /** Disconnects from Fleet: flags, secret and osquery's node key gone, osqueryd restarted. */
  unenrollFleet(): Promise<FleetStatus> {
    return this.fleet.unenroll();
  }

  /** What Fleet servers asked of this laptop. */
  fleetLog(options: { since?: number; limit?: number } = {}): Promise<FleetLog> {
    return this.fleet.log(options);
  }

  /** Skips scheduled scans for `minutes` (0 resumes). A scan asked for by the owner still runs. */
  pause(minutes: number): void {
    this.pausedUntilMs = minutes > 0 ? Date.now() + minutes * 60_000 : null;
  }

  pausedUntil(): number | null {
    if (this.pausedUntilMs !== null && this.pausedUntilMs <= Date.now()) this.pausedUntilMs = null;
    return this.pausedUntilMs;
  }

  /** Stops scanning and osqueryd; a scan in flight ends with the daemon instead of being waited for. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.schedule?.stop();
    this.fleet.stop();
    await this.osquery.stop();
    await this.currentScan?.catch(() => undefined);
    await this.alerts.stop();
    this.store.close();
  }

  /** A supervised osqueryd must be running; a one-shot connection opens when asked. */
  private requireOsquery(): void {
    const state = this.osquery.status().state;
    if (this.osquery.source() === 'supervised' && state !== 'running') {
      throw new OsqueryNotRunningError(`osquery is not running (${state}); this works once it runs again`);
    }
  }

  private rejudge(): void {
    if (this.last) this.last = withOwnerDecisions(this.last, ownerDecisions(this.store, Date.now()));
    const latest = this.lastReport();
    if (latest) this.emit('results-changed', latest);
  }

  private reportFromHistory(): ScanReport | undefined {
    const disabled = new Set(this.settingsStore.get().disabledChecks);
    const enabled = this.checks().filter((check) => !disabled.has(check.id));
    return reportFromHistory(this.store, enabled, this.platform, Date.now());
  }

  private async runScan(trigger: string, only: string[] | undefined): Promise<ScanReport> {
    let report: ScanReport;
    try {
      await this.osquery.whenRunning();
      report = await this.scanner.scan({ trigger, only });
    } catch (error) {
      this.currentScan = undefined;
      this.emit('scan-failed', { trigger, error: errorMessage(error) });
      throw error;
    }
    // Cleared before the events, so a listener that asks for a scan gets a new one.
    this.currentScan = undefined;
    // A scan of some checks updates their results in the latest report, or starts it.
    this.last = only && this.last ? { ...report, results: mergeResults(this.last.results, report.results) } : report;
    this.emit('scan-finished', report);
    this.alerts.afterScan(report, this.settingsStore.get().notifications);
    for (const finding of report.changes.new) this.emit('finding-new', finding);
    for (const finding of report.changes.resolved) this.emit('finding-resolved', finding);
    return report;
  }

  /** Something the owner should know that does not stop the agent; shells report theirs here too. */
  warn(message: string): void {
    this.recentWarnings.push(message);
    if (this.recentWarnings.length > KEPT_WARNINGS) this.recentWarnings.shift();
    this.emit('warning', { message });
  }
}

function mergeResults(previous: ScanReport['results'], fresh: ScanReport['results']): ScanReport['results'] {
  const byId = new Map(fresh.map((result) => [result.checkId, result]));
  const merged = previous.map((result) => byId.get(result.checkId) ?? result);
  return [...merged, ...fresh.filter((result) => !previous.some((p) => p.checkId === result.checkId))];
}
