import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoginItem } from '../api/agent-api.js';

/** Electron's login-item settings (macOS login items, Windows Run key). */
export interface LoginItemSettingsApi {
  getLoginItemSettings(options: { args: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args: string[] }): void;
}

export const HIDDEN_FLAG = '--hidden';

/** A value quoted for a desktop entry's Exec key (freedesktop rules). */
function quoteExec(argument: string): string {
  return /[\s"'\\$`]/.test(argument) ? `"${argument.replace(/(["`$\\])/g, '\\$1')}"` : argument;
}

/** Linux: an XDG autostart entry in ~/.config/autostart. */
export function xdgAutostart(configHome: string, command: string[]): LoginItem {
  const file = path.join(configHome, 'autostart', 'porchlight.desktop');
  return {
    isEnabled: async () => existsSync(file),
    setEnabled: async (enabled) => {
      if (!enabled) {
        rmSync(file, { force: true });
        return;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(
        file,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=Porchlight',
          'Comment=Personal device-security checks',
          `Exec=${[...command, HIDDEN_FLAG].map(quoteExec).join(' ')}`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      );
    },
  };
}

/**
 * macOS and Windows: the OS's own login items, through Electron. `relaunch` is what follows the
 * executable to start Porchlight (nothing when packaged; the app's folder in a checkout). Windows
 * finds its Run key entry by executable and arguments, so getLoginItemSettings is asked with the
 * very `args` setLoginItemSettings was given; without them it reads off (Electron's
 * app.getLoginItemSettings documentation).
 */
export function electronLoginItem(app: LoginItemSettingsApi, relaunch: string[] = []): LoginItem {
  const args = [...relaunch, HIDDEN_FLAG];
  return {
    isEnabled: async () => app.getLoginItemSettings({ args }).openAtLogin,
    setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args }),
  };
}
