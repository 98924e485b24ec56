import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeCa } from '../fleet/certificates.js';
import { FleetTestServer } from '../fleet/fleet-server.js';
import { tempDir } from '../helpers/standin.js';
import { ARTIFACTS, chromiumForTests, startServe } from './serve.js';

const chromium = chromiumForTests();

const SECRET = 'window-fleet-secret-51c2';
/** A Fleet-compatible server with its CA in a file, `porchlight serve` on the stand-in, and a page to open it in. */
async function fleetAndWindow() {
  const ca = makeCa('Family Fleet CA');
  const server = chromium.stopAfterTest(await FleetTestServer.start({ ca, secret: SECRET }));
  const caFile = path.join(tempDir('porchlight-fleet-ca-'), 'family-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const serve = chromium.stopAfterTest(await startServe());
  const page = await chromium.newPage(15_000);
  return { server, caFile, serve, page };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `fleet-${name}.png`), fullPage: true });

describe('the Fleet page in Chromium, against porchlight serve on the stand-in and a Fleet-compatible server', () => {
  it('connects with consent, lists what the server asked, says refused and unreachable, and disconnects', { timeout: 120_000 }, async () => {
    const { server, caFile, serve, page } = await fleetAndWindow();
    server.packs = { Global: { 'os version': { query: 'SELECT name, version FROM os_version', interval: 3600 } } };
    const apiBodies: string[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/')) void response.text().then((body) => apiBodies.push(body), () => undefined);
    });
    await page.goto(serve.url);
    await page.getByRole('list', { name: 'Checks' }).waitFor();

    // Settings leads to it; not connected, Porchlight is local only.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('group', { name: 'Fleet' }).getByText('Not connected to a Fleet server: Porchlight is local only.').waitFor();
    await page.getByRole('link', { name: 'Connect to Fleet…' }).click();
    const connection = page.getByLabel('Fleet connection');
    await connection.getByRole('status').filter({ hasText: 'Not connected' }).waitFor();
    await shot(page, 'not-connected');

    // Without the server's CA: refused in words, with the way to fix it here.
    await page.getByRole('button', { name: 'Connect to Fleet…' }).click();
    await page.getByLabel('Server address').fill(server.url);
    await page.getByLabel('Enroll secret').fill(SECRET);
    await page.getByRole('button', { name: 'Check the server' }).click();
    const refusedCheck = page.getByRole('alert').filter({ hasText: 'Not connected; nothing was changed' });
    await refusedCheck.waitFor();
    expect(await refusedCheck.textContent()).toContain("the server's certificate is not trusted");
    expect(await refusedCheck.textContent()).toContain('Choose the server’s CA certificate above');
    await shot(page, 'untrusted-certificate');

    // With it: the consent dialog, then connected.
    await page.getByLabel('CA certificate (only for a server with its own certificate authority)').setInputFiles(caFile);
    await page.getByRole('button', { name: 'Check the server' }).click();
    const consent = page.getByRole('dialog', { name: `Connect this laptop to the Fleet server at ${server.hostname}?` });
    await consent.waitFor();
    expect(await consent.textContent()).toContain('the server’s admin can run any osquery SQL on this laptop');
    expect(await consent.textContent()).toContain('its certificate was checked against the CA certificate you chose');
    await shot(page, 'consent');
    await consent.getByRole('button', { name: 'Connect this laptop' }).click();
    await connection.getByRole('status').filter({ hasText: 'Connected' }).waitFor();

    // A live query from the server appears in the list, with today's count.
    const live = server.liveQuery("SELECT name, version FROM os_version");
    await live.result;
    await page.getByRole('heading', { name: 'Fleet ran 3 queries on this laptop today' }).waitFor();
    const row = page.getByRole('table', { name: 'Queries the server asked' }).getByRole('row').filter({ hasText: live.id });
    expect(await row.textContent()).toContain('SELECT name, version FROM os_version');
    expect(await row.textContent()).toContain('live');
    const scheduled = page.getByRole('table', { name: 'Queries the server scheduled' }).getByRole('row').filter({ hasText: 'pack/Global/os version' });
    expect(await scheduled.textContent()).toContain('1 h');
    await shot(page, 'connected');

    // The server forgets this laptop and changes its secret: osquery's new enrollment is refused.
    server.secret = 'rotated-secret';
    server.forgetHosts();
    await connection.getByRole('status').filter({ hasText: 'Enrollment refused' }).waitFor();
    expect(await connection.textContent()).toContain(`${server.hostname} refused to enroll this laptop.`);
    expect(await connection.textContent()).toContain('No node key returned from TLS enroll plugin');
    await shot(page, 'refused');

    // The server goes down: unreachable, and since when.
    await server.stop();
    await page.reload();
    await connection.getByRole('status').filter({ hasText: 'Not reachable' }).waitFor();
    expect(await connection.textContent()).toContain(`${server.hostname} is not reachable; Porchlight's own checks keep running.`);
    expect(await connection.textContent()).toContain('Not reachable since');
    await shot(page, 'unreachable');

    // Disconnect.
    await page.getByRole('button', { name: 'Disconnect…' }).click();
    const disconnect = page.getByRole('dialog', { name: `Disconnect from ${server.hostname}?` });
    await disconnect.getByRole('button', { name: 'Disconnect' }).click();
    await connection.getByRole('status').filter({ hasText: 'Not connected' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'osquery is starting' }).waitFor({ state: 'hidden' });
    // The history keeps what the server asked.
    expect(await page.getByRole('table', { name: 'Queries the server asked' }).getByRole('row').filter({ hasText: live.id }).count()).toBe(1);
    await shot(page, 'disconnected');

    // The secret went to the agent and never came back in an answer.
    expect(apiBodies.length).toBeGreaterThan(10);
    expect(apiBodies.filter((body) => body.includes(SECRET))).toEqual([]);
  });

  it('says so when the server turns off osquery’s log of the queries it runs', { timeout: 90_000 }, async () => {
    const { server, caFile, serve, page } = await fleetAndWindow();
    server.agentOptions = { options: { ...(server.agentOptions.options as object), distributed_loginfo: false } };
    await page.goto(`${serve.url}#/fleet`);
    const connection = page.getByLabel('Fleet connection');
    await connection.getByRole('status').filter({ hasText: 'Not connected' }).waitFor();
    await page.getByRole('button', { name: 'Connect to Fleet…' }).click();
    await page.getByLabel('Server address').fill(server.url);
    await page.getByLabel('Enroll secret').fill(SECRET);
    await page.getByLabel('CA certificate (only for a server with its own certificate authority)').setInputFiles(caFile);
    await page.getByRole('button', { name: 'Check the server' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Connect this laptop' }).click();
    await connection.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await connection.getByText('The server has turned off osquery’s log of the queries it runs, so Porchlight cannot list them').waitFor();
    await page.getByRole('heading', { name: 'Queries the server asked, up to when it turned their log off' }).waitFor();
    expect(await page.getByRole('heading', { name: /^Fleet ran/ }).count()).toBe(0);
    await shot(page, 'query-log-off');
  });
});

