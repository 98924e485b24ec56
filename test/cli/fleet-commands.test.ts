import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetFiles } from '../../src/core/fleet/enrollment.js';
import { makeCa } from '../fleet/certificates.js';
import { FleetTestServer } from '../fleet/fleet-server.js';
import { copyDemoLaptop, removeTempDirs, runCli, STANDIN_OSQUERYD, tempDir } from '../helpers/standin.js';

const servers: FleetTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  removeTempDirs();
});

function laptop() {
  const dir = tempDir();
  const { fixture } = copyDemoLaptop(dir);
  const dataDir = path.join(dir, 'data');
  const porchlight = (...args: string[]) => runCli(args, { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: dataDir });
  return { dir, dataDir, porchlight };
}

describe('porchlight fleet, with no Porchlight agent running', () => {
  it('says the laptop is local only, and that no query from a server is recorded', async () => {
    const { porchlight } = laptop();
    const status = await porchlight('fleet', 'status');
    expect(status).toMatchObject({ code: 0, stdout: 'Fleet: Not connected to a Fleet server: Porchlight is local only.\n' });
    const log = await porchlight('fleet', 'log');
    expect(log.stdout).toContain('Fleet ran 0 queries on this laptop today (not connected to Fleet now).');
    expect(log.stdout).toContain('No query from a Fleet server is recorded.');
    expect((await porchlight('fleet', 'unenroll', '--yes')).stdout).toBe('This laptop is not connected to a Fleet server.\n');
  });

  it('refuses what it cannot use before asking anything', async () => {
    const { dir, porchlight } = laptop();
    expect(await porchlight('fleet', 'enroll', '--secret-file', 'x')).toMatchObject({ code: 2, stderr: expect.stringContaining('--url is required') });
    const missing = await porchlight('fleet', 'enroll', '--url', 'https://fleet.example.com', '--secret-file', path.join(dir, 'nope.txt'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read the secret file') });
    writeFileSync(path.join(dir, 'secret.txt'), 'abc\n');
    const http = await porchlight('fleet', 'enroll', '--url', 'http://fleet.example.com', '--secret-file', path.join(dir, 'secret.txt'), '--yes');
    expect(http).toMatchObject({ code: 2, stderr: 'porchlight fleet enroll: Fleet is reached over https only, not http\nNothing was changed.\n' });
  });

  it('enrolls the data dir for when Porchlight runs, says so, and unenrolls it', async () => {
    const ca = makeCa('Fleet CA');
    const server = await FleetTestServer.start({ ca, secret: 'secret-1' });
    servers.push(server);
    const { dir, dataDir, porchlight } = laptop();
    writeFileSync(path.join(dir, 'secret.txt'), 'secret-1\n');
    writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
    const enroll = await porchlight('fleet', 'enroll', '--url', server.url, '--secret-file', path.join(dir, 'secret.txt'), '--ca', path.join(dir, 'ca.pem'), '--yes');
    expect(enroll.code).toBe(0);
    expect(enroll.stdout).toContain(`Enrolled. Porchlight is not running: osquery connects to ${server.hostname} when it runs`);
    expect(existsSync(fleetFiles(dataDir).secret)).toBe(true);
    // No osqueryd was started for Fleet: nothing enrolled with the server yet.
    expect(server.enrollments).toEqual([]);
    const status = await porchlight('fleet', 'status', '--json');
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'offline', summary: `Enrolled with ${server.hostname}; osquery connects to it while Porchlight runs.` });
    // A CLI command's own short-lived osqueryd never gets Fleet's flags: it would enroll as another host.
    const flags = await porchlight('query', "SELECT name FROM osquery_flags WHERE name LIKE '%tls%'", '--json');
    expect(JSON.parse(flags.stdout)).toEqual([]);
    expect(server.enrollments).toEqual([]);

    expect((await porchlight('fleet', 'unenroll', '--yes')).code).toBe(0);
    expect(existsSync(fleetFiles(dataDir).secret)).toBe(false);
    expect(JSON.parse((await porchlight('fleet', 'status', '--json')).stdout)).toMatchObject({ state: 'not-enrolled' });
  });
});
