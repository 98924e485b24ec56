/**
 * The tray app: Electron around the core Agent. Everything here is wiring; the logic it drives
 * (menu model, notification policy, IPC checks, API) lives in small modules tested without Electron.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  shell,
  Tray,
  type MenuItemConstructorOptions,
} from 'electron';
import { subscribeAgentEvents } from '../api/agent-events.js';
import { EVENT_CHANNEL } from '../api/ipc-channels.js';
import { Porchlight } from '../app/porchlight.js';
import type { Agent } from '../core/agent.js';
import { needsAttention } from '../core/checks/scanner.js';
import { platformSchema } from '../core/platform.js';
import { resolveDataDir } from '../core/paths/data-dir.js';
import { projectRoot } from '../core/paths/project-assets.js';
import { APP_ID } from './app-id.js';
import { registerApiIpc, trustedPage } from './ipc.js';
import { electronLoginItem, xdgAutostart } from './login-item.js';
import { openElectronSettings } from './electron-settings.js';
import { NotificationPolicy } from './notification-policy.js';
import { SystemTray, type TrayHandle } from './system-tray.js';
import { trayIconPath } from './tray-icons.js';
import type { MenuItemSpec, TrayAction, TrayState } from './tray-menu.js';
import { bringToFront, createMainWindow } from './window.js';

const RESCAN_DEBOUNCE_MS = 30_000;

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
const indexHtml = path.join(root, 'dist', 'renderer', 'index.html');
const preload = path.join(root, 'dist', 'preload', 'preload.cjs');
const assetsDir = path.join(root, 'assets');
const isTrusted = trustedPage(indexHtml);

// The CLI's rule, so the tray app and `porchlight` always share one data dir. Electron keeps its own
// files there too (by default they would go to the roaming %APPDATA% on Windows).
const baseDir = resolveDataDir({ flag: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined });
app.setName('Porchlight');
app.setPath('userData', baseDir);
app.setAppUserModelId(APP_ID);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('window-all-closed', () => {
    // A tray app keeps running with no window open.
  });
  void app.whenReady().then(start);
}

let agent: Agent | undefined;
let tray: SystemTray | undefined;
let window: BrowserWindow | undefined;
let quitting = false;

const checkRoute = (checkId: string | undefined) => (checkId ? `/check/${encodeURIComponent(checkId)}` : undefined);

/** Shows the window, on `route` when given (an open window otherwise stays where it is). */
function showWindow(route?: string): void {
  if (window && !window.isDestroyed()) {
    if (route) window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#${route}`)}`).catch(() => undefined);
    bringToFront(window, app);
    return;
  }
  window = createMainWindow(
    {
      BrowserWindow,
      app,
      openExternal: (url) => shell.openExternal(url),
      isTrusted,
      indexHtml,
      preload,
      icon: path.join(assetsDir, 'app', 'icon.png'),
    },
    route ?? '/',
  );
}

function electronTray(iconPath: string): TrayHandle {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  const toElectron = (items: MenuItemSpec[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] =>
    items.map((item) => ({
      label: item.label,
      type: item.submenu ? 'submenu' : (item.type ?? 'normal'),
      enabled: item.enabled ?? true,
      submenu: item.submenu ? toElectron(item.submenu, onAction) : undefined,
      click: item.action ? () => onAction(item.action!) : undefined,
    }));
  return {
    setImage: (icon) => tray.setImage(nativeImage.createFromPath(icon)),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items, onAction) => tray.setContextMenu(Menu.buildFromTemplate(toElectron(items, onAction))),
    onClick: (handler) => tray.on('click', handler),
    destroy: () => tray.destroy(),
  };
}

function trayState(current: Agent): TrayState {
  const status = current.status();
  const report = current.lastReport();
  return {
    overall: status.overall,
    lastScanAt: status.lastScanAt,
    checks: report?.results,
    attention: (report?.results ?? []).flatMap((r) =>
      r.findings.filter(needsAttention).map((f) => ({ id: f.id, checkId: r.checkId, title: f.title })),
    ),
    osquery: status.osquery,
    scanning: status.scanning,
    pausedUntil: status.pausedUntil,
    demo: status.demo,
    now: Date.now(),
    fleet: current.fleetStatus(),
  };
}

function onTrayAction(action: TrayAction): void {
  if (!agent) return;
  switch (action.kind) {
    case 'scan-now':
      void agent.scanNow('tray').catch(() => undefined);
      break;
    case 'open-window':
      showWindow(checkRoute(action.checkId));
      break;
    case 'pause':
      agent.pause(action.minutes);
      break;
    case 'resume':
      agent.pause(0);
      break;
    case 'retry-osquery':
      void agent.retryOsquery();
      break;
    case 'preferences':
      showWindow('/settings');
      break;
    case 'quit':
      app.quit();
      break;
  }
  if (tray && agent) tray.update(trayState(agent));
}

async function start(): Promise<void> {
  if (process.platform === 'darwin') app.dock?.hide();
  const demoPlatform = platformSchema.safeParse(flags.platform);
  // What follows the executable to start this app again: in a checkout, the app's folder.
  const relaunch = app.isPackaged ? [] : [app.getAppPath()];
  const loginItem =
    process.platform === 'linux'
      ? xdgAutostart(process.env.XDG_CONFIG_HOME ?? path.join(app.getPath('home'), '.config'), [process.execPath, ...relaunch])
      : electronLoginItem(app, relaunch);
  const porchlight = new Porchlight({
    dataDir: baseDir,
    demo: flags.demo ? { platform: demoPlatform.success ? demoPlatform.data : undefined } : undefined,
    openSettings: openElectronSettings,
    osquerydPath: typeof flags.osqueryd === 'string' ? flags.osqueryd : undefined,
    resourcesPath: app.isPackaged ? process.resourcesPath : undefined,
    sqliteBinding: process.env.PORCHLIGHT_SQLITE_BINDING,
    api: { openExternal: (url) => shell.openExternal(url), loginItem },
  });
  const current = porchlight.agent;
  agent = current;
  registerApiIpc(ipcMain, porchlight.api, isTrusted);
  subscribeAgentEvents(current, (name, payload) => {
    if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload);
  });
  // Only the events that change what the tray shows; finding events arrive with scan-finished.
  for (const name of ['osquery-state', 'scan-started', 'scan-finished', 'scan-failed', 'results-changed'] as const) {
    current.on(name, () => tray?.update(trayState(current)));
  }

  tray = new SystemTray(electronTray, (state) => trayIconPath(assetsDir, state, process.platform), onTrayAction, trayState(current));
  (globalThis as { porchlightTray?: () => TrayState }).porchlightTray = () => trayState(current);

  const policy = new NotificationPolicy();
  current.on('scan-finished', (report) => {
    if (!Notification.isSupported()) return;
    for (const pending of policy.decide(report, current.settings().notifications, new Date())) {
      const notification = new Notification({ title: pending.title, body: pending.body, silent: false });
      notification.on('click', () => showWindow(checkRoute(pending.checkId)));
      notification.show();
    }
  });

  let rescanTimer: NodeJS.Timeout | undefined;
  const rescanSoon = () => {
    clearTimeout(rescanTimer);
    rescanTimer = setTimeout(() => void current.scanNow('resume').catch(() => undefined), RESCAN_DEBOUNCE_MS);
  };
  powerMonitor.on('resume', rescanSoon);
  powerMonitor.on('unlock-screen', rescanSoon);
  let online = net.isOnline();
  setInterval(() => {
    const now = net.isOnline();
    if (now !== online) rescanSoon();
    online = now;
  }, 15_000).unref();

  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    tray?.destroy();
    void porchlight.stop().finally(() => app.quit());
  });

  // A tray app opens its window by itself only on its first run (or a demo), never when started at login.
  const firstRun = current.lastScan() === undefined;
  if (!flags.hidden && (firstRun || flags.demo)) showWindow();
  await porchlight.start().catch(() => undefined);
}
