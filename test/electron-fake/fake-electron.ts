/**
 * A fake of the Electron the tray app uses (src/main/electron-port.ts), for tests that cannot
 * start Electron. It behaves like Electron where the app relies on it: a destroyed Tray or window
 * throws "Object has been destroyed" when touched, app.quit() asks `before-quit` first (which may
 * prevent it), notifications and menu items can be clicked, a window loads its URL through the
 * handler registered for its scheme (as Electron's protocol.handle does), schemes can be made
 * privileged only before the app is ready. What happened is kept in `log`.
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { ElectronPort } from '../../src/main/electron-port.js';

type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

export type FakeMenuItem = MenuItemConstructorOptions & { submenu?: FakeMenuItem[] };

export interface FakeElectronOptions {
  appPath: string;
  /** Called once the app really quits (no before-quit listener prevented it). */
  onQuit?: () => void;
}

const destroyed = () => new TypeError('Object has been destroyed');

export function createFakeElectron(options: FakeElectronOptions) {
  const log: string[] = [];
  const trays: FakeTray[] = [];
  const windows: FakeWindow[] = [];
  const notifications: FakeNotification[] = [];
  const ipcHandlers = new Map<string, Listener>();
  const protocols = new Map<string, (request: Request) => Response | Promise<Response>>();
  const permissions: { request?: Listener; check?: Listener } = {};
  let online = true;
  let quitting = false;
  let ready = false;

  class Emitter extends EventEmitter {
    override on(event: string, listener: Listener): this {
      return super.on(event, listener);
    }
  }

  const appEvents = new Emitter();
  const app = {
    isPackaged: false,
    dock: { hide: () => void log.push('dock hidden') },
    on: (event: string, listener: Listener) => {
      appEvents.on(event, listener);
      return app;
    },
    quit: () => {
      if (quitting) return;
      let prevented = false;
      appEvents.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      quitting = true;
      log.push('quit');
      options.onQuit?.();
    },
    focus: (focusOptions?: { steal: boolean }) => void log.push(`app focus${focusOptions?.steal ? ' (steal)' : ''}`),
    getAppPath: () => options.appPath,
    getPath: (name: string) => (name === 'home' ? os.homedir() : os.tmpdir()),
    setPath: (name: string, value: string) => void log.push(`path ${name} ${value}`),
    setName: (name: string) => void log.push(`name ${name}`),
    setAppUserModelId: (id: string) => void log.push(`app user model id ${id}`),
    requestSingleInstanceLock: () => true,
    whenReady: () => {
      ready = true;
      return Promise.resolve();
    },
    // What electron-store (the tray app's settings) asks of Electron's app.
    getVersion: () => '0.0.0-fake',
  };

  class FakeTray {
    private gone = false;
    tooltip = '';
    image = '';
    menu: FakeMenuItem[] = [];
    private readonly events = new Emitter();
    constructor(image: NativeImage) {
      this.image = (image as unknown as { path: string }).path;
      trays.push(this);
    }
    private alive(): void {
      if (this.gone) throw destroyed();
    }
    setImage(image: NativeImage | string): void {
      this.alive();
      this.image = typeof image === 'string' ? image : (image as unknown as { path: string }).path;
    }
    setToolTip(text: string): void {
      this.alive();
      this.tooltip = text;
    }
    setContextMenu(menu: unknown): void {
      this.alive();
      this.menu = (menu as { items: FakeMenuItem[] }).items;
    }
    on(event: string, listener: Listener): this {
      this.alive();
      this.events.on(event, listener);
      return this;
    }
    click(): void {
      this.alive();
      this.events.emit('click');
    }
    destroy(): void {
      this.alive();
      this.gone = true;
      log.push('tray destroyed');
    }
    isDestroyed(): boolean {
      return this.gone;
    }
  }

  class FakeWindow {
    private gone = false;
    /** What the page's URL answered through its scheme's handler. */
    loaded: { url: string; status: number; contentType: string | null; body: string } | undefined;
    readonly sent: { channel: string; args: unknown[] }[] = [];
    private readonly events = new Emitter();
    private readonly contentEvents = new Emitter();
    readonly webContents = {
      on: (event: string, listener: Listener) => {
        this.alive();
        this.contentEvents.on(event, listener);
        return this.webContents;
      },
      setWindowOpenHandler: () => this.alive(),
      send: (channel: string, ...args: unknown[]) => {
        this.alive();
        this.sent.push({ channel, args });
      },
      executeJavaScript: (code: string) => {
        this.alive();
        log.push(`window runs ${code}`);
        return Promise.resolve();
      },
    };
    constructor(readonly options: unknown) {
      windows.push(this);
    }
    private alive(): void {
      if (this.gone) throw destroyed();
    }
    once(event: string, listener: Listener): this {
      this.alive();
      this.events.once(event, listener);
      return this;
    }
    async loadURL(url: string): Promise<void> {
      this.alive();
      log.push(`window loads ${url}`);
      const handler = protocols.get(new URL(url).protocol.slice(0, -1));
      if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME: ${url}`);
      const response = await handler(new Request(url));
      this.loaded = { url, status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
      setImmediate(() => this.events.emit('ready-to-show'));
    }
    /** The page tries to go to `url` by `how`; true when the app let it. */
    tryToLeave(how: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
      let prevented = false;
      this.contentEvents.emit(how, { url, preventDefault: () => (prevented = true) });
      return !prevented;
    }
    show(): void {
      this.alive();
      log.push('window shown');
    }
    focus(): void {
      this.alive();
    }
    isDestroyed(): boolean {
      return this.gone;
    }
    close(): void {
      this.gone = true;
    }
  }

  class FakeNotification {
    private readonly events = new Emitter();
    shown = false;
    constructor(readonly options: { title?: string; body?: string }) {
      notifications.push(this);
    }
    static isSupported(): boolean {
      return true;
    }
    on(event: string, listener: Listener): this {
      this.events.on(event, listener);
      return this;
    }
    show(): void {
      this.shown = true;
      log.push(`notification: ${this.options.title}`);
    }
    click(): void {
      this.events.emit('click');
    }
  }

  const powerMonitor = new Emitter();
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, listener: Listener) => void ipcHandlers.set(channel, listener),
      removeHandler: (channel: string) => void ipcHandlers.delete(channel),
      // electron-store answers its renderer-side copies on this channel.
      on: (channel: string, listener: Listener) => void ipcHandlers.set(channel, listener),
    },
    Menu: { buildFromTemplate: (items: MenuItemConstructorOptions[]) => ({ items }) as unknown as Electron.Menu },
    // Images and menus are handles the app only passes back to Electron.
    nativeImage: { createFromPath: (file: string) => ({ path: file }) as unknown as NativeImage },
    net: { isOnline: () => online },
    Notification: FakeNotification,
    powerMonitor: { on: (event: string, listener: Listener) => powerMonitor.on(event, listener) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string }[]) =>
        void log.push(`privileged schemes ${schemes.map((s) => s.scheme).join(',')}${ready ? ' (too late: the app is ready)' : ''}`),
      handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => void protocols.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener | null) => void (permissions.request = handler ?? undefined),
        setPermissionCheckHandler: (handler: Listener | null) => void (permissions.check = handler ?? undefined),
      },
    },
    // A keystore that seals reversibly, so the secret files the app writes are not plain.
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret' as const,
      encryptStringAsync: async (plain: string) => Buffer.from(`fake-sealed:${Buffer.from(plain).toString('base64')}`),
      decryptStringAsync: async (sealed: Buffer) => ({
        result: Buffer.from(sealed.toString().replace(/^fake-sealed:/, ''), 'base64').toString(),
        shouldReEncrypt: false,
      }),
    },
    shell: { openExternal: (url: string) => Promise.resolve(void log.push(`open ${url}`)) },
    Tray: FakeTray,
  };

  return {
    electron,
    log,
    trays,
    windows,
    notifications,
    ipcHandlers,
    /** The OS woke up, or the screen was unlocked. */
    emitPower: (event: 'resume' | 'unlock-screen') => powerMonitor.emit(event),
    setOnline: (value: boolean) => (online = value),
    /** A page asks for `permission`: what the app answers (Electron grants it when no handler is set). */
    requestPermission(permission: string): Promise<boolean> {
      return new Promise((resolve) => (permissions.request ? permissions.request(undefined, permission, resolve) : resolve(true)));
    },
    /** A page checks whether it has `permission` (Electron's default: yes). */
    checkPermission(permission: string): boolean {
      return permissions.check ? Boolean(permissions.check(undefined, permission)) : true;
    },
    /** What the app's handler for `url`'s scheme answers. */
    fetchScheme(url: string, init?: RequestInit): Promise<Response> {
      const handler = protocols.get(new URL(url).protocol.slice(0, -1));
      if (!handler) throw new Error(`no handler for ${url}`);
      return Promise.resolve(handler(new Request(url, init)));
    },
    /** Clicks the menu item labelled `label` (in a submenu too) of the live tray. */
    clickMenu(label: string | RegExp): void {
      const tray = trays.at(-1)!;
      const find = (items: FakeMenuItem[]): FakeMenuItem | undefined =>
        items.find((item) => (typeof label === 'string' ? item.label === label : label.test(item.label ?? ''))) ??
        items.flatMap((item) => (item.submenu ? [find(item.submenu)] : [])).find(Boolean);
      const item = find(tray.menu);
      if (!item?.click) throw new Error(`no clickable menu item ${String(label)} in ${tray.menu.map((i) => i.label).join(' | ')}`);
      // The app's handlers read none of Electron's click arguments.
      (item.click as () => void)();
    },
  };
}

/** The fake is a port the tray app accepts: it fails typecheck if it no longer matches Electron's types. */
export function fakeElectronPort(fake: ReturnType<typeof createFakeElectron>): ElectronPort {
  return fake.electron;
}
