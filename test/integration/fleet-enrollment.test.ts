import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetLogDto, FleetQueryDto, FleetStatusDto } from '../../src/api/contract.js';
import { Porchlight } from '../../src/app/porchlight.js';
import { Agent } from '../../src/core/agent.js';
import { fleetFiles } from '../../src/core/fleet/enrollment.js';
import { osquerydPaths } from '../../src/core/osquery/daemon-paths.js';
import { AGENT_INSTANCE } from '../../src/core/osquery/osquery-session.js';
import { openConfSettings } from '../../src/core/settings/conf-settings.js';
import { makeCa } from '../fleet/certificates.js';
import { FleetTestServer } from '../fleet/fleet-server.js';
import { copyDemoLaptop, FAST_TIMINGS, removeTempDirs, runCli, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.stop()));
  removeTempDirs();
});

const SECRET = 'family-fleet-secret-8d1f';

async function setUp() {
  const ca = makeCa('Family Fleet CA');
  const server = await FleetTestServer.start({ ca, secret: SECRET });
  running.push(server);
  server.packs = { Global: { 'logged in users': { query: 'SELECT user, tty FROM logged_in_users', interval: 3600 } } };
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const { fixture } = copyDemoLaptop(dir);
  const file = (name: string, content: string) => {
    writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  const files = {
    secret: file('secret.txt', `${SECRET}\n`),
    wrongSecret: file('wrong-secret.txt', 'not-the-secret\n'),
    ca: file('fleet-ca.pem', ca.certPem),
    wrongCa: file('other-ca.pem', makeCa('Someone else’s CA').certPem),
  };
  const porchlight = new Porchlight({
    dataDir,
    openSettings: openConfSettings,
    osquerydPath: STANDIN_OSQUERYD,
    env: standinEnv({ STANDIN_FIXTURE: fixture }),
    timings: FAST_TIMINGS,
  });
  running.push(porchlight);
  await porchlight.start();
  const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
  const status = async () => JSON.parse((await cli('fleet', 'status', '--json')).stdout) as FleetStatusDto;
  const osqueryFlags = async () => {
    const answer = await cli('query', "SELECT name, value FROM osquery_flags WHERE name LIKE '%tls%' OR name LIKE '%enroll%'", '--json');
    return JSON.parse(answer.stdout) as { name: string; value: string }[];
  };
  return { server, ca, dataDir, files, porchlight, cli, status, osqueryFlags };
}

function filesContaining(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(text));
}

const nodeKeyFile = (dataDir: string) => path.join(osquerydPaths(dataDir, AGENT_INSTANCE).databasePath, 'standin-persistent-settings.json');

describe('Fleet enrollment through the running agent, on the stand-in osqueryd and a Fleet-compatible server', () => {
  it('refuses a server it cannot trust and changes nothing; enrolls with consent; shows what the server asked; says refused and unreachable in words; unenrolls and enrolls again', { timeout: 120_000 }, async () => {
    const { server, dataDir, files, cli, status, osqueryFlags } = await setUp();

    // A CA that did not sign the server's certificate, then none (this computer's roots): refused, nothing written.
    const wrongCa = await cli('fleet', 'enroll', '--url', server.url, '--secret-file', files.secret, '--ca', files.wrongCa, '--yes');
    expect(wrongCa.code).toBe(2);
    expect(wrongCa.stderr).toContain("the server's certificate is not signed by the CA you gave");
    expect(wrongCa.stderr).toContain('Nothing was changed.');
    const noCa = await cli('fleet', 'enroll', '--url', server.url, '--secret-file', files.secret, '--yes');
    expect(noCa.stderr).toContain("the server's certificate is not trusted (127.0.0.1");
    expect(noCa.stderr).toContain('— pass its CA with --ca');
    // Without --yes and without a terminal to ask on: the consent text, and no enrollment.
    const noConsent = await cli('fleet', 'enroll', '--url', server.url, '--secret-file', files.secret, '--ca', files.ca);
    expect(noConsent.code).toBe(2);
    expect(noConsent.stdout).toContain('the server’s admin can run any osquery SQL on this laptop');
    expect(noConsent.stderr).toContain('run again with --yes');
    expect(existsSync(fleetFiles(dataDir).dir) && readdirSync(fleetFiles(dataDir).dir)).toSatisfy((entries) => !entries || entries.length === 0);
    expect(await osqueryFlags()).toEqual([]);
    expect(server.enrollments).toEqual([]);
    expect((await status()).state).toBe('not-enrolled');

    // Enroll: osqueryd restarts with Fleet's flags and enrolls itself.
    const enroll = await cli('fleet', 'enroll', '--url', server.url, '--secret-file', files.secret, '--ca', files.ca, '--yes');
    expect(enroll.stdout).toContain(`Connect this laptop to the Fleet server at ${server.hostname}?`);
    expect(enroll.stdout).toContain(`Fleet: Connected to ${server.hostname}.`);
    expect(enroll.code).toBe(0);
    expect(server.enrollments).toEqual([expect.objectContaining({ secret: SECRET, accepted: true })]);
    expect(statSync(fleetFiles(dataDir).secret).mode & 0o777).toBe(0o600);
    expect(readFileSync(fleetFiles(dataDir).secret, 'utf8').trim()).toBe(SECRET);
    // Nowhere else in the data dir: not the settings, the history, nor osqueryd's output.
    expect(filesContaining(dataDir, SECRET)).toEqual([fleetFiles(dataDir).secret]);
    const flags = Object.fromEntries((await osqueryFlags()).map((row) => [row.name, row.value]));
    expect(flags).toMatchObject({
      tls_hostname: server.hostname,
      enroll_tls_endpoint: '/api/v1/osquery/enroll',
      enroll_secret_path: '../../fleet/enroll_secret',
      tls_server_certs: '../../fleet/server-certs.pem',
    });
    const connected = await status();
    expect(connected).toMatchObject({ state: 'connected', configReceived: true, queryLog: 'on', server: { hostname: server.hostname } });
    expect(connected.lastCheckInAt).toEqual(expect.any(Number));
    expect(JSON.stringify(connected)).not.toContain(SECRET);

    // A live query from the server: answered from the laptop, and in `fleet log`, over two lines as typed.
    const live = server.liveQuery('SELECT username, uid\nFROM users\nWHERE uid >= 1000 ORDER BY uid');
    const answer = await live.result;
    expect(answer.status).toBe(0);
    expect(answer.rows.map((row) => row.username)).toEqual(['ann', 'bob', 'nobody']);
    await expect
      .poll(async () => (JSON.parse((await cli('fleet', 'log', '--json')).stdout) as FleetLogDto).queries.find((q) => q.queryId === live.id))
      .toMatchObject({ kind: 'distributed', purpose: 'live', sql: 'SELECT username, uid\nFROM users\nWHERE uid >= 1000 ORDER BY uid' });
    const log = JSON.parse((await cli('fleet', 'log', '--json')).stdout) as FleetLogDto;
    expect(log.queries.filter((q) => q.purpose === 'host details').map((q) => q.queryId).sort()).toEqual([
      'fleet_detail_query_osquery_info',
      'fleet_detail_query_system_info',
    ]);
    expect(log.queries).toContainEqual(expect.objectContaining({ kind: 'scheduled', queryId: 'pack/Global/logged in users', intervalSeconds: 3600 }));
    expect(log.schedule).toEqual([expect.objectContaining({ name: 'pack/Global/logged in users', sql: 'SELECT user, tty FROM logged_in_users' })]);
    expect(log.queriesToday).toBe(3);
    const logText = await cli('fleet', 'log');
    expect(logText.stdout).toContain('Fleet ran 3 queries on this laptop today');
    expect(logText.stdout).toContain(live.id);

    // Enrolled again with a secret the server does not know: osqueryd's refusal, in words.
    const wrongSecret = await cli('fleet', 'enroll', '--url', server.url, '--secret-file', files.wrongSecret, '--ca', files.ca, '--yes');
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stdout).toContain(`Fleet: ${server.hostname} refused to enroll this laptop.`);
    expect(wrongSecret.stdout).toContain('Check the enroll secret');
    expect(wrongSecret.stdout).toContain('No node key returned from TLS enroll plugin');
    expect(await status()).toMatchObject({ state: 'refused', configReceived: false });

    // The server goes down: Porchlight's own checks still run, and the status says unreachable.
    await server.stop();
    const check = await cli('check', '--json');
    expect([0, 1]).toContain(check.code);
    expect(JSON.parse(check.stdout)).toMatchObject({ scan: { via: 'agent' } });
    const down = await status();
    expect(down).toMatchObject({ state: 'unreachable', summary: `${server.hostname} is not reachable; Porchlight's own checks keep running.` });
    expect(down.unreachableSince).toEqual(expect.any(Number));
    expect((await cli('fleet', 'status')).stdout).toContain(`not reachable since ${new Date(down.unreachableSince!).toISOString().slice(0, 16)}`);

    // Unenroll: no secret, no Fleet flags, osquery's node key gone.
    const unenroll = await cli('fleet', 'unenroll', '--yes');
    expect(unenroll.code).toBe(0);
    for (const file of Object.values(fleetFiles(dataDir)).slice(1)) expect(existsSync(file)).toBe(false);
    expect(await osqueryFlags()).toEqual([]);
    expect(existsSync(nodeKeyFile(dataDir))).toBe(false);
    expect((await status()).state).toBe('not-enrolled');

    // Enroll again once the server is back: a new enrollment, a new node key.
    await server.restart();
    const again = await cli('fleet', 'enroll', '--url', server.url, '--secret-file', files.secret, '--ca', files.ca, '--yes');
    expect(again.stdout).toContain(`Fleet: Connected to ${server.hostname}.`);
    expect(server.enrollments.filter((e) => e.accepted)).toHaveLength(2);
    expect(readFileSync(nodeKeyFile(dataDir), 'utf8')).toContain([...server.hosts.keys()][0]);
  });

  it("tells the events it sees, follows osquery's new enrollment when the server forgets the laptop, and says so when the server hides its queries", { timeout: 60_000 }, async () => {
    const { server, ca, porchlight } = await setUp();
    const { agent, api } = porchlight;
    const states: FleetStatusDto[] = [];
    const queries: FleetQueryDto[] = [];
    agent.on('fleet-state', (status) => states.push(status));
    agent.on('fleet-query', (query) => queries.push(query));

    await api.enrollFleet({ url: server.url, secret: SECRET, ca: ca.certPem, consent: true });
    await expect.poll(async () => (await api.getFleetStatus({})).state).toBe('connected');
    expect(states.map((status) => status.state)).toEqual(['enrolling', 'connected']);

    // The admin deletes the host: osquery's node key is refused, it enrolls again with the same secret.
    server.forgetHosts();
    const live = server.liveQuery('SELECT uid FROM users WHERE username = \'ann\'');
    expect((await live.result).rows).toEqual([{ uid: '1000' }]);
    expect(server.enrollments.filter((enrollment) => enrollment.accepted)).toHaveLength(2);
    await expect.poll(() => queries.map((query) => query.queryId)).toContain(live.id);
    expect(queries.find((query) => query.queryId === live.id)).toMatchObject({ kind: 'distributed', purpose: 'live', server: server.hostname });
    expect((await api.getFleetStatus({})).state).toBe('connected');

    // The server's agent options turn osquery's log line off: queries still run, Porchlight says it cannot list them.
    server.agentOptions = { options: { ...(server.agentOptions.options as object), distributed_loginfo: false } };
    await porchlight.api.unenrollFleet({});
    await api.enrollFleet({ url: server.url, secret: SECRET, ca: ca.certPem, consent: true });
    await expect.poll(async () => (await api.getFleetStatus({})).queryLog).toBe('off');
    const hidden = server.liveQuery('SELECT 42 AS answer');
    expect((await hidden.result).rows).toEqual([{ answer: '42' }]);
    const status = await api.getFleetStatus({});
    expect(status).toMatchObject({ state: 'connected', queryLog: 'off' });
    expect(status.advice).toContain('The server has turned off osquery’s log of the queries it runs, so Porchlight cannot list them');
    const log = await api.getFleetLog({});
    expect(log.queryLog).toBe('off');
    expect(log.queries.map((query) => query.queryId)).not.toContain(hidden.id);
  });

  it('does not enroll the demo, whose osqueryd answers with a sample laptop', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const agent = new Agent({ dataDir, settings: openConfSettings(dataDir).store, demo: true, role: 'one-shot', platform: 'linux' });
    running.push(agent);
    await expect(agent.enrollFleet({ url: 'https://fleet.example.com', secret: 's' })).rejects.toThrow('this is the demo, on a stand-in osqueryd');
    expect(existsSync(fleetFiles(dataDir).enrollment)).toBe(false);
  });
});

