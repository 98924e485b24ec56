import { loadChecks } from '../core/checks/loader.js';
import type { LoadedCheck } from '../core/checks/definition.js';
import { openConfSettings } from '../core/settings/conf-settings.js';
import type { SettingsStore } from '../core/settings/settings.js';
import { HistoryStore } from '../core/store/history-store.js';
import { UsageError, type CommandContext } from './options.js';

export interface LocalState {
  store: HistoryStore;
  settings: SettingsStore;
  checks: () => LoadedCheck[];
  close(): void;
}

/** History, settings and checks of the data dir; warnings (kept-aside files, bad check files) go to stderr. */
export function openLocalState(ctx: CommandContext): LocalState {
  const settings = openConfSettings(ctx.dataDir);
  const opened = HistoryStore.open(ctx.dataDir);
  for (const warning of [settings.warning, opened.warning]) if (warning) ctx.err(`warning: ${warning}\n`);
  // A CLI command is short-lived: the check files are read once, when first needed.
  let loaded: LoadedCheck[] | undefined;
  return {
    store: opened.store,
    settings: settings.store,
    checks: () => {
      if (loaded) return loaded;
      const { checks, errors } = loadChecks(ctx.dataDir);
      for (const error of errors) ctx.err(`warning: check file skipped: ${error.message}\n`);
      return (loaded = checks);
    },
    close: () => opened.store.close(),
  };
}

/** A date given to `option`; a usage error when it is not one. */
export function parseDate(value: string, option: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new UsageError(`${option} takes a date like 2026-12-31 or 2026-12-31T18:00, not "${value}"`);
  return time;
}
