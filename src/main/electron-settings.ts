import ElectronStore from 'electron-store';
import { readSettingsFile, SettingsStore, type Settings } from '../core/settings/settings.js';
import type { OpenedSettings } from '../core/settings/conf-settings.js';

/** Settings in `<data dir>/config.json` through electron-store, the same file the CLI uses. */
export function openElectronSettings(dataDir: string): OpenedSettings {
  const loaded = readSettingsFile(dataDir);
  const store = new ElectronStore<Settings>({ cwd: dataDir, name: 'config' });
  return { ...loaded, store: new SettingsStore({ write: (settings) => (store.store = settings) }, loaded.settings) };
}
