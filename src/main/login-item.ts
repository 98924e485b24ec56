import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoginItem } from '../api/agent-api.js';

/** Electron's login-item settings (macOS login items, Windows Run key). */
export interface LoginItemSettingsApi {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
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

/** macOS and Windows: the OS's own login items, through Electron. */
export function electronLoginItem(app: LoginItemSettingsApi): LoginItem {
  return {
    isEnabled: async () => app.getLoginItemSettings().openAtLogin,
    setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] }),
  };
}
