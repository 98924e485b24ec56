import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers/standin.js';
import { electronLoginItem, xdgAutostart } from './login-item.js';

afterEach(removeTempDirs);

describe('start at login', () => {
  it('on Linux writes and removes an XDG autostart entry that starts hidden', async () => {
    const config = tempDir();
    const item = xdgAutostart(config, ['/opt/Porchlight/porchlight', '/home/ann/My Apps/porchlight']);
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    expect(await item.isEnabled()).toBe(true);
    const entry = readFileSync(path.join(config, 'autostart', 'porchlight.desktop'), 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec=/opt/Porchlight/porchlight "/home/ann/My Apps/porchlight" --hidden');
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
  });

  it("on macOS and Windows uses the OS's login items through Electron, read back with the arguments they were set with", async () => {
    // Windows' Run key as Electron sees it: an entry is on only for the arguments it was written with.
    const runKey = new Map<string, boolean>();
    const item = electronLoginItem(
      {
        getLoginItemSettings: (options) => ({ openAtLogin: runKey.get(options.args.join(' ')) ?? false }),
        setLoginItemSettings: (settings) => runKey.set(settings.args.join(' '), settings.openAtLogin),
      },
      ['C:\\Users\\Ann\\porchlight'],
    );
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    expect([...runKey]).toEqual([['C:\\Users\\Ann\\porchlight --hidden', true]]);
    expect(await item.isEnabled()).toBe(true);
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
  });
});
