import { subscribeAgentEvents } from '../api/agent-events.js';
import { createAgentApi } from '../api/agent-api.js';
import { createApiClient, type PorchlightClient } from '../api/client.js';
import { dispatch } from '../api/dispatch.js';
import { Agent } from '../core/agent.js';
import { controlSocketPath } from '../core/paths/private-sockets.js';
import type { Platform } from '../core/platform.js';
import { openConfSettings } from '../core/settings/conf-settings.js';
import { ControlSocketTransport } from '../server/control-client.js';
import type { CommandContext } from './options.js';

export interface PorchlightConnection {
  api: PorchlightClient;
  /** `agent`: the data dir's running agent did the work (its events, tray and history saw it); `in-process`: this command did. */
  via: 'agent' | 'in-process';
  /** Whose osqueryd answered: the running agent's, or one this command started. */
  osquery(): 'agent' | 'own';
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Judge as this platform; a running agent judging as another is left alone. */
  platform?: Platform;
  /** Said before this command starts an osqueryd of its own (it takes a moment). */
  onStartingOwnDaemon?: () => void;
}

/**
 * The Porchlight a command talks to, through the one API contract either way: the data dir's
 * running agent over its control socket (so a scan or an acknowledgement is the agent's, with its
 * events, notifications and tray), or, when none runs, the same core composed in this process.
 */
export async function connectPorchlight(ctx: CommandContext, options: ConnectOptions = {}): Promise<PorchlightConnection> {
  const transport = await ControlSocketTransport.connect(controlSocketPath(ctx.dataDir));
  if (transport) {
    const api = createApiClient(transport);
    const agentPlatform = options.platform && (await api.getStatus({})).platform;
    if (!options.platform || agentPlatform === options.platform) {
      return { api, via: 'agent', osquery: () => 'agent', close: async () => transport.close() };
    }
    transport.close();
  }
  const settings = openConfSettings(ctx.dataDir);
  const agent = new Agent({
    dataDir: ctx.dataDir,
    settings: settings.store,
    settingsWarning: settings.warning,
    osquerydPath: ctx.osquerydPath,
    env: ctx.env,
    platform: options.platform,
    role: 'one-shot',
    onStartingOwnDaemon: options.onStartingOwnDaemon,
  });
  agent.on('warning', ({ message }) => ctx.err(`warning: ${message}\n`));
  await agent.start();
  const handlers = createAgentApi(agent);
  const api = createApiClient({
    call: (method, payload) => dispatch(handlers, method, payload),
    subscribe: (listener) => subscribeAgentEvents(agent, listener),
  });
  return {
    api,
    via: 'in-process',
    osquery: () => (agent.osquerySource() === 'agent' ? 'agent' : 'own'),
    close: () => agent.stop(),
  };
}

/** Runs `work` with a connection, closed afterwards whatever happens. */
export async function withPorchlight<T>(ctx: CommandContext, options: ConnectOptions, work: (porchlight: PorchlightConnection) => Promise<T>): Promise<T> {
  const porchlight = await connectPorchlight(ctx, options);
  try {
    return await work(porchlight);
  } finally {
    await porchlight.close();
  }
}
