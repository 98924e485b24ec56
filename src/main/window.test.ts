import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { bringToFront, createMainWindow } from './window.js';

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

describe('createMainWindow', () => {
  it('brings a new window to the front once it is ready to show', () => {
    const { calls, app, window } = recorder();
    const listeners = new Map<string, () => void>();
    class FakeBrowserWindow {
      readonly webContents = { on: () => undefined, setWindowOpenHandler: () => undefined };
      constructor(readonly options: BrowserWindowConstructorOptions) {}
      once(event: string, listener: () => void) {
        listeners.set(event, listener);
      }
      loadFile = () => Promise.resolve();
      show = window.show;
      focus = window.focus;
    }
    const created = createMainWindow({
      BrowserWindow: FakeBrowserWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow,
      app,
      platform: 'darwin',
      openExternal: async () => undefined,
      isTrusted: () => true,
      indexHtml: '/app/index.html',
      preload: '/app/preload.cjs',
    });
    expect((created as unknown as FakeBrowserWindow).options.show).toBe(false);
    expect(calls).toEqual([]);
    listeners.get('ready-to-show')!();
    expect(calls).toEqual(['show', 'app.focus {"steal":true}', 'focus']);
  });
});
