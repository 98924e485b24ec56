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

  it("on macOS and Windows uses the OS's login items through Electron", async () => {
    let settings = { openAtLogin: false, args: [] as string[] | undefined };
    const item = electronLoginItem({
      getLoginItemSettings: () => settings,
      setLoginItemSettings: (next) => {
        settings = { openAtLogin: next.openAtLogin, args: next.args };
      },
    });
    await item.setEnabled(true);
    expect(settings).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(await item.isEnabled()).toBe(true);
  });
});
