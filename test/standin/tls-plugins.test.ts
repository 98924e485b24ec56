import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCa } from '../fleet/certificates.js';
import { FleetTestServer } from '../fleet/fleet-server.js';
import { removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.stop()));
  removeTempDirs();
});

const ca = makeCa('Stand-in CA');
const SECRET = 'standin-secret';

async function fleet() {
  const server = await FleetTestServer.start({ ca, secret: SECRET });
  running.push(server);
  return server;
}

/** The stand-in osqueryd with these flags, in a folder of its own (its working directory), its stderr kept. */
function standin(flags: string[]) {
  const dir = tempDir('porchlight-tls-');
  writeFileSync(path.join(dir, 'secret'), `${SECRET}\n`);
  writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
  const child = spawn(STANDIN_OSQUERYD, [`--extensions_socket=${path.join(dir, 'osquery.em')}`, '--database_path=./osquery.db', '--host_identifier=uuid', ...flags], {
    cwd: dir,
    env: standinEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  running.push({
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  });
  return { dir, stderr: () => stderr, nodeKey: () => readFileSync(path.join(dir, 'osquery.db', 'standin-persistent-settings.json'), 'utf8') };
}

/** Fleet's flags as the docs give them, for a server at `hostname`. */
const enrolling = (hostname: string) => [
  `--tls_hostname=${hostname}`,
  '--tls_server_certs=./ca.pem',
  '--enroll_secret_path=./secret',
  '--enroll_tls_endpoint=/api/v1/osquery/enroll',
  '--config_plugin=tls',
  '--config_tls_endpoint=/api/v1/osquery/config',
  '--disable_distributed=false',
  '--distributed_tls_read_endpoint=/api/v1/osquery/distributed/read',
  '--distributed_tls_write_endpoint=/api/v1/osquery/distributed/write',
  '--distributed_loginfo=true',
  '--logger_plugin=tls,filesystem',
  '--logger_tls_endpoint=/api/v1/osquery/log',
];

describe("the stand-in osqueryd's TLS plugins, as osquery's", () => {
  it('enrolls, takes its config, runs a live query with the log line osquery writes, and sends its status log', async () => {
    const server = await fleet();
    const osqueryd = standin(enrolling(server.hostname));
    const live = server.liveQuery('SELECT version FROM osquery_info');
    expect((await live.result).rows).toEqual([{ version: '5.23.1' }]);
    expect(server.enrollments).toEqual([{ secret: SECRET, hostIdentifier: '4C4C4544-0000-0000-0000-000000000000', accepted: true }]);
    expect(osqueryd.stderr()).toMatch(new RegExp(`^I\\d{4} [\\d:.]+ +\\d+ distributed\\.cpp:176\\] Executing distributed query: ${live.id}: SELECT version FROM osquery_info$`, 'm'));
    await expect.poll(() => server.logs.status.map((line) => line.m)).toContain(`Executing distributed query: ${live.id}: SELECT version FROM osquery_info`);
    expect(server.requests.map((request) => request.path).slice(0, 3)).toEqual(['/api/v1/osquery/enroll', '/api/v1/osquery/config', '/api/v1/osquery/distributed/read']);
  });

  it('enrolls again when the server says its node key is no longer valid', async () => {
    const server = await fleet();
    const osqueryd = standin(enrolling(server.hostname));
    await server.liveQuery('SELECT 1').result;
    const firstKey = osqueryd.nodeKey();
    server.forgetHosts();
    await server.liveQuery('SELECT 2').result;
    expect(server.enrollments.filter((enrollment) => enrollment.accepted)).toHaveLength(2);
    expect(osqueryd.nodeKey()).not.toBe(firstKey);
  });

  it("applies the server's options as flags, refusing command-line-only ones with osquery's warning", async () => {
    const server = await fleet();
    server.agentOptions = { options: { ...(server.agentOptions.options as object), distributed_loginfo: false, config_plugin: 'filesystem' } };
    const osqueryd = standin(enrolling(server.hostname));
    const live = server.liveQuery('SELECT 1 AS one');
    await live.result;
    expect(osqueryd.stderr()).toContain('The CLI only flag --config_plugin set via config file will be ignored, please use a flagfile or pass it to the process at startup');
    expect(osqueryd.stderr()).not.toContain(`Executing distributed query: ${live.id}`);
  });

  it("fails as osquery does when an endpoint flag is left at its default (\"\"): it posts to the server's root", async () => {
    const server = await fleet();
    const osqueryd = standin(enrolling(server.hostname).filter((flag) => !flag.startsWith('--enroll_tls_endpoint')));
    await expect.poll(osqueryd.stderr).toContain(`Failed enrollment request to https://${server.hostname} (Cannot parse JSON: Invalid value. Offset: 0) retrying...`);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/' });
    expect(server.enrollments).toEqual([]);
  });

  it('without --tls_hostname, has no server to ask', async () => {
    const osqueryd = standin(enrolling('').filter((flag) => flag !== '--tls_hostname='));
    await expect.poll(osqueryd.stderr).toContain('Failed enrollment request to https:///api/v1/osquery/enroll (Request error: Remote hostname missing) retrying...');
  });

  it("without --tls_server_certs, reads osquery's default bundle, which is not there, and so trusts no server", async () => {
    const server = await fleet();
    const osqueryd = standin(enrolling(server.hostname).filter((flag) => !flag.startsWith('--tls_server_certs')));
    await expect.poll(osqueryd.stderr).toContain('(Request error: certificate verify failed) retrying...');
    expect(existsSync('/opt/osquery/share/osquery/certs/certs.pem')).toBe(false);
    expect(osqueryd.stderr()).toContain('Cannot read TLS server certificate(s): /opt/osquery/share/osquery/certs/certs.pem');
  });

  it("with a secret the server does not know, warns as osquery's enroll plugin does and runs nothing", async () => {
    const server = await fleet();
    server.secret = 'another-secret';
    const osqueryd = standin(enrolling(server.hostname));
    await expect.poll(osqueryd.stderr).toContain(
      `tls_enroll.cpp:101] Failed enrollment request to https://${server.hostname}/api/v1/osquery/enroll (No node key returned from TLS enroll plugin) retrying...`,
    );
    expect(server.enrollments).toEqual([{ secret: SECRET, hostIdentifier: expect.any(String), accepted: false }]);
    expect(server.requests.every((request) => request.path === '/api/v1/osquery/enroll')).toBe(true);
  });
});
