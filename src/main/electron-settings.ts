import ElectronStore from 'electron-store';
import { ensurePrivateDataDir, PRIVATE_FILE_MODE } from '../core/paths/private-data-dir.js';
import { readSettingsFile, SettingsStore, type Settings } from '../core/settings/settings.js';
import type { OpenedSettings } from '../core/settings/conf-settings.js';

/** Settings in `<data dir>/config.json` through electron-store, the same file the CLI uses. */
export function openElectronSettings(dataDir: string): OpenedSettings {
  ensurePrivateDataDir(dataDir);
  const loaded = readSettingsFile(dataDir);
  const store = new ElectronStore<Settings>({ cwd: dataDir, name: 'config', configFileMode: PRIVATE_FILE_MODE });
  return { ...loaded, store: new SettingsStore({ write: (settings) => (store.store = settings) }, loaded.settings) };
}
