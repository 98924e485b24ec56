import { readFileSync } from 'node:fs';

const BOOLEAN_FLAGS = new Set([
  'disable_events',
  'force',
  'disable_watchdog',
  'allow_unsafe',
  'verbose',
  'disable_extensions',
  'logger_stderr',
  'version',
  'help',
  'tls_secret_always',
  'disable_distributed',
  'distributed_loginfo',
  'disable_reenrollment',
  'disable_enrollment',
  'enroll_always',
]);
/** Flags osqueryd accepts from the stand-in's callers; anything else is refused like osqueryd does. */
const KNOWN_FLAGS = new Set([
  ...BOOLEAN_FLAGS,
  'extensions_socket',
  'augeas_lenses',
  'extensions_autoload',
  'pidfile',
  'database_path',
  'logger_path',
  'config_path',
  'flagfile',
  'host_identifier',
  'watchdog_level',
  'logger_plugin',
  'config_plugin',
  'extensions_timeout',
  'extensions_interval',
  'logger_min_stderr',
  // osquery's remote (TLS) plugins: test/standin/tls-plugins.ts.
  'tls_hostname',
  'tls_server_certs',
  'enroll_secret_path',
  'enroll_tls_endpoint',
  'tls_enroll_max_attempts',
  'tls_enroll_max_interval',
  'config_tls_endpoint',
  'config_tls_max_attempts',
  'config_refresh',
  'config_accelerated_refresh',
  'distributed_plugin',
  'distributed_interval',
  'distributed_tls_read_endpoint',
  'distributed_tls_write_endpoint',
  'distributed_tls_max_attempts',
  'logger_tls_endpoint',
  'logger_tls_period',
  'pack_delimiter',
]);

export class UnknownFlagError extends Error {}

/** Parses gflags-style arguments (`--a=b`, `--a b`, `--flag`, `-a`), following `--flagfile`. */
export function parseGflags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (!token.startsWith('-')) continue;
    const body = token.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq >= 0 ? body.slice(0, eq) : body;
    let value: string;
    if (eq >= 0) {
      value = body.slice(eq + 1);
    } else if (name.startsWith('no') && BOOLEAN_FLAGS.has(name.slice(2))) {
      name = name.slice(2);
      value = 'false';
    } else if (BOOLEAN_FLAGS.has(name)) {
      value = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UnknownFlagError(`flag '${name}' is missing its argument`);
      value = next;
      i++;
    }
    if (!KNOWN_FLAGS.has(name)) throw new UnknownFlagError(`unknown command line flag '${name}'`);
    flags.set(name, value);
    if (name === 'flagfile') {
      const lines = readFileSync(value, 'utf8')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
      for (const [key, fileValue] of parseGflags(lines)) if (!flags.has(key)) flags.set(key, fileValue);
    }
  }
  return flags;
}

export function flagIsTrue(flags: Map<string, string>, name: string): boolean {
  const value = flags.get(name);
  return value === 'true' || value === '1';
}
