import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from './process-control.js';
import { resolveOsqueryd } from './binary.js';
import { osquerydPaths, type DaemonPathOptions } from './daemon-paths.js';
import { ExtensionSocketClient } from './extension-socket-client.js';
import { lockHeld } from './instance-lock.js';
import { trustedSocket } from '../paths/private-sockets.js';
import { endLeftoverDaemon, OsquerydSupervisor, type SupervisorTimings } from './supervisor.js';

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

const CLI_INSTANCE_PREFIX = 'cli-';

/**
 * Ends what Porchlight processes killed mid-scan (kill -9, a closed terminal, a crash) left: a
 * command's short-lived osqueryd, once the command that made its folder (cli-<pid>) is gone, and
 * then the folder; the agent's osqueryd, once no agent holds its supervisor lock (which the OS
 * lets go of when the agent dies). Each only when its pidfile names it and its command line
 * carries that folder's socket (the rule the agent's supervisor follows). A live command or agent
 * keeps its own. Returns the osqueryd pids ended.
 */
export async function sweepLeftoverSessions(dataDir: string, pathOptions?: DaemonPathOptions, graceMs = 2_000): Promise<number[]> {
  const ended: number[] = [];
  const agent = osquerydPaths(dataDir, AGENT_INSTANCE, pathOptions);
  if (existsSync(agent.pidfile) && !(await lockHeld(agent.supervisorLock))) {
    const pid = await endLeftoverDaemon(agent, { graceMs });
    if (pid) ended.push(pid);
  }
  let folders: string[];
  try {
    folders = readdirSync(path.join(dataDir, 'osquery')).filter((name) => name.startsWith(CLI_INSTANCE_PREFIX));
  } catch {
    return ended;
  }
  for (const folder of folders) {
    const owner = Number(folder.slice(CLI_INSTANCE_PREFIX.length));
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || processAlive(owner)) continue;
    const paths = osquerydPaths(dataDir, folder, pathOptions);
    const pid = await endLeftoverDaemon(paths, { graceMs });
    if (pid) ended.push(pid);
    try {
      rmSync(paths.root, { recursive: true, force: true });
    } catch {
      // Still held open (a Windows osqueryd that only its own --force may end): the next sweep takes it.
    }
  }
  return ended;
}

/** True when a Porchlight agent's osqueryd answers for this data dir. */
export async function agentDaemonClient(
  dataDir: string,
  pathOptions?: DaemonPathOptions,
): Promise<ExtensionSocketClient | undefined> {
  const socketPath = osquerydPaths(dataDir, AGENT_INSTANCE, pathOptions).socketPath;
  // The agent's own checks, from this side: a socket in a folder someone else could have made is not asked.
  if (!trustedSocket(socketPath, pathOptions?.platform)) return undefined;
  const client = new ExtensionSocketClient({ socketPath, connectTimeoutMs: 1_000 });
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
  // First, so an osqueryd whose agent was killed is ended rather than taken for a running agent's.
  await sweepLeftoverSessions(options.dataDir, options.pathOptions);
  const agentClient = await agentDaemonClient(options.dataDir, options.pathOptions);
  if (agentClient) {
    return { client: agentClient, source: 'agent', close: async () => agentClient.close() };
  }
  const binary = resolveOsqueryd({ explicitPath: options.osquerydPath, env: options.env });
  const paths = osquerydPaths(options.dataDir, `${CLI_INSTANCE_PREFIX}${process.pid}`, options.pathOptions);
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
