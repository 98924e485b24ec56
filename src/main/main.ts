/**
 * The tray app's entry: wiring only. Electron's modules go to TrayApp as its port; Porchlight is
 * composed for the data dir the CLI also uses.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as electron from 'electron';
import { Porchlight } from '../app/porchlight.js';
import { resolveDataDir } from '../core/paths/data-dir.js';
import { projectRoot } from '../core/paths/project-assets.js';
import { platformSchema } from '../core/platform.js';
import { APP_ID } from './app-id.js';
import { APP_SCHEME_PRIVILEGES } from './app-protocol.js';
import { openElectronSettings } from './electron-settings.js';
import { safeStorageCodec } from './safe-storage-codec.js';
import { electronLoginItem, xdgAutostart } from './login-item.js';
import { TrayApp } from './tray-app.js';

const { app } = electron;

const { values: flags } = parseArgs({
  args: process.argv.slice(app.isPackaged ? 1 : 2),
  options: {
    demo: { type: 'boolean' },
    platform: { type: 'string' },
    'data-dir': { type: 'string' },
    hidden: { type: 'boolean' },
    osqueryd: { type: 'string' },
  },
  strict: false,
});

const root = app.isPackaged ? app.getAppPath() : projectRoot();

// The CLI's rule, so the tray app and `porchlight` always share one data dir. Electron keeps its own
// files there too (by default they would go to the roaming %APPDATA% on Windows).
const dataDir = resolveDataDir({ flag: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined });
app.setName('Porchlight');
app.setPath('userData', dataDir);
app.setAppUserModelId(APP_ID);
// Only possible before the app is ready.
electron.protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  // What follows the executable to start this app again: in a checkout, the app's folder.
  const relaunch = app.isPackaged ? [] : [app.getAppPath()];
  const loginItem =
    process.platform === 'linux'
      ? xdgAutostart(process.env.XDG_CONFIG_HOME ?? path.join(app.getPath('home'), '.config'), [process.execPath, ...relaunch])
      : electronLoginItem(app, relaunch);
  const demoPlatform = platformSchema.safeParse(flags.platform);
  const porchlight = new Porchlight({
    dataDir,
    demo: flags.demo ? { platform: demoPlatform.success ? demoPlatform.data : undefined } : undefined,
    openSettings: openElectronSettings,
    osquerydPath: typeof flags.osqueryd === 'string' ? flags.osqueryd : undefined,
    resourcesPath: app.isPackaged ? process.resourcesPath : undefined,
    sqliteBinding: process.env.PORCHLIGHT_SQLITE_BINDING,
    secretCodec: await safeStorageCodec(electron),
    api: { openExternal: (url) => electron.shell.openExternal(url), loginItem },
  });
  const trayApp = new TrayApp(electron, porchlight, {
    rendererDir: path.join(root, 'dist', 'renderer'),
    preload: path.join(root, 'dist', 'preload', 'preload.cjs'),
    assetsDir: path.join(root, 'assets'),
    // A tray app opens its window by itself only on its first run (or a demo), never when started at login.
    showWindowAtStart: !flags.hidden && (porchlight.agent.lastScan() === undefined || flags.demo === true),
  });
  // A session's logout (SIGTERM) or Ctrl-C quits as the menu does, stopping osqueryd.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => app.quit());
  (globalThis as { porchlightTray?: () => unknown }).porchlightTray = () => trayApp.trayState();
  await trayApp.start();
}
