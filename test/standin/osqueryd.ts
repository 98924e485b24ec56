#!/usr/bin/env node
/**
 * A stand-in for osqueryd, for tests and the demo: same command line, same extension socket and
 * Thrift API, SQL answered by SQLite over osquery's schema filled from a scenario fixture.
 *
 * Environment: STANDIN_FIXTURE (JSON scenario), STANDIN_PLATFORM (darwin|linux|windows),
 * STANDIN_FAULT (see faults.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OSQUERY_VERSION, osqueryPlatformOf } from '../../src/core/osquery/schema.js';
import { builtinRows, type LoadedConfig } from './builtin-tables.js';
import type { Platform } from '../../src/core/platform.js';
import { createExtensionManagerServer } from './extension-manager-server.js';
import { parseFaults } from './faults.js';
import { killHolder, pidfileHolder } from './pidfile.js';
import { safePermissions } from './safe-permissions.js';
import { log } from './glog.js';
import { flagIsTrue, parseGflags, UnknownFlagError } from './gflags.js';
import { StandinSqlEngine } from './sql-engine.js';
import { applyStderrThreshold, TlsPlugins } from './tls-plugins.js';

const MAX_UNIX_SOCKET_PATH = 103;

function main(): void {
  let flags: Map<string, string>;
  try {
    flags = parseGflags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UnknownFlagError)) throw error;
    process.stderr.write(`ERROR: ${error.message}\n`);
    process.exit(1);
  }
  if (flagIsTrue(flags, 'version')) {
    process.stdout.write(`osqueryd version ${OSQUERY_VERSION}\n`);
    return;
  }

  const faults = parseFaults(process.env.STANDIN_FAULT);
  if (faults.crashAtStart) {
    log('E', 'init.cpp:420', 'stand-in fault: crashing at start');
    process.exit(78);
  }

  const platform = (process.env.STANDIN_PLATFORM ?? osqueryPlatformOf(process.platform) ?? 'linux') as Platform;
  const pidfile = flags.get('pidfile');
  const holder = pidfile ? pidfileHolder(pidfile) : undefined;
  if (holder !== undefined) {
    if (!flagIsTrue(flags, 'force')) {
      log('E', 'init.cpp:520', 'osqueryd Pidfile check failed: Busy');
      process.exit(1);
    }
    killHolder(holder);
    log('E', 'init.cpp:463', `Killing osqueryd process: ${holder} (succeeded)`);
  }
  if (pidfile) writeFileSync(pidfile, `${process.pid}\n`, { mode: 0o600 });
  const endBeforeStarting = (code: number) => {
    if (pidfile) rmSync(pidfile, { force: true });
    process.exit(code);
  };
  // The watcher checks its own binary before it starts a worker, and ends when it is unsafe
  // (watcher.cpp:677-709; the message is logged by requestShutdown, shutdown.cpp:80).
  const binary = realpathSync(process.argv[1] ?? '');
  if (!flagIsTrue(flags, 'disable_watchdog') && !flagIsTrue(flags, 'allow_unsafe') && !safePermissions(path.dirname(binary), binary)) {
    log('E', 'shutdown.cpp:80', `[Ref #1382] osqueryd has unsafe permissions: ${binary}`);
    endBeforeStarting(1);
  }
  const databasePath = flags.get('database_path');
  if (databasePath && platform === 'windows' && !/^[\x20-\x7e]*$/.test(databasePath)) {
    // osquery's RocksDB on Windows opens files with the ANSI API (src/core/osquery/daemon-paths.ts):
    // the UTF-8 path reaches it mangled, the worker cannot open its database and ends, and the
    // watcher follows (core/init.cpp:685-690, core/watcher.cpp:284-287). The message is RocksDB's form.
    const mangled = Buffer.from(path.resolve(databasePath), 'utf8').toString('latin1');
    log('E', 'shutdown.cpp:80', `IO error: Failed to create dir: ${mangled}: The system cannot find the path specified.`);
    log('E', 'shutdown.cpp:80', 'Worker returned exit status');
    endBeforeStarting(78);
  }
  if (databasePath) mkdirSync(databasePath, { recursive: true, mode: 0o700 });

  const socketPath = flags.get('extensions_socket') ?? '/var/osquery/osquery.em';
  applyStderrThreshold(flags);
  const config = initialConfig(flags);
  const engine = new StandinSqlEngine(
    platform,
    process.env.STANDIN_FIXTURE,
    builtinRows({ platform, pid: process.pid, parentPid: process.ppid, flags, socketPath, config }),
  );
  log('I', 'init.cpp:399', `osquery initialized [version=${OSQUERY_VERSION}]`);

  const cleanUp = () => {
    if (pidfile && existsSync(pidfile) && readFileSync(pidfile, 'utf8').trim() === String(process.pid)) rmSync(pidfile);
    rmSync(socketPath, { force: true });
  };
  const shutDown = () => {
    log('I', 'shutdown.cpp:80', 'osqueryd is shutting down');
    cleanUp();
    process.exit(0);
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);

  if (faults.dieAfterMs !== undefined) {
    setTimeout(() => {
      log('E', 'watcher.cpp:312', 'stand-in fault: dying');
      process.exit(70);
    }, faults.dieAfterMs);
  }

  // osqueryd keeps running without its extension manager when it cannot make the socket.
  const cannotListen = socketProblem(socketPath);
  if (faults.noSocket || cannotListen) {
    if (cannotListen) log('W', 'interface.cpp:283', cannotListen);
    setInterval(() => undefined, 1 << 30);
    return;
  }

  const server = createExtensionManagerServer({
    engine,
    faults,
    options: Object.fromEntries(flags),
    onQuery: (count) => {
      if (faults.crashAfterQueries !== undefined && count > faults.crashAfterQueries) {
        log('E', 'watcher.cpp:312', `stand-in fault: crashing on query ${count}`);
        process.exit(139);
      }
    },
  });
  rmSync(socketPath, { force: true });
  log('I', 'interface.cpp:299', `Extension manager service starting: ${socketPath}`);
  server.listen(socketPath);

  // The extension manager answers before the config plugin loads (osquery/core/init.cpp:705-756),
  // so queries work while osqueryd enrolls or its server does not answer.
  const tls = new TlsPlugins({
    platform,
    flags,
    config,
    query: (sql) => engine.query(sql),
    changed: () => engine.invalidate(),
    databasePath,
    platformMask: PLATFORM_MASK[platform],
  });
  if (tls.active) void tls.start();
}

/** kPlatformType as osquery_info.platform_mask reports it (osquery/utils/info/platform_type.h). */
const PLATFORM_MASK: Record<Platform, number> = { linux: 9, darwin: 21, windows: 2 };

/**
 * The config osqueryd starts with: the filesystem plugin reads --config_path at start (valid, its
 * hash that of the file); the tls plugin has none until the server answers.
 */
function initialConfig(flags: Map<string, string>): LoadedConfig {
  if (flags.get('config_plugin') === 'tls') return { hash: '', valid: false, schedule: [] };
  const file = flags.get('config_path');
  const text = file && existsSync(file) ? readFileSync(file, 'utf8') : '';
  const sourceHash = createHash('sha1').update(text).digest('hex');
  return { hash: createHash('sha1').update(sourceHash).digest('hex'), valid: true, schedule: [] };
}

function socketProblem(socketPath: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  if (Buffer.byteLength(socketPath) > MAX_UNIX_SOCKET_PATH) {
    return `Extensions disabled: cannot start extension manager (${socketPath}) (Unix Domain socket path too long)`;
  }
  const dir = path.dirname(socketPath);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return `Extension socket directory missing: ${socketPath}`;
  return undefined;
}

main();
