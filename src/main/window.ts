import type { BrowserWindowConstructorOptions, Session } from 'electron';
import type { PorchlightWindow } from './electron-port.js';
import { isOpenableLink } from '../api/contract.js';
import { APP_INDEX_URL, isAppPage } from './app-protocol.js';

/** The renderer gets no Node, runs sandboxed and isolated, and talks only through the preload. */
export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Electron's app.focus. */
export interface AppFocus {
  focus(options?: { steal: boolean }): void;
}

/**
 * Shows the window in front. On macOS a tray app (LSUIElement: no Dock icon) is not the active
 * app when its menu or a notification is used, and show() alone can leave the window behind the
 * active app's: app.focus({ steal: true }) makes Porchlight active first.
 */
export function bringToFront(window: Pick<PorchlightWindow, 'show' | 'focus'>, app: AppFocus, platform: NodeJS.Platform = process.platform): void {
  window.show();
  if (platform === 'darwin') app.focus({ steal: true });
  window.focus();
}

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => PorchlightWindow;
  app: AppFocus;
  platform?: NodeJS.Platform;
  openExternal: (url: string) => Promise<void>;
  preload: string;
  icon?: string;
}

/**
 * The Porchlight window, on app://porchlight/. Leaving it is refused however it is tried (a link, a
 * redirect, a frame); allow-listed links go to the OS instead.
 */
export function createMainWindow(deps: WindowDeps, route = '/'): PorchlightWindow {
  const window = new deps.BrowserWindow({
    width: 1100,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Porchlight',
    icon: deps.icon,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(deps.preload),
  });
  const stayOnOurPage = (event: { url: string; preventDefault(): void }) => {
    if (!isAppPage(event.url)) event.preventDefault();
  };
  window.webContents.on('will-navigate', stayOnOurPage);
  window.webContents.on('will-redirect', stayOnOurPage);
  window.webContents.on('will-frame-navigate', stayOnOurPage);
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isOpenableLink(url)) void deps.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => bringToFront(window, deps.app, deps.platform));
  void window.loadURL(`${APP_INDEX_URL}#${route}`);
  return window;
}

/**
 * The window needs no camera, microphone, location, notifications (the tray app sends those),
 * clipboard, HID or anything else a page can ask for: every request and every check says no.
 */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, answer) => answer(false));
  session.setPermissionCheckHandler(() => false);
}
