import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyDemoLaptop, runCli, STANDIN_OSQUERYD, tempDir } from '../helpers/standin.js';
import { ARTIFACTS, chromiumForTests } from './serve.js';

const chromium = chromiumForTests();

/** `porchlight report --out` after two scans of the demo laptop, the second after the firewall came on. */
async function writeReport(): Promise<string> {
  const dir = tempDir();
  const { fixture, edit } = copyDemoLaptop(dir);
  const env = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: path.join(dir, 'data') };
  await runCli(['check'], env);
  edit((laptop) => {
    laptop.tables.chrome_extensions!.find((row) => row.name === 'Coupon Finder Pro')!.name = '<script>alert(1)</script>';
    (laptop as typeof laptop & { files: Record<string, string> }).files['/etc/ufw/ufw.conf'] = 'ENABLED=yes\n';
  });
  await runCli(['check'], env);
  const file = path.join(dir, 'porchlight report.html');
  const written = await runCli(['report', '--out', file], env);
  expect(written.code, written.stderr).toBe(0);
  return file;
}

describe('the HTML report in Chromium, opened from its file', () => {
  it('shows every check with a history strip and the trend, runs nothing and fetches nothing', async () => {
    const file = await writeReport();
    const page = await chromium.newPage(30_000);
    const requests: string[] = [];
    const complaints: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => complaints.push(message.text()));
    page.on('pageerror', (error) => complaints.push(error.message));
    page.on('dialog', (dialog) => {
      complaints.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });

    expect(requests).toEqual([url]);
    expect(complaints).toEqual([]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Needs attention');
    for (const title of ['Disk encryption', 'Browser extensions', 'Services open to the network', 'Firewall', 'Authorized SSH keys']) {
      await page.getByRole('heading', { level: 2, name: new RegExp(`^${title} `) }).waitFor();
      expect(await page.getByRole('img', { name: new RegExp(`^${title} over time: `) }).count(), title).toBe(1);
    }
    expect(await page.getByRole('heading', { level: 2, name: 'Firewall Pass' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /^Firewall over time: 2 results/ }).locator('rect title').allTextContents()).toEqual([
      expect.stringMatching(/^Fail, .*: No firewall is on$/),
      expect.stringMatching(/^Pass, /),
    ]);
    expect(await page.getByRole('img', { name: /^Last 30 days: scanned on [12] days?; latest, / }).locator('rect').count()).toBeGreaterThanOrEqual(30);
    expect(await page.getByText('<script>alert(1)</script> (chrome)').count()).toBe(1);
    // Styled by its own inline stylesheet: the CSP let it apply.
    const background = await page.locator('.badge-fail').first().evaluate((badge) => {
      // Runs in the page, where getComputedStyle is the window's.
      const view = globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } };
      return view.getComputedStyle(badge).backgroundColor;
    });
    expect(background).toBe('rgb(254, 226, 226)');

    // Printed: a page per check section, on white.
    const pdf = await page.pdf({ path: path.join(ARTIFACTS, 'report.pdf'), printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(12);
    expect(readFileSync(file, 'utf8')).not.toMatch(/prefers-color-scheme/);
  });
});
