import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startWebhookServer } from '../helpers/alert-servers.js';
import { runCli } from '../helpers/standin.js';
import { ARTIFACTS, chromiumForTests, startServe, type RunningServe } from './serve.js';

const chromium = chromiumForTests();

interface OpenOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Wait for the first scan's results (the default). */
  ready?: boolean;
  beforeGoto?: (page: Page, serve: RunningServe) => Promise<unknown>;
}

async function open({ args = [], env = {}, ready = true, beforeGoto }: OpenOptions = {}): Promise<{ serve: RunningServe; page: Page }> {
  const serve = chromium.stopAfterTest(await startServe(args, env));
  const page = await chromium.newPage();
  await beforeGoto?.(page, serve);
  await page.goto(serve.url);
  if (ready) await page.getByRole('list', { name: 'Checks' }).waitFor();
  return { serve, page };
}

const checkRow = (page: Page, title: string) => page.getByRole('link', { name: new RegExp(`^${title}: `) });

describe('the Porchlight window in Chromium, against porchlight serve on the stand-in', () => {
  it("shows each check's status on the overview, and the detail of a check", async () => {
    const { page } = await open();
    await expect(checkRow(page, 'Disk encryption').getAttribute('aria-label')).resolves.toBe('Disk encryption: pass');
    await expect(checkRow(page, 'Services open to the network').getAttribute('aria-label')).resolves.toBe('Services open to the network: fail');
    await expect(checkRow(page, 'Screen lock').getAttribute('aria-label')).resolves.toBe('Screen lock: not applicable');
    expect(await checkRow(page, 'Browser extensions').textContent()).toContain('5 findings need attention');
    await expect(page.getByRole('status').filter({ hasText: 'Needs attention' }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png'), fullPage: true });

    await checkRow(page, 'Disk encryption').click();
    await page.getByRole('heading', { name: 'Disk encryption', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'What to do' }).isVisible()).toBe(true);
    expect(await page.locator('.result').textContent()).toContain('The startup disk is encrypted');
    await page.screenshot({ path: path.join(ARTIFACTS, 'check-detail.png'), fullPage: true });
  });

  it('shows a new finding after the laptop changes and "Scan now" is pressed', async () => {
    const { serve, page } = await open();
    serve.editFixture((laptop) => {
      laptop.tables.processes!.push({ pid: 5151, name: 'python3', path: '/usr/bin/python3', uid: 1000 });
      laptop.tables.process_open_sockets!.push({ pid: 5151, socket: 30001, family: 2, protocol: 6, local_address: '0.0.0.0', local_port: 8080, remote_port: 0, state: 'LISTEN' });
    });
    const scan = page.getByRole('button', { name: 'Scan now' });
    await scan.click();
    await page.getByRole('button', { name: 'Scan now' }).waitFor();
    await expect.poll(() => checkRow(page, 'Services open to the network').textContent()).toContain('6 findings need attention');
    await checkRow(page, 'Services open to the network').click();
    await page.locator('.finding strong').filter({ hasText: 'python3 listens on tcp port 8080 (all interfaces)' }).waitFor();
  });

  it('shows the first scan even when it finishes before the live updates connect', { timeout: 60_000 }, async () => {
    let shownBeforeLiveUpdates: boolean | undefined;
    const { page } = await open({
      env: { STANDIN_FAULT: 'slow=300' },
      ready: false,
      beforeGoto: (page, serve) =>
        page.route('**/api/events', async (route) => {
          const lastScanAt = async () => {
            const answer = await fetch(`${serve.url}api/call/getStatus`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
            return ((await answer.json()) as { result: { lastScanAt: string | null } }).result.lastScanAt;
          };
          await expect.poll(lastScanAt, { timeout: 30_000, interval: 100 }).not.toBeNull();
          shownBeforeLiveUpdates = await page.getByRole('list', { name: 'Checks' }).isVisible();
          await route.continue();
        }),
    });
    await page.getByRole('list', { name: 'Checks' }).waitFor({ timeout: 40_000 });
    expect(shownBeforeLiveUpdates, 'the page read its first state before the scan finished').toBe(false);
  });

  it('acknowledging a finding takes it out of the failing count, and un-acknowledging puts it back', async () => {
    const { page } = await open();
    await checkRow(page, 'Services open to the network').click();
    await page.getByRole('button', { name: 'Acknowledge node listens on tcp port 3000 (all interfaces)' }).click();
    await page.getByRole('button', { name: 'Un-acknowledge node listens on tcp port 3000 (all interfaces)' }).waitFor();
    await expect.poll(() => page.locator('.result').textContent()).toContain('4 findings need attention (1 acknowledged)');
    await page.getByRole('link', { name: '← Overview' }).click();
    expect(await checkRow(page, 'Services open to the network').textContent()).toContain('4 findings need attention');

    await checkRow(page, 'Services open to the network').click();
    await page.getByRole('button', { name: 'Un-acknowledge node listens on tcp port 3000 (all interfaces)' }).click();
    await expect.poll(() => page.locator('.result').textContent()).toContain('5 findings need attention');
  });

  it("runs SQL in the console, and shows osquery's own error for bad SQL", async () => {
    const { page } = await open();
    await page.getByRole('link', { name: 'SQL console' }).click();
    const sql = page.getByLabel('SQL', { exact: true });
    await sql.fill("SELECT local_port, local_address FROM process_open_sockets WHERE state = 'LISTEN' AND net_namespace = 0 ORDER BY local_port");
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.getByText('9 rows in').waitFor();
    expect(await page.locator('.sql-main tbody tr').first().textContent()).toBe('220.0.0.0');

    await sql.fill('SELECT * FROM no_such_table');
    await sql.press('Control+Enter');
    await page.getByRole('alert').filter({ hasText: 'osquery could not run the query' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('no such table: no_such_table');

    await page.getByRole('searchbox', { name: 'Tables' }).fill('listening');
    await page.getByRole('button', { name: 'listening_ports' }).click();
    await page.getByText('Transport layer port').waitFor();
  });

  it('lists listening ports in a sortable, filterable table', async () => {
    const { page } = await open();
    await page.getByRole('link', { name: 'Listening ports' }).click();
    const table = page.getByRole('table');
    await table.getByRole('row').nth(1).waitFor();
    await page.getByRole('button', { name: 'Port', exact: true }).click();
    await page.getByRole('button', { name: 'Port ▲' }).click();
    await page.getByRole('button', { name: 'Port ▼' }).waitFor();
    expect(await table.getByRole('row').nth(1).textContent()).toContain('46233');
    await page.getByLabel('Filter').fill('java');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('Open to the network');
    await page.getByLabel('Filter').fill('5353');
    await expect.poll(() => table.getByRole('row').count()).toBe(4);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('client or discovery');
  });

  it('lists browser extensions with the risk the check sees in each', async () => {
    const { page } = await open();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Browser extensions' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Coupon Finder Pro' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Counted: can read and change every site, with cookies, webRequest');
    expect(await row.textContent()).toContain('cannot tell');
    expect(await page.getByRole('row').filter({ hasText: 'Google Docs Offline' }).textContent()).toContain(
      'Google Docs Offline, a well-known extension: can read docs.google.com, drive.google.com',
    );
    expect(await page.getByRole('row').filter({ hasText: 'Old Screenshot Tool' }).textContent()).toContain('no');
    await page.screenshot({ path: path.join(ARTIFACTS, 'extensions.png'), fullPage: true });
  });

  it('says when osqueryd is missing, why, and what to do, with a way to retry', async () => {
    const { page } = await open({ env: { PORCHLIGHT_OSQUERYD: '/nonexistent/osqueryd' }, ready: false });
    const banner = page.getByRole('alert').filter({ hasText: 'osquery is not running' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('PORCHLIGHT_OSQUERYD names /nonexistent/osqueryd, which is not an executable file.');
    await banner.getByRole('button', { name: 'Restart osquery' }).waitFor();
    expect(await page.getByText('No scan yet.').isVisible()).toBe(true);
    await page.getByRole('link', { name: 'SQL console' }).click();
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.getByRole('alert').filter({ hasText: 'osquery could not run the query' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'osquery could not run the query' }).textContent()).toContain('osquery is not running (failed)');
  });

  it('lets the owner confirm what osquery cannot see, shown as theirs and not as a pass (Windows demo laptop)', async () => {
    const { page } = await open({ args: ['--demo', '--platform', 'windows'] });
    await expect(checkRow(page, 'Disk encryption').getAttribute('aria-label')).resolves.toBe('Disk encryption: unknown');
    await checkRow(page, 'Disk encryption').click();
    await page.getByRole('heading', { name: 'See for yourself' }).waitFor();
    expect(await page.getByText('What osquery sees as you:').textContent()).toContain('Windows shows BitLocker’s state only to administrators');
    await page.getByRole('button', { name: 'I checked: BitLocker (Device encryption) protects drive C:' }).click();
    await page.getByRole('button', { name: 'Take it back' }).waitFor();
    expect(await page.locator('.result .badge').textContent()).toBe('Confirmed by you');
    await page.screenshot({ path: path.join(ARTIFACTS, 'confirmed-by-you.png'), fullPage: true });
    await page.getByRole('link', { name: '← Overview' }).click();
    await expect(checkRow(page, 'Disk encryption').getAttribute('aria-label')).resolves.toBe('Disk encryption: confirmed by you');

    await checkRow(page, 'Disk encryption').click();
    await page.getByRole('button', { name: 'Take it back' }).click();
    await page.getByRole('button', { name: 'I checked: BitLocker (Device encryption) protects drive C:' }).waitFor();
    expect(await page.locator('.result .badge').textContent()).toBe('Unknown');
  });

  it('adds an alert destination under Settings, sends it a test, shows how it went, and never shows its secret', async () => {
    const secret = 'whsec_browser_5b7e';
    const webhook = await startWebhookServer({ secret });
    const { serve, page } = await open();
    try {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByLabel('Kind').selectOption('webhook');
      await page.getByLabel('Address').fill(`${webhook.url}/hook`);
      await page.getByLabel('Signing secret (optional)').fill(secret);
      await page.getByRole('button', { name: 'Add destination' }).click();
      await page.getByRole('status').filter({ hasText: `Added ${webhook.url}/hook. Note: ${webhook.url} is plain http` }).waitFor();
      const item = page.getByRole('list', { name: 'Alert destinations' }).getByRole('listitem').filter({ hasText: `${webhook.url}/hook` });
      expect(await item.textContent()).toMatch(/Webhook.*· signed.*Last delivery: Nothing sent yet\./);
      expect(await page.getByLabel('Signing secret (optional)').inputValue()).toBe('');

      await page.getByRole('button', { name: `Send test to ${webhook.url}/hook` }).click();
      await page.getByRole('status').filter({ hasText: `Test sent to ${webhook.url}/hook: delivered.` }).waitFor();
      await expect.poll(() => item.textContent()).toMatch(/Last delivery: .+: delivered/);
      expect(webhook.verified.map((v) => v.payload.kind)).toEqual(['test']);
      await page.screenshot({ path: path.join(ARTIFACTS, 'settings-alerts.png'), fullPage: true });

      const call = async (method: string) =>
        (await fetch(`${serve.url}api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
      for (const answer of [await page.content(), await call('listAlertSinks'), await call('getSettings')]) expect(answer).not.toContain(secret);
      expect(JSON.parse(await call('getSettings')).result.alerts).toEqual([{ id: expect.stringMatching(/^webhook-/), kind: 'webhook', url: `${webhook.url}/hook` }]);

      await page.getByRole('button', { name: `Remove ${webhook.url}/hook` }).click();
      await expect.poll(() => item.count()).toBe(0);
      await page.getByLabel('Address').fill('http://203.0.113.8/hook');
      await page.getByRole('button', { name: 'Add destination' }).click();
      await page.getByRole('alert').filter({ hasText: 'plain http to 203.0.113.8 would cross the internet unencrypted' }).waitFor();
    } finally {
      await webhook.stop();
    }
  });

  it("draws a check's history as a strip of status segments, each saying what it was on hover and focus", async () => {
    const { serve, page } = await open();
    serve.editFixture((laptop) => {
      (laptop as typeof laptop & { files: Record<string, string> }).files['/etc/ufw/ufw.conf'] = 'ENABLED=yes\n';
    });
    await page.getByRole('button', { name: 'Scan now' }).click();
    await expect.poll(() => checkRow(page, 'Firewall').getAttribute('aria-label')).toBe('Firewall: pass');
    await checkRow(page, 'Firewall').click();
    const strip = page.getByRole('group', { name: /^Firewall over time: 2 results from .* latest Pass$/ });
    const segments = strip.getByRole('img');
    await expect.poll(() => segments.count()).toBe(2);
    expect(await segments.nth(0).getAttribute('aria-label')).toMatch(/^Fail, \d{4}-\d\d-\d\d \d\d:\d\d: No firewall is on$/);
    expect(await segments.nth(0).getAttribute('class')).toBe('segment fill-fail');
    expect(await segments.nth(1).locator('title').textContent()).toMatch(/^Pass, .*: The firewall is on \(ufw\)$/);
    const caption = page.locator('figure.picture figcaption');
    await segments.nth(0).hover();
    await expect.poll(() => caption.textContent()).toMatch(/^Fail, .*: No firewall is on$/);
    await page.mouse.move(0, 0);
    await segments.nth(1).focus();
    await expect.poll(() => caption.textContent()).toMatch(/^Pass, .*: The firewall is on \(ufw\)$/);
    // The same history in words, for screen readers and anyone who prefers a list.
    expect(await strip.getAttribute('aria-describedby')).toBe('history-list');
    expect(await page.locator('#history-list li').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'check-history-strip.png'), fullPage: true });
  });

  it('shows the last 30 days on the overview as daily bars of failed, unknown and passed checks', async () => {
    const { page } = await open();
    const trend = page.getByRole('group', { name: /^Last 30 days: scanned on 1 day; latest, \d{4}-\d\d-\d\d: 9 failed, 0 could not tell, 2 passed$/ });
    await trend.waitFor();
    const days = trend.getByRole('img');
    expect(await days.count()).toBe(30);
    expect(await days.nth(0).getAttribute('aria-label')).toMatch(/: no scan$/);
    // The day of the first scan (today, unless the test straddles midnight).
    const scanned = days.filter({ hasNot: page.locator('rect.fill-noscan') });
    expect(await scanned.count()).toBe(1);
    const today = scanned.first();
    expect(await today.getAttribute('aria-label')).toMatch(/: 9 failed, 0 could not tell, 2 passed$/);
    expect(await today.locator('rect.fill-failed').count()).toBe(1);
    expect(await today.locator('rect.fill-passed').count()).toBe(1);
    await today.focus();
    await expect.poll(() => page.locator('figure.trend figcaption').textContent()).toMatch(/: 9 failed, 0 could not tell, 2 passed$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-trend.png'), fullPage: true });
  });

  it('exports the report as a file: HTML, JSON and CSV, the same as `porchlight report` writes', async () => {
    const { serve, page } = await open();
    const exportGroup = page.getByRole('group', { name: 'Export report' });
    const save = async (format: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), exportGroup.getByRole('button', { name: format }).click()]);
      const file = await download.path();
      return { name: download.suggestedFilename(), text: readFileSync(file, 'utf8') };
    };
    const html = await save('HTML');
    expect(html.name).toMatch(/^porchlight-report-\d{4}-\d\d-\d\d\.html$/);
    expect(html.text).toContain('<h1 class="verdict-failing">Needs attention</h1>');
    expect(html.text).toContain('<h2 id="title-browser-extensions">Browser extensions <span class="badge badge-fail">Fail</span></h2>');
    expect(html.text).toContain('<svg class="strip"');
    const saved = await save('JSON');
    const json = JSON.parse(saved.text) as { schemaVersion: number; generatedAt: string; checks: { id: string; status: string }[] };
    expect(json.schemaVersion).toBe(1);
    expect(json.checks.find((c) => c.id === 'listening-ports')?.status).toBe('fail');
    const csv = await save('CSV');
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^check_id,check,/);
    await exportGroup.screenshot({ path: path.join(ARTIFACTS, 'export-report.png') });

    // What the window saved is what the CLI writes from the same Porchlight (only the moment it was made differs).
    const cli = await runCli(['report', '--format', 'json'], serve.env);
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as typeof json;
    expect({ ...fromCli, generatedAt: json.generatedAt }).toEqual(json);
  });

  it('labels demo data clearly', async () => {
    const { page } = await open({ args: ['--demo'] });
    await page.getByRole('note').filter({ hasText: 'Demo data.' }).waitFor();
  });
});
