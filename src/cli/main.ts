#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OsquerydNotFoundError, OsquerydPathError } from '../core/osquery/binary.js';
import { ApiError } from '../api/call-result.js';
import { OsqueryError } from '../core/osquery/errors.js';
import { OsquerydStartError, SupervisorBusyError } from '../core/osquery/supervisor.js';
import { InvalidSettingsError } from '../core/settings/settings.js';
import type { Command, CommandIo } from './commands/command.js';
import { checkCommand } from './commands/check.js';
import { confirmCommand } from './commands/confirm.js';
import { checksImportCommand, checksListCommand } from './commands/checks.js';
import { daemonCommand } from './commands/daemon.js';
import { ackCommand, findingsCommand, historyCommand } from './commands/findings.js';
import { fleetEnrollCommand, fleetLogCommand, fleetStatusCommand, fleetUnenrollCommand } from './commands/fleet.js';
import { osqueryRunCommand } from './commands/osquery-run.js';
import { osqueryStatusCommand } from './commands/osquery-status.js';
import { queryCommand } from './commands/query.js';
import { serveCommand } from './commands/serve.js';
import { tablesCommand } from './commands/tables.js';
import { COMMON_HELP, UsageError } from './options.js';

export const COMMANDS: Command[] = [
  checkCommand,
  checksListCommand,
  checksImportCommand,
  findingsCommand,
  ackCommand,
  confirmCommand,
  historyCommand,
  daemonCommand,
  serveCommand,
  queryCommand,
  tablesCommand,
  osqueryRunCommand,
  osqueryStatusCommand,
  fleetEnrollCommand,
  fleetStatusCommand,
  fleetLogCommand,
  fleetUnenrollCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: porchlight <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`porchlight <command> --help\` for a command's options.

${COMMON_HELP}
`;
}

/** Finds the command named by the leading words of argv (`osquery status` before `osquery`). */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const byLength = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of byLength) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(usage());
    return first === undefined ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`porchlight: unknown command '${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}'\n\n${usage()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.out(found.command.help + '\n');
    return 0;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    return reportError(error, found.command, io);
  }
}

function reportError(error: unknown, command: Command, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.err(`porchlight ${command.name}: ${error.message}\nRun \`porchlight ${command.name} --help\` for usage.\n`);
    return 2;
  }
  if (error instanceof ApiError) {
    // not-found and osquery's refusals are answers (exit 1); the rest mean the work could not run (2).
    const prefix = error.code === 'osquery' ? 'osquery error: ' : '';
    io.err(`porchlight: ${prefix}${error.message}\n`);
    return error.code === 'not-found' || error.code === 'osquery' ? 1 : 2;
  }
  if (error instanceof OsquerydStartError) {
    const output = error.status.lastOutput?.length ? `\nosqueryd's last output:\n  ${error.status.lastOutput.join('\n  ')}` : '';
    io.err(`porchlight: osqueryd could not start: ${error.message}${output}\n`);
    return 2;
  }
  if (
    error instanceof OsquerydNotFoundError ||
    error instanceof OsquerydPathError ||
    error instanceof SupervisorBusyError ||
    error instanceof InvalidSettingsError ||
    error instanceof OsqueryError
  ) {
    io.err(`porchlight: ${error.message}\n`);
    return 2;
  }
  throw error;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
  process.exitCode = code;
}
