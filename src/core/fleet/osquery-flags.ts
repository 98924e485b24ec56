import { pathForOsqueryd, type OsquerydPaths } from '../osquery/daemon-paths.js';
import { fleetFiles, readEnrollment, type FleetEnrollment } from './enrollment.js';

/** Fleet's osquery endpoints (fleet server/service/handler.go: the /api/v1/osquery/... alternative paths). */
export const FLEET_ENDPOINTS = {
  enroll: '/api/v1/osquery/enroll',
  config: '/api/v1/osquery/config',
  distributedRead: '/api/v1/osquery/distributed/read',
  distributedWrite: '/api/v1/osquery/distributed/write',
  log: '/api/v1/osquery/log',
} as const;

/** How often osqueryd talks to Fleet unless Fleet's agent options say otherwise (seconds). */
export const FLEET_INTERVALS = { configRefresh: 60, distributed: 10, loggerPeriod: 10 } as const;

/** The two files osqueryd reads, named as osqueryd is given them (relative to its working directory). */
export interface FleetFlagFiles {
  secret: string;
  serverCerts: string;
}

/**
 * osqueryd's flags for an enrolled data dir, every one set explicitly: each *_tls_endpoint
 * defaults to "" in osquery, and an empty endpoint makes osquery post to the server's root and
 * fail. These come after Porchlight's own flags and the owner's flagfile, so they win (gflags
 * keeps the last value). Not enrolled: none of these is passed, and osqueryd keeps its defaults
 * (config_plugin=filesystem, logger_plugin=filesystem, disable_distributed=true), so it talks to
 * no server. `--host_identifier=uuid` is among Porchlight's own flags already (daemon-paths.ts).
 *
 * References are osquery 5.23.1's source.
 */
export function fleetOsqueryFlags(enrollment: FleetEnrollment, files: FleetFlagFiles): string[] {
  const endpoint = (path: string) => `${enrollment.server.pathPrefix}${path}`;
  return [
    // Where every TLS plugin sends its requests: "https://" + tls_hostname + endpoint
    // (osquery/remote/transports/tls.cpp:28-31; plugins/remote/enroll/tls_enroll.cpp:74;
    // osquery/remote/utility.h:53-63). Default "".
    `--tls_hostname=${enrollment.server.hostname}`,
    // The certificates the server's is checked against; default OSQUERY_CERTS_HOME/certs.pem
    // (tls.cpp:37-40), which Porchlight's osqueryd may not have (trust.ts).
    `--tls_server_certs=${files.serverCerts}`,
    // The enroll secret, read and trimmed at each enrollment (osquery/remote/enroll/enroll.cpp:39-42,
    // 107-133). Default "".
    `--enroll_secret_path=${files.secret}`,
    // Default "" (tls_enroll.cpp:48-51): enrollment would post to the server's root.
    `--enroll_tls_endpoint=${endpoint(FLEET_ENDPOINTS.enroll)}`,
    // Left off: the secret would be added to every URL (tls_enroll.cpp:54-57, 75-78), and osquery
    // prints the enroll URL in its warnings (tls_enroll.cpp:101-102).
    '--tls_secret_always=false',
    // The configuration comes from Fleet (osquery/config/config.cpp:77; default "filesystem"), from
    // this endpoint (plugins/config/tls_config.cpp:38-41; default ""), fetched again every
    // config_refresh seconds (config.cpp:89-93; default 0, never).
    '--config_plugin=tls',
    `--config_tls_endpoint=${endpoint(FLEET_ENDPOINTS.config)}`,
    `--config_refresh=${FLEET_INTERVALS.configRefresh}`,
    // Live and detail queries (osquery/distributed/distributed.cpp:34-39: plugin "tls", but
    // disable_distributed defaults to true), polled every distributed_interval seconds
    // (osquery/dispatcher/distributed_runner.cpp:23-26; default 60), at these endpoints
    // (plugins/distributed/tls_distributed.cpp:31-39; defaults "").
    '--distributed_plugin=tls',
    '--disable_distributed=false',
    `--distributed_interval=${FLEET_INTERVALS.distributed}`,
    `--distributed_tls_read_endpoint=${endpoint(FLEET_ENDPOINTS.distributedRead)}`,
    `--distributed_tls_write_endpoint=${endpoint(FLEET_ENDPOINTS.distributedWrite)}`,
    '--distributed_tls_max_attempts=3',
    // "Executing distributed query: ID: SQL" at INFO for each query the server asks
    // (distributed.cpp:41-44, 172-178; default false): how Porchlight learns what the server asked.
    '--distributed_loginfo=true',
    // INFO lines must reach stderr, which Porchlight reads: stderrthreshold = logger_min_stderr
    // (osquery/logger/logger.cpp:64-67, 230; default 0) unless logger_stderr is off (logger.cpp:70,
    // 233-236; default true). Set here so a flagfile cannot hide them.
    '--logger_min_stderr=0',
    '--logger_stderr=true',
    // Results and status logs to Fleet, and still to files in the data dir (osquery/logger/logger.cpp:49;
    // default "filesystem"), sent every logger_tls_period seconds to this endpoint
    // (plugins/logger/tls_logger.cpp:37-42; defaults "" and 4).
    '--logger_plugin=tls,filesystem',
    `--logger_tls_endpoint=${endpoint(FLEET_ENDPOINTS.log)}`,
    `--logger_tls_period=${FLEET_INTERVALS.loggerPeriod}`,
  ];
}

/** Names of the flags above (for telling whether an osqueryd runs with Fleet's flags). */
export const FLEET_FLAG_NAMES = [
  'tls_hostname',
  'tls_server_certs',
  'enroll_secret_path',
  'enroll_tls_endpoint',
  'config_plugin',
  'config_tls_endpoint',
  'distributed_tls_read_endpoint',
  'distributed_tls_write_endpoint',
  'logger_tls_endpoint',
] as const;

/**
 * The Fleet flags for the data dir's osqueryd as it starts now: none unless enrolled. Its files
 * are named relative to osqueryd's working directory, as Porchlight's own are (daemon-paths.ts).
 */
export function fleetArgumentsFor(dataDir: string, paths: Pick<OsquerydPaths, 'root'>): string[] {
  let enrollment: FleetEnrollment | undefined;
  try {
    enrollment = readEnrollment(dataDir);
  } catch {
    // A damaged enrollment connects nowhere; the Fleet status says not enrolled, and enrolling again mends it.
    return [];
  }
  if (!enrollment) return [];
  const files = fleetFiles(dataDir);
  return fleetOsqueryFlags(enrollment, { secret: pathForOsqueryd(paths, files.secret), serverCerts: pathForOsqueryd(paths, files.serverCerts) });
}
