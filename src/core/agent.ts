import { loadChecks } from './checks/loader.js';
import { confirmCheck } from './checks/owner-confirmation.js';
import type { LoadedCheck } from './checks/definition.js';
import type { Platform } from './platform.js';
import { ownerDecisions, Scanner, withOwnerDecisions, type ScanReport } from './checks/scanner.js';
import { TypedEmitter } from './events.js';
import { resolveOsqueryd } from './osquery/binary.js';
import { osquerydPaths } from './osquery/daemon-paths.js';
import { AGENT_INSTANCE } from './osquery/osquery-session.js';
import { osqueryPlatformOf } from './osquery/schema.js';
import { overallState, type OverallState } from './overall-state.js';
import { OsquerydSupervisor, type OsquerydStatus, type SupervisorTimings } from './osquery/supervisor.js';
import { ScanSchedule } from './schedule/scan-schedule.js';
import type { SettingsStore } from './settings/settings.js';
import { HistoryStore, type OwnerConfirmation, type StoredFinding } from './store/history-store.js';
import { errorMessage } from './error-message.js';

export interface AgentEvents extends Record<string, unknown> {
  'osquery-state': OsquerydStatus;
  'scan-started': { trigger: string; at: number };
  'scan-finished': ScanReport;
  'scan-failed': { trigger: string; error: string };
  'finding-new': StoredFinding;
  'finding-resolved': StoredFinding;
  /** The latest results changed without a scan (the owner acknowledged a finding). */
  'results-changed': ScanReport;
  /** Something the owner should know that did not stop the agent (a corrupt file kept aside, a bad check file). */
  warning: { message: string };
}

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

const KEPT_WARNINGS = 20;
/**
 * The composition root every shell drives: supervised osqueryd, the check catalog, history,
 * settings and the scan schedule, with typed events for what happens.
 */
export class Agent extends TypedEmitter<AgentEvents> {
  readonly dataDir: string;
  readonly store: HistoryStore;
  readonly supervisor: OsquerydSupervisor;
  readonly settings: SettingsStore;
  /** The platform whose checks and osquery schema apply. */
  readonly platform: Platform;
  private readonly scanner: Scanner;
  private readonly schedule: ScanSchedule;
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
    this.settings = options.settings;
    const platform = options.platform ?? osqueryPlatformOf(process.platform);
    if (!platform) throw new Error(`Porchlight does not run on ${process.platform}`);
    this.platform = platform;
    this.demo = options.demo ?? false;
    const opened = HistoryStore.open(this.dataDir, { nativeBinding: options.sqliteBinding });
    this.store = opened.store;
    for (const warning of [options.settingsWarning, opened.warning]) if (warning) this.pendingWarnings.push(warning);
    this.supervisor = new OsquerydSupervisor({
      binary: () => resolveOsqueryd({ explicitPath: options.osquerydPath, env: options.env, resourcesPath: options.resourcesPath }),
      paths: osquerydPaths(this.dataDir, AGENT_INSTANCE),
      env: options.env,
      timings: options.timings,
    });
    this.supervisor.on('state', (status) => this.emit('osquery-state', status));
    this.scanner = new Scanner({
      osquery: this.supervisor.client,
      store: this.store,
      checks: () => this.checks(),
      settings: () => this.settings.get(),
      platform,
    });
    this.schedule = new ScanSchedule(async () => {
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

  /** Starts osqueryd, scans once, then follows the schedule from settings. */
  async start(): Promise<void> {
    for (const message of this.pendingWarnings.splice(0)) this.warn(message);
    this.schedule.start(this.settings.get().schedule);
    await this.supervisor.start();
    void this.scanNow('startup').catch(() => undefined);
  }

  /** Runs a scan now; while one runs, callers share it instead of starting another. */
  scanNow(trigger = 'manual'): Promise<ScanReport> {
    if (this.stopped) return Promise.reject(new Error('Porchlight is stopping; no more scans'));
    if (!this.currentScan) {
      this.currentScan = this.runScan(trigger);
      // After the assignment, so that listeners reading status() see the scan running.
      this.emit('scan-started', { trigger, at: Date.now() });
    }
    return this.currentScan;
  }

  /** Follows the schedule now in settings (after the owner changed it). */
  applySchedule(): void {
    this.schedule.start(this.settings.get().schedule);
  }

  status(): AgentStatus {
    const osquery = this.supervisor.status();
    const scanning = this.currentScan !== undefined;
    return {
      overall: overallState({ osquery: osquery.state, scanning, results: this.last?.results }),
      osquery,
      scanning,
      lastScanAt: this.last?.finishedAt ?? this.store.lastScan()?.finishedAt ?? null,
      nextScanAt: this.schedule.nextRun()?.getTime() ?? null,
      pausedUntil: this.pausedUntil(),
      platform: this.platform,
      demo: this.demo,
      dataDir: this.dataDir,
      warnings: [...this.recentWarnings],
    };
  }

  /** The latest completed scan of this run, if any. */
  lastReport(): ScanReport | undefined {
    return this.last;
  }

  /** "I know, it's fine": the finding stops failing its check, now and in later scans. */
  acknowledge(findingId: string, options: { until?: number | null; note?: string } = {}): StoredFinding | undefined {
    const finding = this.store.findFinding(findingId);
    if (!finding) return undefined;
    this.store.acknowledge(finding.checkId, finding.key, options, Date.now());
    this.rejudge();
    return this.store.findFinding(findingId);
  }

  unacknowledge(findingId: string): StoredFinding | undefined {
    const finding = this.store.findFinding(findingId);
    if (!finding) return undefined;
    this.store.unacknowledge(finding.checkId, finding.key);
    this.rejudge();
    return this.store.findFinding(findingId);
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

  private rejudge(): void {
    if (!this.last) return;
    this.last = withOwnerDecisions(this.last, ownerDecisions(this.store, Date.now()));
    this.emit('results-changed', this.last);
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
    this.stopped = true;
    this.schedule.stop();
    await this.supervisor.stop();
    await this.currentScan?.catch(() => undefined);
    this.store.close();
  }

  private async runScan(trigger: string): Promise<ScanReport> {
    let report: ScanReport;
    try {
      await this.supervisor.whenRunning();
      report = await this.scanner.scan({ trigger });
    } catch (error) {
      this.currentScan = undefined;
      this.emit('scan-failed', { trigger, error: errorMessage(error) });
      throw error;
    }
    // Cleared before the events, so a listener that asks for a scan gets a new one.
    this.currentScan = undefined;
    this.last = report;
    this.emit('scan-finished', report);
    for (const finding of report.changes.new) this.emit('finding-new', finding);
    for (const finding of report.changes.resolved) this.emit('finding-resolved', finding);
    return report;
  }

  private warn(message: string): void {
    this.recentWarnings.push(message);
    if (this.recentWarnings.length > KEPT_WARNINGS) this.recentWarnings.shift();
    this.emit('warning', { message });
  }
}
