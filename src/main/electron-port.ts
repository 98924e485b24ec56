/**
 * The part of Electron the tray app uses, typed from Electron's own declarations: a fake (the
 * tests') that does not match Electron's signatures fails typecheck, so it cannot drift from the
 * real API. Event subscriptions are declared for the events the app listens to, with Electron's
 * event types; their return value (the emitter itself) is not used.
 */
import type Electron from 'electron';

type Module = typeof Electron;

export interface PorchlightWindow extends Pick<Electron.BrowserWindow, 'show' | 'focus' | 'isDestroyed' | 'loadURL'> {
  once(event: 'ready-to-show', listener: () => void): unknown;
  webContents: Pick<Electron.WebContents, 'setWindowOpenHandler' | 'send' | 'executeJavaScript'> & {
    on(event: 'will-navigate', listener: (details: Electron.Event<Electron.WebContentsWillNavigateEventParams>) => void): unknown;
    on(event: 'will-redirect', listener: (details: Electron.Event<Electron.WebContentsWillRedirectEventParams>) => void): unknown;
    on(event: 'will-frame-navigate', listener: (details: Electron.Event<Electron.WebContentsWillFrameNavigateEventParams>) => void): unknown;
  };
}

export interface ElectronPort {
  app: Pick<
    Module['app'],
    | 'quit'
    | 'focus'
    | 'isPackaged'
    | 'getAppPath'
    | 'getPath'
    | 'setPath'
    | 'setName'
    | 'setAppUserModelId'
    | 'requestSingleInstanceLock'
    | 'whenReady'
  > & {
    dock?: Pick<Electron.Dock, 'hide'> | undefined;
    on(event: 'before-quit', listener: (event: Electron.Event) => void): unknown;
    on(event: 'second-instance' | 'window-all-closed', listener: () => void): unknown;
  };
  BrowserWindow: new (options: Electron.BrowserWindowConstructorOptions) => PorchlightWindow;
  ipcMain: Pick<Module['ipcMain'], 'handle' | 'removeHandler'>;
  Menu: Pick<Module['Menu'], 'buildFromTemplate'>;
  nativeImage: Pick<Module['nativeImage'], 'createFromPath'>;
  net: Pick<Module['net'], 'isOnline'>;
  Notification: Pick<Module['Notification'], 'isSupported'> &
    (new (options: Electron.NotificationConstructorOptions) => Pick<Electron.Notification, 'show'> & {
      on(event: 'click', listener: () => void): unknown;
    });
  protocol: Pick<Module['protocol'], 'handle'>;
  session: { defaultSession: Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> };
  powerMonitor: { on(event: 'resume' | 'unlock-screen', listener: () => void): unknown };
  safeStorage: Pick<Module['safeStorage'], 'isAsyncEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptStringAsync' | 'decryptStringAsync'>;
  shell: Pick<Module['shell'], 'openExternal'>;
  Tray: new (image: Electron.NativeImage) => Pick<Electron.Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy' | 'isDestroyed'> & {
    on(event: 'click', listener: () => void): unknown;
  };
}
