import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makePrivateDir, pipeName, pipeSecret, unixSocketPaths, type SocketPathOptions } from '../paths/private-sockets.js';
import { shipsWithPorchlight, type BinarySource } from './binary.js';

export { MAX_SOCKET_PATH_BYTES, UnsafeSocketDirectoryError } from '../paths/private-sockets.js';

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

export type DaemonPathOptions = SocketPathOptions;

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

/** osqueryd's extension socket and the supervisor's lock: named pipes on Windows, unix sockets elsewhere. */
function socketPaths(
  root: string,
  platform: NodeJS.Platform,
  secret: string,
  options: DaemonPathOptions,
): Pick<OsquerydPaths, 'socketPath' | 'supervisorLock'> {
  if (platform === 'win32') {
    return { socketPath: pipeName('osquery', root, secret, options.user), supervisorLock: pipeName('supervisor', root, secret, options.user) };
  }
  return unixSocketPaths(root, { socketPath: 'osquery.em', supervisorLock: 'supervisor.lock' }, options);
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

/**
 * How osqueryd is given a file: relative to its working directory, the instance folder (see
 * osquerydArguments for why).
 */
export function pathForOsqueryd(paths: Pick<OsquerydPaths, 'root'>, file: string): string {
  const relative = path.relative(paths.root, file);
  // "./osquery.db" rather than "osquery.db": osquery creates the database's parent folder first.
  return relative.startsWith('..') ? relative : `.${path.sep}${relative}`;
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
export function osquerydArguments(paths: OsquerydPaths, source: BinarySource, augeasLenses?: string): string[] {
  const inRoot = (file: string) => pathForOsqueryd(paths, file);
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
    ...(augeasLenses ? [`--augeas_lenses=${augeasLenses}`] : []),
  ];
}
