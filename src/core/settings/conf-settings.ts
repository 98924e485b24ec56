import Conf from 'conf';
import { ensurePrivateDataDir, PRIVATE_FILE_MODE } from '../paths/private-data-dir.js';
import { readSettingsFile, SettingsStore, type LoadedSettings, type Settings } from './settings.js';

export interface OpenedSettings extends LoadedSettings {
  store: SettingsStore;
}

/** Settings in `<data dir>/config.json` through `conf` (atomic writes), for the CLI and tests. */
export function openConfSettings(dataDir: string): OpenedSettings {
  ensurePrivateDataDir(dataDir);
  const loaded = readSettingsFile(dataDir);
  const conf = new Conf<Settings>({
    cwd: dataDir,
    configName: 'config',
    projectName: 'porchlight',
    projectSuffix: '',
    configFileMode: PRIVATE_FILE_MODE,
  });
  const store = new SettingsStore({ write: (settings) => (conf.store = settings) }, loaded.settings);
  return { ...loaded, store };
}
