import { rmSync } from 'node:fs';
import { resolveOsqueryd } from './binary.js';
import { osquerydPaths, type DaemonPathOptions } from './daemon-paths.js';
import { ExtensionSocketClient } from './extension-socket-client.js';
import { OsquerydSupervisor, type SupervisorTimings } from './supervisor.js';

/** The instance name of the agent's long-running osqueryd inside a data dir. */
export const AGENT_INSTANCE = 'daemon';

export interface OsquerySessionOptions {
  dataDir: string;
  osquerydPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  timings?: Partial<SupervisorTimings>;
  pathOptions?: DaemonPathOptions;
  /** Called before a short-lived osqueryd is started (it takes a moment). */
  onStartingOwnDaemon?: () => void;
}

export interface OsquerySession {
  client: ExtensionSocketClient;
  /** `agent`: the running agent's osqueryd; `own`: one started for this session. */
  source: 'agent' | 'own';
  close(): Promise<void>;
}

/** True when a Porchlight agent's osqueryd answers for this data dir. */
export async function agentDaemonClient(
  dataDir: string,
  pathOptions?: DaemonPathOptions,
): Promise<ExtensionSocketClient | undefined> {
  const client = new ExtensionSocketClient({
    socketPath: osquerydPaths(dataDir, AGENT_INSTANCE, pathOptions).socketPath,
    connectTimeoutMs: 1_000,
  });
  try {
    const status = await client.ping(2_000);
    if (status.code === 0) return client;
  } catch {
    // No agent daemon: the caller starts its own.
  }
  client.close();
  return undefined;
}

/**
 * An osquery connection for one command: through the agent's osqueryd when one runs with this
 * data dir, else through a short-lived osqueryd with its own paths, stopped on close.
 */
export async function openOsquerySession(options: OsquerySessionOptions): Promise<OsquerySession> {
  const agentClient = await agentDaemonClient(options.dataDir, options.pathOptions);
  if (agentClient) {
    return { client: agentClient, source: 'agent', close: async () => agentClient.close() };
  }
  const binary = resolveOsqueryd({ explicitPath: options.osquerydPath, env: options.env });
  const paths = osquerydPaths(options.dataDir, `cli-${process.pid}`, options.pathOptions);
  const supervisor = new OsquerydSupervisor({
    binary,
    paths,
    env: options.env,
    timings: { crashLoopFailures: 1, ...options.timings },
  });
  options.onStartingOwnDaemon?.();
  const close = async () => {
    supervisor.client.close();
    await supervisor.stop();
    rmSync(paths.root, { recursive: true, force: true });
  };
  try {
    await supervisor.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { client: supervisor.client, source: 'own', close };
}
