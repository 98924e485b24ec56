/**
 * osquery's TLS plugins in the stand-in: enrollment, the tls config plugin, distributed queries,
 * the TLS logger and the scheduler whose results it sends, as osquery 5.23.1 does them (each step
 * names the source it follows). Like osquery, it looks at the JSON a server answers and not at
 * the HTTP status, and an empty endpoint flag makes it post to the server's root and fail there.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { OSQUERY_VERSION } from '../../src/core/osquery/schema.js';
import type { Platform } from '../../src/core/platform.js';
import type { LoadedConfig, ScheduleEntry } from './builtin-tables.js';
import { log, statusLog } from './glog.js';
import { StandinSqlError } from './sql-engine.js';

export interface TlsPluginsHost {
  platform: Platform;
  /** The flags as they are now; a config's options change them, as osquery's options parser does. */
  flags: Map<string, string>;
  /** What osquery_info and osquery_schedule report; changed here, then `changed()` is called. */
  config: LoadedConfig;
  query(sql: string): Record<string, string>[];
  changed(): void;
  /** osquery's --database_path, where the node key is kept. */
  databasePath: string | undefined;
  /** kPlatformType as osquery sends it at enrollment (osquery_info.platform_mask). */
  platformMask: number;
}

/** osquery's defaults for the flags read here, where they are defined. */
const DEFAULTS: Record<string, string> = {
  tls_hostname: '', // osquery/remote/transports/tls.cpp:28-31
  enroll_secret_path: '', // osquery/remote/enroll/enroll.cpp:39-42
  enroll_tls_endpoint: '', // plugins/remote/enroll/tls_enroll.cpp:48-51
  tls_enroll_max_attempts: '12', // tls_enroll.cpp:36-40
  tls_enroll_max_interval: '600', // tls_enroll.cpp:42-45
  tls_secret_always: 'false', // tls_enroll.cpp:54-57
  disable_reenrollment: 'false', // enroll.cpp:51-54
  config_plugin: 'filesystem', // osquery/config/config.cpp:77
  config_tls_endpoint: '', // plugins/config/tls_config.cpp:38-41
  config_tls_max_attempts: '3', // tls_config.cpp:32-35
  config_refresh: '0', // config.cpp:89-92
  config_accelerated_refresh: '300', // config.cpp:96-99
  distributed_plugin: 'tls', // osquery/distributed/distributed.cpp:34
  disable_distributed: 'true', // distributed.cpp:36-39
  distributed_loginfo: 'false', // distributed.cpp:41-44
  distributed_interval: '60', // osquery/dispatcher/distributed_runner.cpp:23-26
  distributed_tls_read_endpoint: '', // plugins/distributed/tls_distributed.cpp:31-34
  distributed_tls_write_endpoint: '', // tls_distributed.cpp:36-39
  distributed_tls_max_attempts: '3', // tls_distributed.cpp:41-44
  logger_plugin: 'filesystem', // osquery/logger/logger.cpp:49
  logger_tls_endpoint: '', // plugins/logger/tls_logger.cpp:37
  logger_tls_period: '4', // tls_logger.cpp:39-42
  logger_min_stderr: '0', // logger.cpp:64-67
  logger_stderr: 'true', // logger.cpp:70
  verbose: 'false', // logger.cpp:44
  pack_delimiter: '_', // osquery/config/packs.cpp:38
};

/** osquery's default --tls_server_certs, OSQUERY_CERTS_HOME "certs.pem" (tls.cpp:37-40; osquery/utils/config/default_paths.h). */
const DEFAULT_CERTS: Record<Platform, string> = {
  linux: '/opt/osquery/share/osquery/certs/certs.pem',
  darwin: '/var/osquery/certs/certs.pem',
  windows: '\\Program Files\\osquery\\certs\\certs.pem',
};

/** Flags a config may not change (CLI_FLAG in osquery): the options parser skips them with a warning. */
const CLI_ONLY = new Set([
  'tls_hostname',
  'tls_server_certs',
  'enroll_secret_path',
  'enroll_tls_endpoint',
  'tls_enroll_max_attempts',
  'tls_enroll_max_interval',
  'disable_reenrollment',
  'config_plugin',
  'config_tls_endpoint',
  'config_tls_max_attempts',
  'config_refresh',
  'config_accelerated_refresh',
  'logger_plugin',
  'logger_stderr',
  'database_path',
  'extensions_socket',
  'pidfile',
  'logger_path',
  'config_path',
  'flagfile',
  'host_identifier',
]);

/** glog's own switches the options parser applies at once (plugins/config/parsers/options.cpp:19-28, 101-106). */
const VERBOSE_OPTIONS = new Set(['verbose', 'logger_min_stderr', 'logger_stderr']);

/** Every flag the stand-in knows that a config may set. */
const CONFIG_SETTABLE = new Set([...Object.keys(DEFAULTS), 'schedule_splay_percent', 'logger_min_status', 'disable_events'].filter((name) => !CLI_ONLY.has(name)));

type Outcome = { ok: true; json: Record<string, unknown> } | { ok: false; error: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TlsPlugins {
  private stopped = false;
  private enrolling: Promise<string> | undefined;
  /** Result and snapshot lines waiting for the TLS logger. */
  private readonly results: string[] = [];
  private readonly previousResults = new Map<string, string[]>();
  private accelerateUntil = 0;

  constructor(private readonly host: TlsPluginsHost) {}

  /** Which plugins are on, from the flags (each enrolls as it needs a node key). */
  get active(): boolean {
    return this.configIsTls || this.loggerIsTls || this.distributedIsTls;
  }

  private get configIsTls(): boolean {
    return this.flag('config_plugin') === 'tls';
  }

  private get loggerIsTls(): boolean {
    return this.flag('logger_plugin').split(',').includes('tls');
  }

  private get distributedIsTls(): boolean {
    return this.flag('disable_distributed') !== 'true' && this.flag('distributed_plugin') === 'tls';
  }

  /**
   * osqueryd's order after its extension manager is up (osquery/core/init.cpp:705-764): the config
   * plugin loads (enrolling first if needed), then the logger, then the distributed runner and
   * the scheduler start (osquery/main/main.cpp).
   */
  async start(): Promise<void> {
    statusLog.hostIdentifier = this.hostIdentifier();
    if (this.configIsTls) {
      await this.loadConfig();
      void this.refreshConfigForever();
    }
    if (this.loggerIsTls) {
      statusLog.collecting = true;
      void this.forwardLogsForever();
    }
    if (this.distributedIsTls) void this.runDistributedForever();
    void this.runScheduleForever();
  }

  stop(): void {
    this.stopped = true;
  }

  private flag(name: string): string {
    if (name === 'tls_server_certs') return this.host.flags.get(name) ?? DEFAULT_CERTS[this.host.platform];
    return this.host.flags.get(name) ?? DEFAULTS[name] ?? '';
  }

  private number(name: string): number {
    return Number(this.flag(name));
  }

  // ---- enrollment (osquery/remote/enroll/enroll.cpp, plugins/remote/enroll/tls_enroll.cpp) ----

  private get nodeKeyFile(): string | undefined {
    return this.host.databasePath ? path.join(this.host.databasePath, 'standin-persistent-settings.json') : undefined;
  }

  /** getNodeKey (enroll.cpp:81-105): the cached key, else one enrollment at a time. */
  private getNodeKey(): Promise<string> {
    const cached = this.readSettings().nodeKey;
    if (cached) return Promise.resolve(cached);
    this.enrolling ??= this.enroll()
      .then((key) => {
        if (key) this.writeSettings({ nodeKey: key, nodeKeyTime: String(Math.floor(Date.now() / 1000)) });
        return key;
      })
      .finally(() => (this.enrolling = undefined));
    return this.enrolling;
  }

  /** clearNodeKey (enroll.cpp:76-79). */
  private clearNodeKey(): void {
    const file = this.nodeKeyFile;
    if (file) rmSync(file, { force: true });
  }

  private readSettings(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.nodeKeyFile ?? '', 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private writeSettings(settings: Record<string, string>): void {
    const file = this.nodeKeyFile;
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(settings), { mode: 0o600 });
  }

  /** TLSEnrollPlugin::enroll (tls_enroll.cpp:67-122): retries with growing pauses, a warning for each failure but the last. */
  private async enroll(): Promise<string> {
    let uri = `https://${this.flag('tls_hostname')}${this.flag('enroll_tls_endpoint')}`;
    if (this.flag('tls_secret_always') === 'true') uri += `${uri.includes('?') ? '&' : '?'}enroll_secret=${this.enrollSecret()}`;
    const maxAttempts = this.number('tls_enroll_max_attempts');
    const maxInterval = this.number('tls_enroll_max_interval');
    let attempt = 1;
    let step = 1;
    while (!this.stopped && (maxAttempts === 0 || attempt <= maxAttempts)) {
      const outcome = await this.requestKey(uri);
      if (outcome.ok) return outcome.key;
      if (attempt === maxAttempts) break;
      if (maxAttempts > 0) attempt++;
      log('W', 'tls_enroll.cpp:101', `Failed enrollment request to ${uri} (${outcome.error}) retrying...`);
      const interval = Math.min(step * step, maxInterval);
      if (interval < maxInterval) step++;
      await sleep(interval * 1000);
    }
    return '';
  }

  /** tls_enroll.cpp:124-166: the secret, host identifier, platform and host details; the key from "node_key" or "id". */
  private async requestKey(uri: string): Promise<{ ok: true; key: string } | { ok: false; error: string }> {
    const details: Record<string, Record<string, string>> = {};
    for (const table of ['os_version', 'osquery_info', 'system_info', 'platform_info']) {
      const [row] = this.safeQuery(`SELECT * FROM ${table}`);
      if (row) details[table] = row;
    }
    const outcome = await this.post(uri, {
      enroll_secret: this.enrollSecret(),
      host_identifier: this.hostIdentifier(),
      platform_type: String(this.host.platformMask),
      host_details: details,
    });
    if (!outcome.ok) return outcome;
    const key = outcome.json.node_key ?? outcome.json.id;
    if (typeof key !== 'string' || key === '') return { ok: false, error: 'No node key returned from TLS enroll plugin' };
    return { ok: true, key };
  }

  /** getEnrollSecret (enroll.cpp:107-133): the file, trimmed; "" with a warning when it cannot be read. */
  private enrollSecret(): string {
    const file = this.flag('enroll_secret_path');
    if (!file) return '';
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      log('W', 'enroll.cpp:114', `Could not read the enroll secret file at ${file}, error: ${(error as Error).message}`);
      return '';
    }
  }

  /** --host_identifier=uuid: the machine's UUID (osquery/core/system.cpp). */
  private hostIdentifier(): string {
    return this.safeQuery('SELECT uuid FROM osquery_info')[0]?.uuid ?? '';
  }

  // ---- requests (osquery/remote/transports/tls.cpp, osquery/remote/utility.h) ----

  /** TLSRequestHelper::makeURI (utility.h:53-71). */
  private uri(endpointFlag: string): string {
    return `https://${this.flag('tls_hostname')}${this.flag(endpointFlag)}`;
  }

  /** TLSRequestHelper::go (utility.h:84-189): the node key in the body and header; node_invalid clears it. */
  private async go(uri: string, params: Record<string, unknown>): Promise<Outcome> {
    const nodeKey = await this.getNodeKey();
    const outcome = await this.post(uri, { ...params, node_key: nodeKey }, nodeKey);
    if (!outcome.ok) return outcome;
    const { json } = outcome;
    if (json.node_invalid === true) {
      if (this.flag('disable_reenrollment') !== 'true') this.clearNodeKey();
      return { ok: false, error: `Request failed: Invalid node key${'error' in json ? `: ${String(json.error)}` : ''}` };
    }
    if ('error' in json) return { ok: false, error: `Request failed: ${typeof json.error === 'string' ? json.error : '<unknown>'}` };
    return outcome;
  }

  /** go() with attempts and i² second pauses (utility.h:256-299); failures are verbose-only lines. */
  private async goWithAttempts(uri: string, params: Record<string, unknown>, attempts: number): Promise<Outcome> {
    let outcome: Outcome = { ok: false, error: 'not attempted' };
    for (let i = 1; i <= attempts && !this.stopped; i++) {
      outcome = await this.go(uri, params);
      if (outcome.ok) return outcome;
      if (this.flag('verbose') === 'true') {
        log('I', 'utility.h:287', `HTTP(S) request failed: ${outcome.error}${i === attempts ? `, done retrying after ${i} times` : `, retrying in ${i * i} seconds...`}`);
      }
      if (i < attempts) await sleep(i * i * 1000);
    }
    return outcome;
  }

  /**
   * One POST as osquery's TLS transport makes it (tls.cpp:97-107, 255-304): JSON, the node key as
   * "Authorization: NodeKey …", the server's certificate checked against --tls_server_certs only
   * (http_client.cpp:226-240; no file, no trust), TLS 1.2 or newer, a 16 s timeout (tls.cpp:112).
   * The answer's body is what counts; an empty one is an empty object (serializers/json.cpp:20-28).
   */
  private post(uri: string, body: unknown, nodeKey?: string): Promise<Outcome> {
    // osquery's own URI parser: "https:///path" has an empty host, which its client refuses
    // (osquery/remote/uri.cpp:27-60; osquery/remote/http_client.h:385-388, http_client.cpp:399-402).
    const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(uri)?.[1] ?? '';
    if (authority.replace(/:\d*$/, '') === '') return Promise.resolve({ ok: false, error: 'Request error: Remote hostname missing' });
    const url = new URL(uri);
    const certsFile = this.flag('tls_server_certs');
    let ca: string[] = [];
    try {
      ca = [readFileSync(certsFile, 'utf8')];
    } catch {
      log('W', 'tls.cpp:116', `Cannot read TLS server certificate(s): ${certsFile}`);
    }
    const payload = JSON.stringify(body);
    const port = url.port || '443';
    return new Promise((resolve) => {
      const request = https.request(
        url,
        {
          method: 'POST',
          ca,
          minVersion: 'TLSv1.2',
          agent: false,
          timeout: 16_000,
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'User-Agent': `osquery/${OSQUERY_VERSION}`,
            ...(nodeKey ? { Authorization: `NodeKey ${nodeKey}` } : {}),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            if (text === '') return resolve({ ok: true, json: {} });
            try {
              const json: unknown = JSON.parse(text);
              resolve({ ok: true, json: json && typeof json === 'object' ? (json as Record<string, unknown>) : {} });
            } catch {
              resolve({ ok: false, error: 'Cannot parse JSON: Invalid value. Offset: 0' });
            }
          });
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: `Request error: ${transportError(error, url.hostname, port)}` }));
      request.end(payload);
    });
  }

  // ---- config (plugins/config/tls_config.cpp, osquery/config/config.cpp) ----

  /** Config::refresh (config.cpp:535-583): valid once a config came; options, schedule and packs applied. */
  private async loadConfig(): Promise<boolean> {
    const outcome = await this.goWithAttempts(this.uri('config_tls_endpoint'), {}, this.number('config_tls_max_attempts'));
    if (!outcome.ok) return false;
    this.applyConfig(outcome.json);
    return true;
  }

  /** ConfigRefreshRunner (config.cpp:1326-1340): every config_refresh seconds; after a failure, config_accelerated_refresh. */
  private async refreshConfigForever(): Promise<void> {
    let wait = this.number('config_refresh');
    while (!this.stopped && wait > 0) {
      await sleep(wait * 1000);
      if (this.stopped) return;
      const ok = await this.loadConfig();
      wait = ok ? this.number('config_refresh') : this.number('config_accelerated_refresh');
    }
  }

  private applyConfig(config: Record<string, unknown>): void {
    const text = JSON.stringify(config);
    // Config::hashSource then genHash: SHA-1 over each source's SHA-1 (config.cpp:1199-1234).
    const sourceHash = createHash('sha1').update(text).digest('hex');
    this.host.config.hash = createHash('sha1').update(sourceHash).digest('hex');
    this.host.config.valid = true;
    this.applyOptions(config.options);
    this.applySchedule(config);
    this.host.changed();
  }

  /** OptionsConfigParserPlugin::update (plugins/config/parsers/options.cpp:36-110). */
  private applyOptions(options: unknown): void {
    if (!options || typeof options !== 'object') return;
    for (const [name, raw] of Object.entries(options as Record<string, unknown>)) {
      const value = typeof raw === 'string' ? raw : typeof raw === 'boolean' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
      if (!name || value === '') continue;
      if (CLI_ONLY.has(name)) {
        log('W', 'options.cpp:94', `The CLI only flag --${name} set via config file will be ignored, please use a flagfile or pass it to the process at startup`);
        continue;
      }
      if (!CONFIG_SETTABLE.has(name) && !name.startsWith('custom_')) {
        log('W', 'options.cpp:89', `Cannot set unknown or invalid flag: ${name}`);
        continue;
      }
      this.host.flags.set(name, value);
      if (VERBOSE_OPTIONS.has(name)) applyStderrThreshold(this.host.flags);
    }
  }

  /** The schedule and packs; a pack's queries are named "pack" + delimiter + pack + delimiter + name (config.cpp:473-480). */
  private applySchedule(config: Record<string, unknown>): void {
    const entries: { name: string; query: string; interval: number }[] = [];
    const add = (name: string, query: Record<string, unknown>) => {
      if (typeof query.query !== 'string' || !runsHere(query.platform, this.host.platform)) return;
      entries.push({ name, query: query.query, interval: Number(query.interval ?? 3600) });
    };
    for (const [name, query] of Object.entries((config.schedule ?? {}) as Record<string, Record<string, unknown>>)) add(name, query);
    const delimiter = this.flag('pack_delimiter');
    for (const [pack, content] of Object.entries((config.packs ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!content || typeof content !== 'object' || !runsHere(content.platform, this.host.platform)) continue;
      for (const [name, query] of Object.entries((content.queries ?? {}) as Record<string, Record<string, unknown>>)) {
        add(`pack${delimiter}${pack}${delimiter}${name}`, query);
      }
    }
    const before = new Map(this.host.config.schedule.map((entry) => [entry.name, entry]));
    this.host.config.schedule = entries.map((entry): ScheduleEntry => {
      const kept = before.get(entry.name);
      return kept && kept.query === entry.query ? { ...kept, interval: entry.interval } : { ...entry, executions: 0, lastExecuted: 0, outputSize: 0 };
    });
  }

  // ---- distributed (osquery/distributed/distributed.cpp, osquery/dispatcher/distributed_runner.cpp) ----

  /** DistributedRunner::start (distributed_runner.cpp:33-52). */
  private async runDistributedForever(): Promise<void> {
    while (!this.stopped) {
      await this.pullAndRun();
      const accelerated = Date.now() < this.accelerateUntil;
      await sleep((accelerated ? 5 : Math.max(1, this.number('distributed_interval'))) * 1000);
    }
  }

  private async pullAndRun(): Promise<void> {
    // getQueries posts {node_key} (tls_distributed.cpp:67-72).
    const outcome = await this.goWithAttempts(this.uri('distributed_tls_read_endpoint'), {}, this.number('distributed_tls_max_attempts'));
    if (!outcome.ok) return;
    const work = this.acceptWork(outcome.json);
    if (work.length === 0) return;
    const queries: Record<string, Record<string, string>[] | string> = {};
    const statuses: Record<string, number> = {};
    const messages: Record<string, string> = {};
    for (const { id, sql } of work) {
      // distributed.cpp:172-178.
      if (this.flag('verbose') === 'true') log('I', 'distributed.cpp:173', `Executing distributed query: ${id}: ${sql}`);
      else if (this.flag('distributed_loginfo') === 'true') log('I', 'distributed.cpp:176', `Executing distributed query: ${id}: ${sql}`);
      try {
        queries[id] = this.host.query(sql);
        statuses[id] = 0;
        messages[id] = '';
      } catch (error) {
        if (!(error instanceof StandinSqlError)) throw error;
        log('E', 'distributed.cpp:187', `Error executing distributed query: ${id}: ${error.message}`);
        queries[id] = '';
        statuses[id] = 1;
        messages[id] = error.message;
      }
    }
    // serializeResults (distributed.cpp:107-148), written with the same attempts (tls_distributed.cpp:74-86).
    await this.goWithAttempts(this.uri('distributed_tls_write_endpoint'), { queries, statuses, messages, stats: {} }, this.number('distributed_tls_max_attempts'));
  }

  /** acceptWork (distributed.cpp:290-364): discovery first, then the queries whose discovery found rows. */
  private acceptWork(json: Record<string, unknown>): { id: string; sql: string }[] {
    const discovered = new Map<string, boolean>();
    for (const [name, sql] of Object.entries((json.discovery ?? {}) as Record<string, unknown>)) {
      if (typeof sql !== 'string' || !sql) return [];
      try {
        discovered.set(name, this.host.query(sql).length > 0);
      } catch {
        return [];
      }
    }
    const work: { id: string; sql: string }[] = [];
    for (const [id, sql] of Object.entries((json.queries ?? {}) as Record<string, unknown>)) {
      if (typeof sql !== 'string' || !sql || !id) return [];
      if (discovered.get(id) !== false) work.push({ id, sql });
    }
    if (typeof json.accelerate === 'number' && Number.isInteger(json.accelerate)) {
      log('I', 'distributed.cpp:352', `Accelerating distributed query checkins for ${json.accelerate} seconds`);
      this.accelerateUntil = Date.now() + json.accelerate * 1000;
    }
    return work;
  }

  // ---- scheduler and TLS logger (osquery/dispatcher/scheduler.cpp, plugins/logger/tls_logger.cpp) ----

  /** A query runs when the seconds since the scheduler began are a multiple of its interval (scheduler.cpp). */
  private async runScheduleForever(): Promise<void> {
    for (let second = 1; !this.stopped; second++) {
      await sleep(1000);
      for (const entry of this.host.config.schedule) {
        if (entry.interval > 0 && second % entry.interval === 0) this.runScheduled(entry);
      }
    }
  }

  /** Differential results: rows added and removed since the query's last run, one log line each. */
  private runScheduled(entry: ScheduleEntry): void {
    let rows: Record<string, string>[];
    try {
      rows = this.host.query(entry.query);
    } catch {
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const current = rows.map((row) => JSON.stringify(row));
    const previous = this.previousResults.get(entry.name) ?? [];
    const line = (action: 'added' | 'removed', row: string) =>
      JSON.stringify({ name: entry.name, hostIdentifier: statusLog.hostIdentifier, calendarTime: new Date().toUTCString(), unixTime: now, epoch: 0, counter: entry.executions, numerics: false, columns: JSON.parse(row) as unknown, action });
    for (const row of current) if (!previous.includes(row)) this.results.push(line('added', row));
    for (const row of previous) if (!current.includes(row)) this.results.push(line('removed', row));
    this.previousResults.set(entry.name, current);
    entry.executions++;
    entry.lastExecuted = now;
    entry.outputSize += current.join('').length;
    this.host.changed();
  }

  /** TLSLogForwarder::send every logger_tls_period seconds (tls_logger.cpp:122-164); lines kept when it fails. */
  private async forwardLogsForever(): Promise<void> {
    while (!this.stopped) {
      await sleep(Math.max(1, this.number('logger_tls_period')) * 1000);
      const status = statusLog.take();
      const results = this.results.splice(0);
      if (status.length > 0 && !(await this.send('status', status))) statusLog.requeue(status);
      if (results.length > 0 && !(await this.send('result', results.map((line) => JSON.parse(line) as unknown)))) this.results.unshift(...results);
    }
  }

  private async send(type: 'status' | 'result', data: unknown[]): Promise<boolean> {
    const outcome = await this.go(this.uri('logger_tls_endpoint'), { log_type: type, data });
    return outcome.ok;
  }

  private safeQuery(sql: string): Record<string, string>[] {
    try {
      return this.host.query(sql);
    } catch {
      return [];
    }
  }
}

/** setVerboseLevel (osquery/logger/logger.cpp:214-239). */
export function applyStderrThreshold(flags: Map<string, string>): void {
  statusLog.stderrThreshold = flags.get('logger_stderr') === 'false' ? 3 : Number(flags.get('logger_min_stderr') ?? 0);
}

function runsHere(platform: unknown, here: Platform): boolean {
  if (typeof platform !== 'string' || platform === '' || platform === 'all' || platform === 'any') return true;
  const names = platform.split(',').map((name) => name.trim());
  return names.includes(here) || (here !== 'windows' && names.includes('posix'));
}

/**
 * The words osquery's HTTP client gives (osquery/remote/http_client.cpp:161-167 for a refused
 * connection; OpenSSL's "certificate verify failed" when the chain or the host name is not
 * trusted, as osqueryd logs it: fleetdm/fleet#4923).
 */
function transportError(error: NodeJS.ErrnoException, hostname: string, port: string): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return `Failed to connect to ${hostname}:${port}: Connection refused`;
  if (code === 'ETIMEDOUT') return 'Connection timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Failed to connect to ${hostname}:${port}: Host not found (authoritative)`;
  if (code === 'ECONNRESET') return 'stream truncated';
  if (/CERT|SIGNATURE|ALTNAME|ISSUER/.test(code)) return 'certificate verify failed';
  return error.message;
}
