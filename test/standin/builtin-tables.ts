import os from 'node:os';
import { OSQUERY_VERSION, osqueryTablesFor } from '../../src/core/osquery/schema.js';
import type { Platform } from '../../src/core/platform.js';
import type { BuiltinRows, Fixture } from './sql-engine.js';

export interface StandinSelf {
  platform: Platform;
  pid: number;
  parentPid: number;
  /** The flags as they are now (the command line's, changed by a config's options), as osquery_flags lists them. */
  flags: Map<string, string>;
  socketPath: string;
  /** What the config plugin has loaded; read again whenever the engine reloads. */
  config?: LoadedConfig;
}

/** The configuration osqueryd runs with, as osquery_info and osquery_schedule report it. */
export interface LoadedConfig {
  /** osquery_info.config_hash: "" until a config loaded (osquery/tables/utility/osquery.cpp:208-211). */
  hash: string;
  valid: boolean;
  schedule: ScheduleEntry[];
}

/** A scheduled query and its performance, as osquery_schedule lists it (osquery.cpp:234-279). */
export interface ScheduleEntry {
  name: string;
  query: string;
  interval: number;
  executions: number;
  lastExecuted: number;
  outputSize: number;
}

/**
 * What osqueryd says about itself whatever the machine: its info, registry, flags and extensions
 * (defaults a fixture may replace), and its own process and extension socket, which osquery lists
 * like any other (added to the fixture's rows). The process runs as the fixture's `osqueryd.uid`,
 * since a recorded laptop's user is not the one running the tests.
 */
export function builtinRows(self: StandinSelf): (fixture: Fixture) => BuiltinRows {
  return (fixture) => {
    const uid = fixture.osqueryd?.uid ?? process.getuid?.() ?? -1;
    const gid = fixture.osqueryd?.gid ?? process.getgid?.() ?? -1;
    const name = self.platform === 'windows' ? 'osqueryd.exe' : 'osqueryd';
    return {
      defaults: {
        osquery_info: [
          {
            pid: self.pid,
            uuid: '4C4C4544-0000-0000-0000-000000000000',
            instance_id: 'standin-instance',
            version: OSQUERY_VERSION,
            config_hash: self.config?.hash ?? '',
            config_valid: self.config?.valid === false ? 0 : 1,
            extensions: 'active',
            build_platform: self.platform,
            build_distro: 'standin',
            start_time: Math.floor(Date.now() / 1000),
            watcher: -1,
            platform_mask: 9,
          },
        ],
        osquery_registry: osqueryTablesFor(self.platform).map((table) => ({
          registry: 'table',
          name: table.name,
          owner_uuid: 0,
          internal: 0,
          active: 1,
        })),
        osquery_flags: [...self.flags].map(([flag, value]) => ({
          name: flag,
          type: 'string',
          description: '',
          default_value: '',
          value,
          shell_only: 0,
        })),
        osquery_schedule: (self.config?.schedule ?? []).map((entry) => ({
          name: entry.name,
          query: entry.query,
          interval: entry.interval,
          executions: entry.executions,
          last_executed: entry.lastExecuted,
          denylisted: 0,
          output_size: entry.outputSize,
          wall_time: 0,
          wall_time_ms: 0,
          last_wall_time_ms: 0,
          user_time: 0,
          last_user_time: 0,
          system_time: 0,
          last_system_time: 0,
          average_memory: 0,
          last_memory: 0,
        })),
        osquery_extensions: [{ uuid: 0, name: 'core', version: OSQUERY_VERSION, sdk_version: '0.0.0', path: self.socketPath, type: 'core' }],
        system_info: [{ hostname: os.hostname(), computer_name: os.hostname(), cpu_brand: 'stand-in' }],
      },
      own: {
        processes: [{ pid: self.pid, name, path: process.argv[1] ?? '', cmdline: process.argv.join(' '), uid, gid, euid: uid, egid: gid, parent: self.parentPid, state: 'S' }],
        // The extension manager's socket; on Windows it is a named pipe, which process_open_sockets does not list.
        process_open_sockets:
          self.platform === 'windows'
            ? []
            : [{ pid: self.pid, fd: 5, socket: 0, family: 1, protocol: 0, local_address: '', remote_address: '', local_port: 0, remote_port: 0, path: self.socketPath, state: '' }],
      },
    };
  };
}
