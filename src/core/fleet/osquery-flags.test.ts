import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { osquerydPaths } from '../osquery/daemon-paths.js';
import { fleetFiles, parseFleetUrl, writeEnrollment, type FleetEnrollment } from './enrollment.js';
import { fleetArgumentsFor, fleetOsqueryFlags } from './osquery-flags.js';

afterEach(() => removeTempDirs());

const enrollment = (url: string): FleetEnrollment => ({ server: parseFleetUrl(url), trust: 'given-ca', enrolledAt: 1 });
const asMap = (flags: string[]) => new Map(flags.map((flag) => flag.replace(/^--/, '').split(/=(.*)/s).slice(0, 2) as [string, string]));

describe("osqueryd's Fleet flags", () => {
  it('sets every endpoint and plugin explicitly, none empty, with Fleet’s paths', () => {
    const flags = asMap(fleetOsqueryFlags(enrollment('https://fleet.example.com:8443'), { secret: '../../fleet/enroll_secret', serverCerts: '../../fleet/server-certs.pem' }));
    expect(Object.fromEntries(flags)).toEqual({
      tls_hostname: 'fleet.example.com:8443',
      tls_server_certs: '../../fleet/server-certs.pem',
      enroll_secret_path: '../../fleet/enroll_secret',
      enroll_tls_endpoint: '/api/v1/osquery/enroll',
      tls_secret_always: 'false',
      config_plugin: 'tls',
      config_tls_endpoint: '/api/v1/osquery/config',
      config_refresh: '60',
      distributed_plugin: 'tls',
      disable_distributed: 'false',
      distributed_interval: '10',
      distributed_tls_read_endpoint: '/api/v1/osquery/distributed/read',
      distributed_tls_write_endpoint: '/api/v1/osquery/distributed/write',
      distributed_tls_max_attempts: '3',
      distributed_loginfo: 'true',
      logger_min_stderr: '0',
      logger_stderr: 'true',
      logger_plugin: 'tls,filesystem',
      logger_tls_endpoint: '/api/v1/osquery/log',
      logger_tls_period: '10',
    });
  });

  it('puts a server’s URL prefix in front of every endpoint, and leaves the default port out of the host name', () => {
    const flags = asMap(fleetOsqueryFlags(enrollment('https://example.com/fleet/'), { secret: 's', serverCerts: 'c' }));
    expect(flags.get('tls_hostname')).toBe('example.com');
    for (const name of ['enroll_tls_endpoint', 'config_tls_endpoint', 'distributed_tls_read_endpoint', 'distributed_tls_write_endpoint', 'logger_tls_endpoint']) {
      expect(flags.get(name), name).toMatch(/^\/fleet\/api\/v1\/osquery\//);
    }
  });

  it('gives none to the osqueryd of a data dir that is not enrolled, and none for a damaged enrollment', () => {
    const dataDir = tempDir();
    const paths = osquerydPaths(dataDir, 'daemon');
    expect(fleetArgumentsFor(dataDir, paths)).toEqual([]);
    writeEnrollment(dataDir, enrollment('https://fleet.example.com'), 'secret', 'certs');
    const flags = asMap(fleetArgumentsFor(dataDir, paths));
    // Relative to osqueryd's working directory, as Porchlight's own files are.
    expect(flags.get('enroll_secret_path')).toBe(path.join('..', '..', 'fleet', 'enroll_secret'));
    expect(flags.get('tls_server_certs')).toBe(path.join('..', '..', 'fleet', 'server-certs.pem'));
    writeFileSync(fleetFiles(dataDir).enrollment, '{"server": 42}');
    expect(fleetArgumentsFor(dataDir, paths)).toEqual([]);
  });
});
