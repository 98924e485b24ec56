import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ScanReport } from '../checks/scanner.js';
import type { AlertSinkSetting } from '../settings/alert-sink-settings.js';
import type { Settings } from '../settings/settings.js';
import { testAlert, type Alert } from './alert.js';
import { AlertPolicy } from './alert-policy.js';
import type { AlertSink, AlertSinkKind } from './alert-sink.js';
import { DEFAULT_DELIVERY, DeliveryQueue, SYSTEM_CLOCK, type DeliveryClock, type DeliveryOptions, type DeliveryResult } from './delivery-queue.js';
import { checkEndpoint, checkNtfyTopicUrl, EndpointError } from './endpoint.js';
import { ntfySink } from './ntfy-sink.js';
import { SecretStore, type SecretCodec } from './secret-store.js';
import { webhookSink } from './webhook-sink.js';

/** What the owner sees of a sink: never its secret, only whether one is set. */
export interface AlertSinkInfo {
  id: string;
  kind: AlertSinkKind;
  target: string;
  /** Token (ntfy) or signing secret (webhook): set or not; null for sinks that take none. */
  secret: 'set' | 'none' | null;
  /** What the owner accepted with this address (plain http). */
  warning: string | null;
  /** Configured ones can be removed; a shell's own (desktop, daemon output) cannot. */
  removable: boolean;
  /** Alerts waiting or in flight. */
  queued: number;
  lastDelivery: DeliveryResult | null;
}

export type NewAlertSink =
  | { kind: 'ntfy'; url: string; click?: string | null | undefined; token?: string | undefined }
  | { kind: 'webhook'; url: string; secret?: string | undefined };

export interface TestResult extends DeliveryResult {
  id: string;
}

export class UnknownSinkError extends Error {
  override name = 'UnknownSinkError';
}

/** The shell's own sinks go with the shell: desktop notifications are turned off in the notification settings. */
export class SinkNotRemovableError extends Error {
  override name = 'SinkNotRemovableError';
}

export interface AlertsOptions {
  dataDir: string;
  /** Seals tokens and secrets in their files (the tray app's safeStorage); plain 0600 files otherwise. */
  secretCodec?: SecretCodec | undefined;
  clock?: DeliveryClock | undefined;
  delivery?: Partial<DeliveryOptions> | undefined;
  /** How long stopping waits for alerts still going out. */
  stopGraceMs?: number | undefined;
  /** A sink that worked (or never ran) just failed: said once, not at every failure after. */
  onFailing?: (sink: AlertSink, result: DeliveryResult) => void;
}

interface Route {
  sink: AlertSink;
  queue: DeliveryQueue;
  /** The setting it was made from (configured sinks), to tell a changed one. */
  setting?: string;
}

/**
 * The core's alerts: after each scan the policy decides once what to tell the owner, and every
 * sink gets the same alerts through its own bounded, retrying queue, so no sink slows or fails a scan.
 */
export class Alerts {
  private readonly policy = new AlertPolicy();
  private readonly secrets: SecretStore;
  private readonly clock: DeliveryClock;
  private readonly delivery: DeliveryOptions;
  private readonly device = os.hostname();
  private readonly routes = new Map<string, Route>();

  constructor(private readonly options: AlertsOptions) {
    this.secrets = new SecretStore(options.dataDir, options.secretCodec);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  }

  /** Follows the configured destinations: new ones start, removed ones stop, unchanged ones keep their queue. */
  configure(settings: AlertSinkSetting[]): void {
    const wanted = new Map(settings.map((setting) => [setting.id, setting]));
    for (const [id, route] of this.routes) {
      if (route.setting === undefined) continue;
      const setting = wanted.get(id);
      if (!setting || JSON.stringify(setting) !== route.setting) {
        this.routes.delete(id);
        void route.queue.stop(0);
      }
    }
    for (const setting of settings) {
      if (this.routes.has(setting.id)) continue;
      const sink =
        setting.kind === 'ntfy'
          ? ntfySink(setting, this.secrets, () => this.clock.now())
          : webhookSink(setting, this.secrets, this.device, () => this.clock.now());
      this.routes.set(setting.id, { ...this.route(sink), setting: JSON.stringify(setting) });
    }
  }

  /** A shell's own sink (desktop notifications, the daemon's output); returns a function that removes it. */
  register(sink: AlertSink): () => void {
    if (this.routes.has(sink.id)) throw new Error(`an alert sink "${sink.id}" is already there`);
    const route = this.route(sink);
    this.routes.set(sink.id, route);
    return () => {
      if (this.routes.get(sink.id) !== route) return;
      this.routes.delete(sink.id);
      void route.queue.stop(0);
    };
  }

  /** Decides what this scan tells the owner and hands it to every sink; returns at once. */
  afterScan(report: ScanReport, preferences: Settings['notifications'], now = new Date(this.clock.now())): Alert[] {
    const alerts = this.policy.decide(report, preferences, now);
    for (const alert of alerts) for (const route of this.routes.values()) route.queue.push(alert);
    return alerts;
  }

  /** The configured destinations in their settings' order, then the shell's own. */
  list(): AlertSinkInfo[] {
    const routes = [...this.routes.values()];
    return [...routes.filter((r) => r.setting !== undefined), ...routes.filter((r) => r.setting === undefined)].map(({ sink, queue, setting }) => ({
      id: sink.id,
      kind: sink.kind,
      target: sink.target,
      secret: setting === undefined ? null : this.secrets.has(sink.id) ? 'set' : 'none',
      warning: setting === undefined ? null : checkEndpoint(sink.target).warning,
      removable: setting !== undefined,
      queued: queue.pending(),
      lastDelivery: queue.lastResult() ?? null,
    }));
  }

  /** Sends a test alert now to one sink or all of them, and says how each went. */
  async test(id?: string): Promise<TestResult[]> {
    const routes = id === undefined ? [...this.routes.values()] : [this.routes.get(id) ?? this.unknown(id)];
    const alert = testAlert(this.clock.now());
    return Promise.all(routes.map(async ({ sink, queue }) => ({ id: sink.id, ...(await queue.sendOnce(alert)) })));
  }

  /**
   * The setting for a new destination beside `existing`, its address checked (an EndpointError
   * says why not, or that alerts already go there), with its token or secret written first; the
   * caller saves the setting.
   */
  async prepare(request: NewAlertSink, existing: AlertSinkSetting[]): Promise<AlertSinkSetting> {
    const id = `${request.kind}-${randomBytes(3).toString('hex')}`;
    const setting: AlertSinkSetting =
      request.kind === 'ntfy'
        ? { id, kind: 'ntfy', url: checkNtfyTopicUrl(request.url).url.href, click: request.click ? checkEndpoint(request.click).url.href : null }
        : { id, kind: 'webhook', url: checkEndpoint(request.url).url.href };
    const same = existing.find((other) => other.kind === setting.kind && other.url === setting.url);
    if (same) throw new EndpointError(`alerts already go to ${setting.url} (${same.id}); remove it first to change its token or secret`);
    const secret = request.kind === 'ntfy' ? request.token : request.secret;
    if (secret) await this.secrets.write(id, secret);
    return setting;
  }

  /** Refuses to remove what is not a configured destination; the caller then saves the settings without it. */
  checkRemovable(id: string): void {
    const route = this.routes.get(id) ?? this.unknown(id);
    if (route.setting === undefined) {
      throw new SinkNotRemovableError(`"${id}" is ${route.sink.target}; it goes with the app (turn notifications off in the settings instead)`);
    }
  }

  /** Forgets a removed destination's token or secret. */
  forget(id: string): void {
    this.secrets.remove(id);
  }

  /** Lets alerts still going out finish for a moment, then stops every queue. */
  async stop(): Promise<void> {
    const grace = this.options.stopGraceMs ?? 3_000;
    await Promise.all([...this.routes.values()].map((route) => route.queue.stop(grace)));
  }

  private route(sink: AlertSink): Route {
    let failing = false;
    const queue = new DeliveryQueue(sink.send, this.clock, this.delivery, (result) => {
      if (!result.ok && !failing) this.options.onFailing?.(sink, result);
      failing = !result.ok;
    });
    return { sink, queue };
  }

  private unknown(id: string): never {
    throw new UnknownSinkError(`no alert destination "${id}"; \`porchlight alerts list\` shows them`);
  }
}
