import path from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasDisplay, installedElectron } from '../../src/main/electron-binary.js';
import { REPO_ROOT, removeTempDirs, tempDir } from '../helpers/standin.js';

const binary = installedElectron();
const skipReason = !binary
  ? 'no Electron binary installed (run `npx install-electron` where downloads work)'
  : !hasDisplay()
    ? 'no display (run under Xvfb: xvfb-run npm test)'
    : undefined;

if (skipReason) {
  process.stderr.write(`\n  SKIPPED Electron end-to-end tests: ${skipReason}\n\n`);
}

interface TrayState {
  overall: string;
  demo: boolean;
  checks?: { checkId: string; status: string }[];
}

describe.skipIf(skipReason !== undefined)(`Electron end-to-end${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let app: ElectronApplication | undefined;
  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  it('starts as a tray app on demo data, shows the tray state and opens the window', async () => {
    app = await electron.launch({
      executablePath: binary!,
      args: [REPO_ROOT, '--demo', '--data-dir', path.join(tempDir(), 'data')],
    });
    const window = await app.firstWindow();
    await window.getByRole('list', { name: 'Checks' }).waitFor({ timeout: 30_000 });
    await window.getByRole('note').filter({ hasText: 'Demo data.' }).waitFor();

    const tray = await app.evaluate(() => (globalThis as unknown as { porchlightTray: () => TrayState }).porchlightTray());
    expect(tray.demo).toBe(true);
    expect(tray.overall).toBe('failing');
    expect(tray.checks?.find((c) => c.checkId === 'disk-encryption')?.status).toBe('pass');

    const preferences = await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require);
    expect(preferences).toBe('undefined');
  });
});
