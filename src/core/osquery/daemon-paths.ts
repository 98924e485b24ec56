import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shipsWithPorchlight, type BinarySource } from './binary.js';

/** Longest unix socket path osqueryd can bind (sun_path is 104 bytes on macOS, with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 103;

export interface OsquerydPaths {
  /** This instance's folder (mode 0700). */
  root: string;
  socketPath: string;
  pidfile: string;
  databasePath: string;
  loggerPath: string;
  configPath: string;
  flagfile: string;
  /** The owner's list of osquery extensions to load (none unless they write one). */
  extensionsAutoload: string;
  /** osqueryd's captured stdout/stderr. */
  outputLog: string;
  /** The supervisor's lock: a unix socket, or a named pipe on Windows (instance-lock.ts). */
  supervisorLock: string;
  /** The pid of the process holding the lock, for people to read. */
  supervisorPidfile: string;
}

export interface DaemonPathOptions {
  platform?: NodeJS.Platform;
  user?: string;
  uid?: number;
  /** Where short socket folders go when the data dir is too deep (POSIX); `/tmp` by default. */
  shortSocketBase?: string;
  /** Windows: the random part of the pipe names; the data dir's own (pipeSecret) by default. */
  pipeSecret?: string;
}

/**
 * The files one osqueryd instance uses, all inside the data dir and never osquery's defaults
 * (/var/osquery, \\.\pipe\osquery.em), which belong to any corporate osquery on the machine.
 * `instance` separates the agent's daemon ("daemon") from a CLI's short-lived one.
 */
export function osquerydPaths(dataDir: string, instance: string, options: DaemonPathOptions = {}): OsquerydPaths {
  const platform = options.platform ?? process.platform;
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const root = join(dataDir, 'osquery', instance);
  return {
    root,
    ...socketPaths(root, platform, platform === 'win32' ? (options.pipeSecret ?? pipeSecret(dataDir)) : '', options),
    pidfile: join(root, 'osqueryd.pid'),
    databasePath: join(root, 'osquery.db'),
    loggerPath: join(root, 'logs'),
    configPath: join(dataDir, 'osquery', 'osquery.conf'),
    flagfile: join(dataDir, 'osquery', 'osquery.flags'),
    extensionsAutoload: join(dataDir, 'osquery', 'extensions.load'),
    outputLog: join(root, 'logs', 'osqueryd.output.log'),
    supervisorPidfile: join(root, 'supervisor.pid'),
  };
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Windows: the random part of a data dir's pipe names, made once and kept where only its user can
 * read it (<data dir>/osquery/pipe-secret). Pipe names are one namespace shared by every account
 * of the machine, and osqueryd does not insist on creating its pipe's first instance (Thrift's
 * TPipeServer passes no FILE_FLAG_FIRST_PIPE_INSTANCE): a name another account can work out from
 * the user name and the data dir would let it create the pipe before osqueryd and answer
 * Porchlight's queries, or hold the supervisor's lock and keep it from starting. Once osqueryd
 * runs, its pipe admits only SYSTEM, Administrators and the user (osquery
 * extensions/impl_thrift.cpp:328-349), so no one else can add an instance; anyone can list a
 * pipe's name while it exists, though, so an account that read it could still take it in the
 * moment between two osqueryd runs.
 */
export function pipeSecret(dataDir: string): string {
  const file = path.join(dataDir, 'osquery', 'pipe-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(16).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: theirs is the one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/** osqueryd's extension socket and the supervisor's lock: named pipes on Windows, unix sockets elsewhere. */
function socketPaths(
  root: string,
  platform: NodeJS.Platform,
  secret: string,
  options: DaemonPathOptions,
): Pick<OsquerydPaths, 'socketPath' | 'supervisorLock'> {
  if (platform === 'win32') {
    const user = (options.user ?? safeUsername()).replace(/[^A-Za-z0-9_.-]/g, '_');
    const unguessable = createHash('sha256').update(secret).update(root).digest('hex').slice(0, 32);
    const pipe = (use: string) => `\\\\.\\pipe\\porchlight-${user}-${use}-${unguessable}`;
    return { socketPath: pipe('osquery'), supervisorLock: pipe('supervisor') };
  }
  const inRoot = { socketPath: path.posix.join(root, 'osquery.em'), supervisorLock: path.posix.join(root, 'supervisor.lock') };
  if (Object.values(inRoot).every((socket) => Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES)) return inRoot;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const short = path.posix.join(options.shortSocketBase ?? '/tmp', `porchlight-${uid}`, shortHash(root));
  return { socketPath: `${short}.em`, supervisorLock: `${short}.lock` };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'user';
  }
}

export class UnsafeSocketDirectoryError extends Error {
  override name = 'UnsafeSocketDirectoryError';
}

/**
 * Creates the instance's folders (0700) and the user-editable config and flag files if missing.
 * The socket's folder must be ours alone: a folder owned by someone else, or a symlink, is refused.
 */
export function prepareOsquerydPaths(paths: OsquerydPaths, platform: NodeJS.Platform = process.platform): void {
  makePrivateDir(paths.root, platform);
  makePrivateDir(paths.loggerPath, platform);
  if (!existsSync(paths.configPath)) writeFileSync(paths.configPath, '{}\n', { mode: 0o600 });
  if (!existsSync(paths.flagfile)) {
    writeFileSync(paths.flagfile, '# osqueryd flags added here are passed to Porchlight\'s osqueryd.\n', { mode: 0o600 });
  }
  if (platform !== 'win32') makePrivateDir(path.dirname(paths.socketPath), platform);
}

function makePrivateDir(dir: string, platform: NodeJS.Platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new UnsafeSocketDirectoryError(`${dir} is not a plain directory; remove it and try again.`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UnsafeSocketDirectoryError(`${dir} belongs to another user (uid ${stat.uid}); remove it and try again.`);
  }
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/**
 * osqueryd's command line for these paths. osquery's watchdog stays on.
 *
 * `--allow_unsafe` for the osqueryd that ships with Porchlight: osquery's watcher refuses to start
 * a worker from a binary that fails safePermissions (osquery 5.23.1 core/watcher.cpp:702-709). On
 * Windows that is any binary the user can write (filesystem/windows/fileops.cpp:905-1066,
 * lowPrivWriteDenied): the default per-user install in %LOCALAPPDATA%\Programs, or a checkout. On
 * macOS and Linux it is a binary owned by neither root nor the user (filesystem/posix/fileops.cpp:
 * 105-162): Porchlight.app dragged to /Applications by one account and opened by another on a
 * shared Mac. The check keeps an osqueryd from running code that another account could swap in.
 * Ours is launched by Porchlight's own executable, from the same install with the same owner and
 * permissions: whoever could replace it could replace Porchlight itself, so the check guards
 * nothing and would only stop osqueryd, and the supervisor would crash-loop into `failed`. A
 * per-machine install would pass on Windows, but it takes an administrator for every install and
 * update and still fails in a checkout and for a Mac's second account. A binary named with
 * --osqueryd or a system install keeps osquery's check, which is meaningful there.
 * The flag relaxes safePermissions wherever osquery uses it (filesystem/filesystem.cpp:578): the
 * watcher's check and extension autoloading (extensions/extensions.cpp:425), which reads only the
 * owner's own list (`--extensions_autoload`) instead of a corporate osquery's default one.
 *
 * Files are named relative to osqueryd's working directory, its instance folder (`paths.root`,
 * where the supervisor starts it). On Windows osquery's RocksDB opens its files with the ANSI API
 * (built with _MBCS: osquery libraries/cmake/source/rocksdb/CMakeLists.txt:411-440), which cannot
 * reach a folder such as C:\Users\José\AppData\Local\Porchlight. Nothing under a user profile is
 * surely ASCII; C:\ or %ProgramData% are, but their subfolders are open to every account; and 8.3
 * short names can be turned off per volume. A relative name is ASCII whatever the data dir is,
 * and Windows resolves it against the working directory, which it keeps in UTF-16. osquery never
 * changes its working directory: its one chdir is daemon(3) under --daemonize (core/init.cpp:
 * 486-491, Linux only), which Porchlight does not pass.
 */
export function osquerydArguments(paths: OsquerydPaths, source: BinarySource): string[] {
  const inRoot = (file: string) => {
    const relative = path.relative(paths.root, file);
    // "./osquery.db" rather than "osquery.db": osquery creates the database's parent folder first.
    return relative.startsWith('..') ? relative : `.${path.sep}${relative}`;
  };
  return [
    `--flagfile=${inRoot(paths.flagfile)}`,
    `--config_path=${inRoot(paths.configPath)}`,
    `--extensions_socket=${paths.socketPath}`,
    `--extensions_autoload=${inRoot(paths.extensionsAutoload)}`,
    `--pidfile=${inRoot(paths.pidfile)}`,
    `--database_path=${inRoot(paths.databasePath)}`,
    `--logger_path=${inRoot(paths.loggerPath)}`,
    '--disable_events=true',
    '--force',
    '--host_identifier=uuid',
    ...(shipsWithPorchlight(source) ? ['--allow_unsafe'] : []),
  ];
}
