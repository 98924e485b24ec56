import { openOsquerySession } from '../../core/osquery/osquery-session.js';
import { COMMON_HELP, contextFrom, parseCommand } from '../options.js';
import type { Command } from './command.js';

export const tablesCommand: Command = {
  name: 'tables',
  summary: 'list the tables the running osqueryd offers',
  help: `Usage: porchlight tables [--json]

Lists osquery's tables on this machine, as osqueryd reports them (osquery_registry).

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, false);
    const ctx = contextFrom(values, io);
    const session = await openOsquerySession({ dataDir: ctx.dataDir, osquerydPath: ctx.osquerydPath, env: ctx.env });
    try {
      const rows = await session.client.query(
        "SELECT name FROM osquery_registry WHERE registry = 'table' AND active = 1 ORDER BY name",
      );
      const names = rows.map((row) => row.name ?? '');
      io.out(values.json ? JSON.stringify(names) + '\n' : names.join('\n') + '\n');
      return 0;
    } finally {
      await session.close();
    }
  },
};
