import { toCsv } from '../../api/csv.js';
import { formatTable } from '../format.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { withPorchlight } from '../porchlight-client.js';
import type { Command } from './command.js';

export const queryCommand: Command = {
  name: 'query',
  summary: 'run osquery SQL and print the rows',
  help: `Usage: porchlight query "<SQL>" [--json | --csv]

Runs SQL through the running Porchlight agent's osqueryd when one runs with this data dir,
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
    return withPorchlight(ctx, { onStartingOwnDaemon: () => io.err('Starting osqueryd for this query…\n') }, async ({ api }) => {
      const { columns, rows } = await api.runQuery({ sql });
      if (values.json) io.out(JSON.stringify(rows, null, 2) + '\n');
      else io.out(values.csv ? toCsv(columns, rows) : formatTable(columns, rows));
      return 0;
    });
  },
};
