import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFleetPolicies } from '../../src/core/checks/fleet/fleet-import.js';
import { fleetLibrary } from '../helpers/fleet-library.js';
import { tempDir } from '../helpers/standin.js';
import { ARTIFACTS, chromiumForTests, startServe } from './serve.js';

const chromium = chromiumForTests();

/** Imports a library file into a data dir, as `porchlight checks import` does. */
function importLibrary(dataDir: string, name: string, text: string): void {
  const file = path.join(tempDir(), name);
  writeFileSync(file, text);
  importFleetPolicies(dataDir, file, Buffer.from(text));
}

const FAMILY = ['Root filesystem is mounted', 'ufw is installed', 'OpenSSH server is installed']
  .map((name, i) => `apiVersion: v1\nkind: policy\nspec:\n  name: ${name}\n  platform: linux\n  query: ${["SELECT 1 FROM mounts WHERE path = '/'", "SELECT 1 FROM deb_packages WHERE name = 'ufw'", "SELECT 1 FROM deb_packages WHERE name = 'openssh-server'"][i]}\n`)
  .join('---\n');

describe('the overview with 300 imported checks, in Chromium', () => {
  it('groups by source, folds what passes, says each cause of errors once, and searches, filters and turns a set off', { timeout: 60_000 }, async () => {
    const serve = chromium.stopAfterTest(await startServe([], {}, (dataDir) => {
      importLibrary(dataDir, 'cis-policy-queries.yml', fleetLibrary(300));
      importLibrary(dataDir, 'family.yml', FAMILY);
    }));
    const page = await chromium.newPage(15_000);
    await page.goto(serve.url);
    await page.getByRole('list', { name: 'Checks' }).waitFor();
    const group = (name: string) => page.getByRole('button', { name, exact: true });

    // Groups that need a look are open; the set where everything passes is folded.
    expect(await page.getByText('318 checks: 55 pass, 59 fail, 100 could not run, 100 to check by hand, 4 not on this OS').count()).toBe(1);
    await expect(group('Built-in').getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(group('cis-policy-queries').getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(group('family').getAttribute('aria-expanded')).resolves.toBe('false');
    expect(await page.getByRole('list', { name: 'family' }).count()).toBe(0);
    const cis = page.getByRole('list', { name: 'cis-policy-queries' });
    // Failing checks first; 100 errors with two causes are two lines, each naming its cause once.
    await expect(cis.locator(':scope > li').first().getAttribute('class')).resolves.toBe('check check-fail');
    const causes = cis.locator('.cause summary');
    expect(await causes.allTextContents()).toEqual([
      "Error 50 checks could not run: uses `sysctl`: osquery's table is system_controls, not sysctl (osquery: no such table: sysctl)",
      "Error 50 checks could not run: needs Fleet's `file_lines` extension table, which a plain osqueryd does not have (osquery: no such table: file_lines)",
    ]);
    expect(await cis.locator(':scope > li').count()).toBe(50 + 2 + 50 + 100);

    // Folding and unfolding a group.
    await group('Built-in').click();
    expect(await page.getByRole('list', { name: 'Built-in' }).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-300-imported.png'), fullPage: false });
    await group('cis-policy-queries').click();
    expect(await cis.count()).toBe(0);
    await group('family').click();
    expect(await page.getByRole('link', { name: /^ufw is installed: pass$/ }).count()).toBe(1);
    await group('cis-policy-queries').click();

    // Search narrows every group to what matches, and opens the groups that have it.
    await page.getByLabel('Search').fill('1.7 ensure package');
    await expect.poll(() => page.locator('.check-group').count()).toBe(1);
    expect(await cis.getByRole('link').allTextContents()).toEqual(['PassCIS Distribution Linux - 1.7 Ensure package 1.7 is not installed (Automated)Passed']);

    // The status filter: the 100 checks by hand, and only them.
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Show').selectOption({ label: 'Check by hand' });
    await expect.poll(() => cis.getByRole('link').count()).toBe(100);
    expect(await page.getByRole('link', { name: /: check by hand$/ }).count()).toBe(100);
    expect(await page.getByRole('list', { name: 'Built-in' }).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-300-check-by-hand.png'), fullPage: false });
    await page.getByLabel('Show').selectOption({ label: 'All checks' });

    // A whole imported set off at once, through the agent: it leaves the overview and can be turned back on.
    await page.getByRole('button', { name: 'Turn off all 300 checks of cis-policy-queries' }).click();
    await expect.poll(() => group('cis-policy-queries').count()).toBe(0);
    await page.getByText('cis-policy-queries — 300 checks, not scanned').waitFor();
    await page.getByRole('button', { name: 'Turn on cis-policy-queries' }).click();
    await page.getByRole('button', { name: 'Scan now' }).click();
    await expect.poll(() => group('cis-policy-queries').count()).toBe(1);
  });
});
