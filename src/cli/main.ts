#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OsquerydNotFoundError, OsquerydPathError } from '../core/osquery/binary.js';
import { ApiError } from '../api/call-result.js';
import { errorMessage } from '../core/error-message.js';
import { OsqueryError } from '../core/osquery/errors.js';
import { OsquerydStartError, SupervisorBusyError } from '../core/osquery/supervisor.js';
import { InvalidSettingsError } from '../core/settings/settings.js';
import type { Command, CommandIo } from './commands/command.js';
import { alertsAddCommand, alertsListCommand, alertsRemoveCommand, alertsTestCommand } from './commands/alerts.js';
import { checkCommand } from './commands/check.js';
import { confirmCommand } from './commands/confirm.js';
import { checksDisableCommand, checksEnableCommand, checksImportCommand, checksListCommand } from './commands/checks.js';
import { daemonCommand } from './commands/daemon.js';
import { ackCommand, findingsCommand, historyCommand } from './commands/findings.js';
import { fleetEnrollCommand, fleetLogCommand, fleetStatusCommand, fleetUnenrollCommand } from './commands/fleet.js';
import { osqueryRunCommand } from './commands/osquery-run.js';
import { osqueryStatusCommand } from './commands/osquery-status.js';
import { queryCommand } from './commands/query.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { tablesCommand } from './commands/tables.js';
import { COMMON_HELP, UsageError } from './options.js';

export const COMMANDS: Command[] = [
  checkCommand,
  checksListCommand,
  checksImportCommand,
  checksEnableCommand,
  checksDisableCommand,
  findingsCommand,
  ackCommand,
  confirmCommand,
  historyCommand,
  alertsAddCommand,
  alertsListCommand,
  alertsRemoveCommand,
  alertsTestCommand,
  reportCommand,
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

function usage(commands = COMMANDS, what = '<command>'): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: porchlight ${what} [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`porchlight <command> --help\` for a command's options.

${COMMON_HELP}
`;
}

/** The commands whose names start with `word` and have more words (`checks` → checks list, checks import, …). */
function subcommands(word: string | undefined): Command[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${word} `));
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
  const family = subcommands(first);
  if (!found && family.length > 0) {
    const wantsHelp = argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h' || argv[1] === 'help';
    if (!wantsHelp) io.err(`porchlight: unknown command '${first} ${argv[1]}'\n\n`);
    (wantsHelp && argv[1] !== undefined ? io.out : io.err)(usage(family, `${first} <command>`));
    return wantsHelp && argv[1] !== undefined ? 0 : 2;
  }
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
  // Anything else still gets a sentence, not a stack trace; PORCHLIGHT_DEBUG=1 shows where it came from.
  const where = io.env.PORCHLIGHT_DEBUG === '1' && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  io.err(`porchlight ${command.name}: ${describeSystemError(error)}${where}\n`);
  return 2;
}

/** A thrown value in words: Node's file errors say what happened to which file. */
function describeSystemError(error: unknown): string {
  const { code, path: file, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const plain: Record<string, string> = {
    ENOTDIR: 'is not a folder (or lies under a file)',
    EACCES: 'is not accessible to you',
    EPERM: 'may not be changed by you',
    ENOENT: 'does not exist',
    EISDIR: 'is a folder, not a file',
    ENOSPC: 'cannot be written: the disk is full',
    EROFS: 'is on a read-only disk',
  };
  if (code && file && plain[code]) return `${file} ${plain[code]} (${syscall ?? code})`;
  return errorMessage(error);
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

/**
 * Writes to a stream until its reader goes away: `porchlight checks list | head -3` closes the pipe
 * after three lines, and the rest of the output is dropped quietly instead of failing with EPIPE.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

if (isMain()) {
  const code = await runCli(process.argv.slice(2), {
    out: writer(process.stdout),
    err: writer(process.stderr),
    env: process.env,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  });
  process.exitCode = code;
}
