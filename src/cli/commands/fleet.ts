import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { FleetStatusDto } from '../../api/contract.js';
import { errorMessage } from '../../core/error-message.js';
import { formatTable } from '../format.js';
import { parseDate } from '../local-state.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { withPorchlight, type PorchlightConnection } from '../porchlight-client.js';
import type { Command, CommandIo } from './command.js';

const HIDDEN_QUERIES =
  "The server has turned off osquery's log of the queries it runs: queries it asks now are not listed here, and not counted.";
const time = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Exit codes: 0 connected, enrolling or not enrolled; 1 something is wrong with the connection; 3 osquery is not running. */
function exitCode(status: FleetStatusDto): number {
  if (status.state === 'offline') return 3;
  return ['refused', 'certificate', 'unreachable', 'error'].includes(status.state) ? 1 : 0;
}

function describeStatus(status: FleetStatusDto): string {
  const lines = [`Fleet: ${status.summary}`];
  if (status.server) {
    const reach =
      status.unreachableSince !== null
        ? `not reachable since ${time(status.unreachableSince)} (${status.healthProblem ?? ''})`
        : status.reachableAt !== null
          ? `reachable (checked ${time(status.reachableAt)})`
          : 'not checked';
    lines.push(
      `  server:         ${status.server.url}`,
      `  enrolled:       ${time(status.enrolledAt)}`,
      `  configuration:  ${status.configReceived ? 'received from the server' : 'none from the server yet'}`,
      `  last check-in:  ${time(status.lastCheckInAt)}`,
      `  server health:  ${reach}`,
      `  today:          Fleet ran ${status.queriesToday} ${status.queriesToday === 1 ? 'query' : 'queries'} on this laptop (\`porchlight fleet log\`)`,
    );
  }
  if (status.osquerySays) lines.push(`  osquery says:   ${status.osquerySays}`);
  if (status.healthProblem && status.unreachableSince === null) lines.push(`  server health:  ${status.healthProblem}`);
  if (status.advice) lines.push('', status.advice);
  return lines.join('\n') + '\n';
}

function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${errorMessage(error)}`);
  }
}

function wrap(paragraph: string, width = 88): string {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** Asks on the terminal; undefined when there is no terminal to ask on. */
async function askOnTerminal(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/** After enrolling, osqueryd enrolls by itself: wait a little for it to say how that went. */
async function settled(porchlight: PorchlightConnection): Promise<FleetStatusDto> {
  let status = await porchlight.api.getFleetStatus({});
  for (let waited = 0; status.state === 'enrolling' && waited < 20_000; waited += 1_000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    status = await porchlight.api.getFleetStatus({});
  }
  return status;
}

export const fleetEnrollCommand: Command = {
  name: 'fleet enroll',
  summary: 'connect this laptop to a Fleet server (asks your consent first)',
  help: `Usage: porchlight fleet enroll --url URL --secret-file FILE [--ca PEM] [--yes]

Lets a Fleet server (yours, or your family admin's) see this laptop through Porchlight's osqueryd.
First the server is checked (a TLS handshake with --ca, or this computer's roots, then Fleet's
GET /version and /healthz); nothing changes when that fails. Then what the server will be able to
do is printed, and you agree by typing "yes" (or with --yes). The secret is kept in a file only
you can read, in the data dir; osqueryd enrolls itself and talks to the server.

  --url URL           the server, https only (e.g. https://fleet.example.com)
  --secret-file FILE  a file holding the enroll secret (from Fleet: Hosts › Add hosts)
  --ca PEM            the server's CA certificate, for a server with its own CA
  --yes               agree to the text printed (needed when not run in a terminal)

While Porchlight runs (the app, serve or daemon), this enrolls its osqueryd at once; otherwise
osqueryd connects when Porchlight next starts.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { url: { type: 'string' }, 'secret-file': { type: 'string' }, ca: { type: 'string' }, yes: { type: 'boolean' } },
      false,
    );
    if (!values.url) throw new UsageError('--url is required');
    if (!values['secret-file']) throw new UsageError('--secret-file is required');
    const secret = readTextFile(values['secret-file'], 'the secret file');
    const ca = values.ca === undefined ? undefined : readTextFile(values.ca, 'the CA file');
    const url = values.url;
    return withPorchlight(contextFrom(values, io), {}, async (porchlight) => {
      const check = await porchlight.api.checkFleetServer({ url, ca });
      if (!check.ok) {
        const fix = check.problem === 'untrusted' ? ' — pass its CA with --ca' : '';
        io.err(`porchlight fleet enroll: ${check.message}${fix}\nNothing was changed.\n`);
        return 2;
      }
      const trust = check.trust === 'given-ca' ? 'the CA you gave' : "this computer's trusted roots";
      io.out(`Fleet ${check.version} answers at ${check.server.url} (its certificate checked against ${trust}).\n\n`);
      io.out(check.consent.map((paragraph) => wrap(paragraph)).join('\n\n') + '\n\n');
      if (!values.yes && !(await agreed(io))) return 2;
      const status = await porchlight.api.enrollFleet({ url, secret, ca, consent: true });
      if (porchlight.via === 'in-process') {
        io.out(`Enrolled. Porchlight is not running: osquery connects to ${check.server.hostname} when it runs (the app, \`porchlight serve\` or \`porchlight daemon\`).\n`);
        return 0;
      }
      const settledStatus = status.state === 'enrolling' ? await settled(porchlight) : status;
      io.out(describeStatus(settledStatus));
      return exitCode(settledStatus);
    });
  },
};

async function agreed(io: CommandIo): Promise<boolean> {
  const answer = await askOnTerminal('Type "yes" to connect this laptop: ');
  if (answer === undefined) {
    io.err('porchlight fleet enroll: not connected. Read the text above, then run again with --yes to agree.\n');
    return false;
  }
  if (answer.trim().toLowerCase() === 'yes') return true;
  io.err('Not connected.\n');
  return false;
}

export const fleetStatusCommand: Command = {
  name: 'fleet status',
  summary: 'say whether this laptop is connected to a Fleet server, and how that goes',
  help: `Usage: porchlight fleet status [--json]

Enrolled or not, the server, whether osquery has its configuration from the server, the last
check-in, whether the server answers its health check, and what osquery said when something failed.

Exit codes: 0 connected, enrolling or not enrolled; 1 enrollment refused, certificate not trusted,
server unreachable or another error; 3 osquery (or Porchlight) is not running.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, false);
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const status = await api.getFleetStatus({});
      io.out(values.json ? JSON.stringify(status, null, 2) + '\n' : describeStatus(status));
      return exitCode(status);
    });
  },
};

export const fleetLogCommand: Command = {
  name: 'fleet log',
  summary: 'list what Fleet asked of this laptop: the queries osquery ran for it, and its schedule',
  help: `Usage: porchlight fleet log [--since DATE] [--limit N] [--json]

Every query osquery ran because the server asked (live queries, and Fleet's own host-detail,
label and policy queries), newest first, with when and the SQL; and the queries the server has
scheduled. Taken from osqueryd's own log line ("Executing distributed query") and osquery_schedule.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' }, since: { type: 'string' }, limit: { type: 'string' } }, false);
    const since = values.since === undefined ? undefined : parseDate(values.since, '--since');
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 5_000)) throw new UsageError('--limit is a number from 1 to 5000');
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const log = await api.getFleetLog({ since, limit });
      if (values.json) {
        io.out(JSON.stringify(log, null, 2) + '\n');
        return 0;
      }
      const server = log.server ? ` (connected to ${log.server})` : ' (not connected to Fleet now)';
      io.out(`Fleet ran ${log.queriesToday} ${log.queriesToday === 1 ? 'query' : 'queries'} on this laptop today${server}.\n\n`);
      if (log.queryLog === 'off') io.out(`${HIDDEN_QUERIES}\n\n`);
      const asked = log.queries.filter((q) => q.kind === 'distributed');
      if (asked.length === 0) io.out('No query from a Fleet server is recorded.\n');
      else {
        const rows = asked.map((q) => ({ when: time(q.at), why: q.purpose, id: q.queryId, sql: q.sql, error: q.error ?? '' }));
        io.out(formatTable(['when', 'why', 'id', 'sql', 'error'], rows));
      }
      if (log.schedule.length > 0) {
        io.out('\nScheduled by the server now:\n');
        const rows = log.schedule.map((q) => ({
          name: q.name,
          every: `${q.intervalSeconds} s`,
          runs: String(q.executions),
          last: q.lastExecuted ? time(q.lastExecuted * 1000) : 'not yet',
          sql: q.sql,
        }));
        io.out(formatTable(['name', 'every', 'runs', 'last', 'sql'], rows));
      }
      return 0;
    });
  },
};

export const fleetUnenrollCommand: Command = {
  name: 'fleet unenroll',
  summary: 'disconnect this laptop from its Fleet server',
  help: `Usage: porchlight fleet unenroll [--yes]

Restarts osqueryd without Fleet's flags, deletes the enroll secret, and makes osquery forget its
enrollment (its node key). The server keeps what it has already collected; remove the host there
too if you wish. Asks first in a terminal; --yes skips the question.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { yes: { type: 'boolean' } }, false);
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const before = await api.getFleetStatus({});
      if (before.state === 'not-enrolled') {
        io.out('This laptop is not connected to a Fleet server.\n');
        return 0;
      }
      if (!values.yes) {
        const answer = await askOnTerminal(`Disconnect from ${before.server?.hostname ?? 'Fleet'}? Type "yes": `);
        if (answer === undefined) {
          io.err('porchlight fleet unenroll: still connected. Run again with --yes to disconnect.\n');
          return 2;
        }
        if (answer.trim().toLowerCase() !== 'yes') {
          io.err('Still connected.\n');
          return 2;
        }
      }
      const status = await api.unenrollFleet({});
      io.out(`Disconnected from ${before.server?.hostname ?? 'Fleet'}: osquery forgot its enrollment and the secret is deleted.\n`);
      return status.state === 'not-enrolled' ? 0 : 1;
    });
  },
};
