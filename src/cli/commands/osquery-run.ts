import { resolveOsqueryd } from '../../core/osquery/binary.js';
import { osquerydPaths } from '../../core/osquery/daemon-paths.js';
import { AGENT_INSTANCE } from '../../core/osquery/osquery-session.js';
import { OsquerydSupervisor } from '../../core/osquery/supervisor.js';
import { COMMON_HELP, contextFrom, parseCommand } from '../options.js';
import { runInForeground } from '../foreground.js';
import type { Command } from './command.js';

export const osqueryRunCommand: Command = {
  name: 'osquery run',
  summary: 'supervise osqueryd in the foreground, printing state changes as JSON lines',
  help: `Usage: porchlight osquery run

Starts osqueryd for this data dir and keeps it running (health pings, restarts with backoff)
until SIGINT or SIGTERM, then stops it cleanly. Each state change is printed as one JSON line:
  {"state":"running","pid":1234,...}
Other Porchlight commands with the same data dir query through this osqueryd.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, {}, false);
    const ctx = contextFrom(values, io);
    const binary = resolveOsqueryd({ explicitPath: ctx.osquerydPath, env: ctx.env });
    const supervisor = new OsquerydSupervisor({
      binary,
      paths: osquerydPaths(ctx.dataDir, AGENT_INSTANCE),
      env: ctx.env,
    });
    supervisor.on('state', (status) => io.out(JSON.stringify(status) + '\n'));
    return runInForeground(
      {
        start: () => supervisor.start(),
        stop: () => supervisor.stop(),
        onOsqueryState: (listener) => supervisor.on('state', listener),
      },
      io.err,
      'porchlight osquery run',
    );
  },
};
