import { createAgentApi, type AgentApiOptions } from '../api/agent-api.js';
import { subscribeAgentEvents } from '../api/agent-events.js';
import type { ApiHandlers } from '../api/contract.js';
import { Agent, type AgentOptions } from '../core/agent.js';
import { demoSetup } from '../core/demo.js';
import { errorMessage } from '../core/error-message.js';
import type { PorchlightMetrics } from '../core/metrics/porchlight-metrics.js';
import type { AlertSink } from '../core/notify/alert-sink.js';
import { controlSocketPath } from '../core/paths/private-sockets.js';
import type { Platform } from '../core/platform.js';
import type { OpenedSettings } from '../core/settings/conf-settings.js';
import { ControlSocketServer } from '../server/control-socket.js';
import type { EventSource } from '../server/http-bridge.js';
import type { MetricsServer } from '../server/metrics-server.js';

export interface PorchlightOptions
  extends Pick<AgentOptions, 'osquerydPath' | 'resourcesPath' | 'env' | 'sqliteBinding' | 'timings' | 'secretCodec' | 'alertDelivery'> {
  /** The data dir the owner chose (`--data-dir`, PORCHLIGHT_HOME or the OS's app-data folder). */
  dataDir: string;
  /** Run on the stand-in osqueryd with a sample laptop of this platform (this computer's by default). */
  demo?: { platform?: Platform | undefined } | undefined;
  /** Settings through the shell's store: conf in Node, electron-store in the tray app (one file either way). */
  openSettings: (dataDir: string) => OpenedSettings;
  /** What only the shell can do for the API: open links, start at login. */
  api?: AgentApiOptions;
  /** `--metrics-port`: serve Prometheus metrics there, and fail to start when it cannot (the setting only warns). */
  metricsPort?: number | undefined;
}

/**
 * Porchlight for one data dir, composed once for every shell that runs the agent (the tray app,
 * `serve`, `daemon`): the Agent, the API every transport answers with, and the control socket
 * through which CLI commands reach this agent instead of working beside it.
 */
export class Porchlight {
  readonly agent: Agent;
  readonly api: ApiHandlers;
  readonly events: EventSource;
  /** Where CLI commands find this agent. */
  readonly controlSocket: string;
  private readonly control: ControlSocketServer;
  private metrics: { collector: PorchlightMetrics; server: MetricsServer; url: string } | undefined;

  constructor(private readonly options: PorchlightOptions) {
    const demo = options.demo ? demoSetup(options.dataDir, options.env, options.demo.platform) : undefined;
    const dataDir = demo?.dataDir ?? options.dataDir;
    const settings = options.openSettings(dataDir);
    this.agent = new Agent({
      dataDir,
      settings: settings.store,
      settingsWarning: settings.warning,
      osquerydPath: demo?.osquerydPath ?? options.osquerydPath,
      resourcesPath: options.resourcesPath,
      env: demo?.env ?? options.env,
      platform: demo?.platform,
      demo: demo !== undefined,
      sqliteBinding: options.sqliteBinding,
      timings: options.timings,
      secretCodec: options.secretCodec,
      alertDelivery: options.alertDelivery,
    });
    this.api = createAgentApi(this.agent, options.api);
    this.events = { subscribe: (listener) => subscribeAgentEvents(this.agent, listener) };
    this.controlSocket = controlSocketPath(dataDir);
    this.control = new ControlSocketServer({ handlers: this.api, events: this.events, socketPath: this.controlSocket });
  }

  /** Opens the control socket and the metrics port, then starts the agent (osqueryd, the first scan, the schedule). */
  async start(): Promise<void> {
    await this.control.start();
    await this.startMetrics();
    await this.agent.start();
  }

  /** Where Prometheus finds this agent's metrics, once started with a metrics port. */
  metricsUrl(): string | undefined {
    return this.metrics?.url;
  }

  /** A shell's own alert sink (the tray app's notifications, the daemon's output), beside the configured ones. */
  registerAlertSink(sink: AlertSink): () => void {
    return this.agent.registerAlertSink(sink);
  }

  async stop(): Promise<void> {
    await this.control.stop();
    await this.metrics?.server.stop();
    this.metrics?.collector.close();
    await this.agent.stop();
  }

  private async startMetrics(): Promise<void> {
    const port = this.options.metricsPort ?? this.agent.settings().metricsPort;
    if (port === null) return;
    // Loaded only when asked for: prom-client would otherwise slow every CLI command's start.
    const [{ porchlightMetrics }, { MetricsServer }] = await Promise.all([
      import('../core/metrics/porchlight-metrics.js'),
      import('../server/metrics-server.js'),
    ]);
    const collector = porchlightMetrics(this.agent);
    const server = new MetricsServer(collector.registry, port);
    try {
      const { url } = await server.start();
      this.metrics = { collector, server, url };
    } catch (error) {
      collector.close();
      if (this.options.metricsPort !== undefined) throw error;
      this.agent.warn(`Metrics are not served: ${errorMessage(error)}`);
    }
  }
}
