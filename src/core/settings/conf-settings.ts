import Conf from 'conf';
import { readSettingsFile, SettingsStore, type LoadedSettings, type Settings } from './settings.js';

export interface OpenedSettings extends LoadedSettings {
  store: SettingsStore;
}

/** Settings in `<data dir>/config.json` through `conf` (atomic writes), for the CLI and tests. */
export function openConfSettings(dataDir: string): OpenedSettings {
  const loaded = readSettingsFile(dataDir);
  const conf = new Conf<Settings>({ cwd: dataDir, configName: 'config', projectName: 'porchlight', projectSuffix: '' });
  const store = new SettingsStore({ write: (settings) => (conf.store = settings) }, loaded.settings);
  return { ...loaded, store };
}
