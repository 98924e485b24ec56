import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Porchlight';

export interface DataDirSources {
  /** `--data-dir` from the command line. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * Where Porchlight keeps its state: `--data-dir`, else PORCHLIGHT_HOME, else the per-user app-data
 * folder. The tray app and the CLI both ask here, so they share it (the tray app also gives it to
 * Electron as userData). On Windows that is %LOCALAPPDATA%, not the roaming %APPDATA%: everything
 * here (history, osquery's database and logs, settings about this machine's ports and findings)
 * belongs to this machine, and a roaming profile would copy it to every machine signed into.
 */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  if (sources.flag) return path.resolve(sources.flag);
  if (env.PORCHLIGHT_HOME) return path.resolve(env.PORCHLIGHT_HOME);
  const platform = sources.platform ?? process.platform;
  const home = sources.home ?? os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(home, 'AppData', 'Local'), APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_NAME);
  }
}
