import { resolveOsqueryd, type ResolvedBinary } from '../../core/osquery/binary.js';
import { osquerydPaths } from '../../core/osquery/daemon-paths.js';
import { lockHeld } from '../../core/osquery/instance-lock.js';
import { agentDaemonClient, AGENT_INSTANCE } from '../../core/osquery/osquery-session.js';
import { readPid } from '../../core/osquery/supervisor.js';
import { COMMON_HELP, contextFrom, parseCommand } from '../options.js';
import type { Command } from './command.js';
import { errorMessage } from '../../core/error-message.js';

export const osqueryStatusCommand: Command = {
  name: 'osquery status',
  summary: "show whether this data dir's osqueryd runs, and which binary would be used",
  help: `Usage: porchlight osquery status [--json]

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
    };
    if (values.json) {
      io.out(JSON.stringify(status, null, 2) + '\n');
    } else {
      const lines = [
        `data dir:  ${status.dataDir}`,
        `osqueryd:  ${status.running ? `running (pid ${status.pid ?? '?'}, osquery ${version ?? '?'})` : 'not running'}`,
        `agent:     ${status.supervisorPid ? `pid ${status.supervisorPid}` : 'none'}`,
        `socket:    ${status.socketPath}`,
        `log:       ${status.outputLog}`,
        `binary:    ${binary ? `${binary.path} (${binary.source})` : (binaryError ?? '')}`,
      ];
      io.out(lines.join('\n') + '\n');
    }
    return status.running ? 0 : 3;
  },
};
