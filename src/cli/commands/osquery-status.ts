import { resolveOsqueryd, type ResolvedBinary } from '../../core/osquery/binary.js';
import { osquerydPaths } from '../../core/osquery/daemon-paths.js';
import { lockHeld } from '../../core/osquery/instance-lock.js';
import { agentDaemonClient, AGENT_INSTANCE } from '../../core/osquery/osquery-session.js';
import { readPid } from '../../core/osquery/supervisor.js';
import { COMMON_HELP, contextFrom, parseCommand } from '../options.js';
import type { Command } from './command.js';
import { errorMessage } from '../../core/error-message.js';
import { createApiClient } from '../../api/client.js';
import type { Status } from '../../api/contract.js';
import { controlSocketPath } from '../../core/paths/private-sockets.js';
import { ControlSocketTransport } from '../../server/control-client.js';

export const osqueryStatusCommand: Command = {
  name: 'osquery status',
  summary: "show whether this data dir's osqueryd runs, and which binary would be used",
  help: `Usage: porchlight osquery status [--json]

When the tray app, serve or daemon runs with this data dir, its supervisor says what it sees too:
starting, restarting (and why), failed.

Exit codes: 0 osqueryd is running and answers, 3 it is not running.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, false);
    const ctx = contextFrom(values, io);
    const paths = osquerydPaths(ctx.dataDir, AGENT_INSTANCE);
    let binary: ResolvedBinary | undefined;
    let binaryError: string | undefined;
    try {
      binary = resolveOsqueryd({ explicitPath: ctx.osquerydPath, env: ctx.env });
    } catch (error) {
      binaryError = errorMessage(error);
    }
    const supervisorPid = (await lockHeld(paths.supervisorLock)) ? readPid(paths.supervisorPidfile) : undefined;
    const client = await agentDaemonClient(ctx.dataDir);
    let version: string | undefined;
    if (client) {
      version = (await client.query('SELECT version FROM osquery_info'))[0]?.version;
      client.close();
    }
    const agent = await agentOsqueryView(ctx.dataDir);
    const pid = readPid(paths.pidfile);
    const status = {
      dataDir: ctx.dataDir,
      running: client !== undefined,
      pid: client ? pid : undefined,
      version,
      supervisorPid,
      socketPath: paths.socketPath,
      outputLog: paths.outputLog,
      binary,
      binaryError,
      agent,
    };
    if (values.json) {
      io.out(JSON.stringify(status, null, 2) + '\n');
    } else {
      const lines = [
        `data dir:  ${status.dataDir}`,
        `osqueryd:  ${status.running ? `running (pid ${status.pid ?? '?'}, osquery ${version ?? '?'})` : 'not running'}`,
        `agent:     ${status.supervisorPid ? `pid ${status.supervisorPid}` : 'none'}`,
        ...(agent ? [`state:     ${describeSupervision(agent)}`] : []),
        `socket:    ${status.socketPath}`,
        `log:       ${status.outputLog}`,
        `binary:    ${binary ? `${binary.path} (${binary.source})` : (binaryError ?? '')}`,
      ];
      io.out(lines.join('\n') + '\n');
    }
    return status.running ? 0 : 3;
  },
};

type OsqueryStatus = Status['osquery'];

/** What the running agent's supervisor sees of its osqueryd, asked over its control socket. */
async function agentOsqueryView(dataDir: string): Promise<OsqueryStatus | undefined> {
  const transport = await ControlSocketTransport.connect(controlSocketPath(dataDir));
  if (!transport) return undefined;
  try {
    return (await createApiClient(transport).getStatus({})).osquery;
  } catch {
    // An agent that cannot answer: the files above still say what they can.
    return undefined;
  } finally {
    transport.close();
  }
}

function describeSupervision(osquery: OsqueryStatus): string {
  const failures = osquery.failures ? `, ${osquery.failures} recent failure${osquery.failures === 1 ? '' : 's'}` : '';
  const next = osquery.nextStartInMs !== undefined ? `, next start in ${Math.ceil(osquery.nextStartInMs / 1000)} s` : '';
  const reason = osquery.reason ? `: ${osquery.reason}` : '';
  return `${osquery.state} since ${new Date(osquery.since).toISOString()}${failures}${next}${reason}`;
}
