import path from 'node:path';
import type { OverallState } from '../core/overall-state.js';

/**
 * The tray image for a state: macOS template images (black + alpha, tinted by the menu bar),
 * coloured PNGs on Linux, ICO on Windows. Made by scripts/make-icons.mjs into assets/tray/.
 */
export function trayIconPath(assetsDir: string, state: OverallState, platform: NodeJS.Platform): string {
  const dir = path.join(assetsDir, 'tray');
  if (platform === 'darwin') return path.join(dir, `${state}Template.png`);
  if (platform === 'win32') return path.join(dir, `${state}.ico`);
  return path.join(dir, `${state}.png`);
}
