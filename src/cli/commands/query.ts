import { OsqueryQueryError } from '../../core/osquery/errors.js';
import { openOsquerySession } from '../../core/osquery/osquery-session.js';
import { formatCsv, formatTable } from '../format.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import type { Command } from './command.js';

export const queryCommand: Command = {
  name: 'query',
  summary: 'run osquery SQL and print the rows',
  help: `Usage: porchlight query "<SQL>" [--json | --csv]

Runs SQL through the Porchlight agent's osqueryd when one runs with this data dir,
otherwise through a short-lived osqueryd of its own.

  --json   print rows as a JSON array of objects (values are strings, as osquery gives them)
  --csv    print rows as CSV with a header line

Exit codes: 0 rows printed, 1 osquery reported an error, 2 bad usage or osqueryd unavailable.

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' }, csv: { type: 'boolean' } }, true);
    if (positionals.length !== 1 || !positionals[0]?.trim()) throw new UsageError('query takes one SQL statement, in quotes');
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    const sql = positionals[0];
    const ctx = contextFrom(values, io);
    const session = await openOsquerySession({
      dataDir: ctx.dataDir,
      osquerydPath: ctx.osquerydPath,
      env: ctx.env,
      onStartingOwnDaemon: () => io.err('Starting osqueryd for this query…\n'),
    });
    try {
      const rows = await session.client.query(sql);
      if (values.json) {
        io.out(JSON.stringify(rows, null, 2) + '\n');
        return 0;
      }
      const columns = await session.client.resultColumns(sql, rows);
      io.out(values.csv ? formatCsv(columns, rows) : formatTable(columns, rows));
      return 0;
    } catch (error) {
      if (error instanceof OsqueryQueryError) {
        io.err(`osquery error: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await session.close();
    }
  },
};
