import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { bringToFront, createMainWindow, denyAllPermissions } from './window.js';

/** What happened to the window and the app, in order. */
function recorder() {
  const calls: string[] = [];
  const app = { focus: (options?: { steal: boolean }) => calls.push(`app.focus ${JSON.stringify(options)}`) };
  const window = { show: () => calls.push('show'), focus: () => calls.push('focus') };
  return { calls, app, window };
}

describe('bringToFront', () => {
  it('on macOS makes Porchlight the active app, which a tray app without a Dock icon is not', () => {
    const { calls, app, window } = recorder();
    bringToFront(window, app, 'darwin');
    expect(calls).toEqual(['show', 'app.focus {"steal":true}', 'focus']);
  });

  it('elsewhere shows and focuses the window only', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { calls, app, window } = recorder();
      bringToFront(window, app, platform);
      expect(calls).toEqual(['show', 'focus']);
    }
  });
});

type Listener = (details: { url: string; preventDefault(): void }) => void;

function fakeWindowClass(calls: string[], window: { show(): void; focus(): void }) {
  return class FakeBrowserWindow {
    readonly listeners = new Map<string, () => void>();
    readonly contentListeners = new Map<string, Listener>();
    loadedUrl = '';
    readonly webContents = {
      on: (event: string, listener: Listener) => this.contentListeners.set(event, listener),
      setWindowOpenHandler: () => undefined,
    };
    constructor(readonly options: BrowserWindowConstructorOptions) {}
    once(event: string, listener: () => void) {
      this.listeners.set(event, listener);
    }
    loadURL = (url: string) => {
      this.loadedUrl = url;
      calls.push(`load ${url}`);
      return Promise.resolve();
    };
    show = window.show;
    focus = window.focus;
    /** The page tries to go to `url`; true when the window let it. */
    tryToLeave(how: string, url: string): boolean {
      let prevented = false;
      this.contentListeners.get(how)!({ url, preventDefault: () => (prevented = true) });
      return !prevented;
    }
  };
}

function openWindow(route?: string) {
  const { calls, app, window } = recorder();
  const FakeBrowserWindow = fakeWindowClass(calls, window);
  const created = createMainWindow(
    {
      BrowserWindow: FakeBrowserWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow,
      app,
      platform: 'darwin',
      openExternal: async () => undefined,
      preload: '/app/preload.cjs',
    },
    route,
  ) as unknown as InstanceType<typeof FakeBrowserWindow>;
  return { calls, created };
}

describe('createMainWindow', () => {
  it('loads our page from app://porchlight/ on its route, and comes to the front once it is ready to show', () => {
    const { calls, created } = openWindow('/check/firewall');
    expect(created.options.show).toBe(false);
    expect(calls).toEqual(['load app://porchlight/index.html#/check/firewall']);
    created.listeners.get('ready-to-show')!();
    expect(calls.slice(1)).toEqual(['show', 'app.focus {"steal":true}', 'focus']);
  });

  it('stays on our page whether a link, a redirect or a frame tries to leave it', () => {
    const { created } = openWindow();
    for (const how of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(created.tryToLeave(how, 'app://porchlight/index.html#/settings'), how).toBe(true);
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://evil/index.html']) {
        expect(created.tryToLeave(how, url), `${how} ${url}`).toBe(false);
      }
    }
  });
});

describe('denyAllPermissions', () => {
  it('answers no to every permission a page requests or checks', async () => {
    let request: ((contents: unknown, permission: string, answer: (granted: boolean) => void) => void) | undefined;
    let check: ((contents: unknown, permission: string) => boolean) | undefined;
    denyAllPermissions({
      setPermissionRequestHandler: (handler) => void (request = handler as typeof request),
      setPermissionCheckHandler: (handler) => void (check = handler as typeof check),
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-sanitized-write', 'hid', 'fullscreen']) {
      expect(await new Promise((answer) => request!(undefined, permission, answer))).toBe(false);
      expect(check!(undefined, permission)).toBe(false);
    }
  });
});
