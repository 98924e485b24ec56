import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { subscribeAgentEvents } from '../api/agent-events.js';
import { EVENT_CHANNEL } from '../api/ipc-channels.js';
import type { Porchlight } from '../app/porchlight.js';
import type { Agent } from '../core/agent.js';
import { needsAttention } from '../core/checks/scanner.js';
import type { AlertSink } from '../core/notify/alert-sink.js';
import { APP_SCHEME, appFileHandler, isAppPage } from './app-protocol.js';
import type { ElectronPort, PorchlightWindow } from './electron-port.js';
import { registerApiIpc } from './ipc.js';
import { notificationBody } from './notification-text.js';
import { SystemTray, type TrayHandle } from './system-tray.js';
import { trayIconPath } from './tray-icons.js';
import type { MenuItemSpec, TrayAction, TrayState } from './tray-menu.js';
import { bringToFront, createMainWindow, denyAllPermissions } from './window.js';

export interface TrayAppOptions {
  /** The built window (the folder of its index.html) and its preload. */
  rendererDir: string;
  preload: string;
  assetsDir: string;
  /** Open the window at start (the first run, a demo); never when started at login. */
  showWindowAtStart: boolean;
  platform?: NodeJS.Platform;
  /** How long after waking up, unlocking or a network change the one scan waits. */
  rescanDebounceMs?: number;
  onlinePollMs?: number;
}

const RESCAN_DEBOUNCE_MS = 30_000;
const ONLINE_POLL_MS = 15_000;

/**
 * The tray app around one Porchlight: the tray icon and its menu, notifications, the window, and
 * the power and network events that ask for a scan. Electron comes in as a port, so all of this
 * runs against a fake in tests; main.ts only wires it.
 */
export class TrayApp {
  private readonly agent: Agent;
  private readonly platform: NodeJS.Platform;
  private tray: SystemTray | undefined;
  private window: PorchlightWindow | undefined;
  private quitting = false;
  private readonly offs: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private rescanTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly electron: ElectronPort,
    private readonly porchlight: Porchlight,
    private readonly options: TrayAppOptions,
  ) {
    this.agent = porchlight.agent;
    this.platform = options.platform ?? process.platform;
  }

  /** Everything the app shows and hears, then Porchlight itself (osqueryd, the first scan). */
  async start(): Promise<void> {
    const { electron, agent } = this;
    if (this.platform === 'darwin') electron.app.dock?.hide();
    denyAllPermissions(electron.session.defaultSession);
    electron.protocol.handle(APP_SCHEME, appFileHandler(this.options.rendererDir));
    this.offs.push(registerApiIpc(electron.ipcMain, this.porchlight.api, isAppPage));
    this.offs.push(
      subscribeAgentEvents(agent, (name, payload) => {
        if (this.window && !this.window.isDestroyed()) this.window.webContents.send(EVENT_CHANNEL, name, payload);
      }),
    );
    this.tray = new SystemTray(
      (icon) => this.electronTray(icon),
      (state) => trayIconPath(this.options.assetsDir, state, this.platform),
      (action) => this.onTrayAction(action),
      this.trayState(),
      this.platform,
    );
    // Only the events that change what the tray shows; finding events arrive with scan-finished.
    for (const name of ['osquery-state', 'scan-started', 'scan-finished', 'scan-failed', 'results-changed', 'fleet-state'] as const) {
      this.offs.push(agent.on(name, () => this.redraw()));
    }
    this.offs.push(this.porchlight.registerAlertSink(this.desktopAlerts()));
    this.watchPowerAndNetwork();
    electron.app.on('second-instance', () => this.showWindow());
    electron.app.on('window-all-closed', () => {
      // A tray app keeps running with no window open.
    });
    electron.app.on('before-quit', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      void this.stop().finally(() => electron.app.quit());
    });
    if (this.options.showWindowAtStart) this.showWindow();
    await this.porchlight.start().catch(() => undefined);
  }

  /** The tray's view of the agent. */
  trayState(): TrayState {
    const status = this.agent.status();
    const report = this.agent.lastReport();
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
      fleet: this.agent.fleetStatus(),
    };
  }

  /** Shows the window, on `route` when given (an open window otherwise stays where it is). */
  showWindow(route?: string): void {
    if (this.quitting) return;
    const window = this.window;
    if (window && !window.isDestroyed()) {
      if (route) window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#${route}`)}`).catch(() => undefined);
      bringToFront(window, this.electron.app, this.platform);
      return;
    }
    this.window = createMainWindow(
      {
        BrowserWindow: this.electron.BrowserWindow,
        app: this.electron.app,
        platform: this.platform,
        openExternal: (url) => this.electron.shell.openExternal(url),
        preload: this.options.preload,
        icon: path.join(this.options.assetsDir, 'app', 'icon.png'),
      },
      route ?? '/',
    );
  }

  /**
   * Quits: the tray goes first and nothing draws on it again (Electron throws on a destroyed
   * tray), then Porchlight stops (osqueryd with it).
   */
  async stop(): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    for (const off of this.offs.splice(0)) off();
    for (const timer of this.timers) clearTimeout(timer);
    clearTimeout(this.rescanTimer);
    this.tray?.destroy();
    this.tray = undefined;
    await this.porchlight.stop();
  }

  private redraw(): void {
    if (!this.quitting) this.tray?.update(this.trayState());
  }

  private onTrayAction(action: TrayAction): void {
    const { agent } = this;
    switch (action.kind) {
      case 'scan-now':
        void agent.scanNow('tray').catch(() => undefined);
        return;
      case 'open-window':
        this.showWindow(checkRoute(action.checkId));
        return;
      case 'pause':
        agent.pause(action.minutes);
        break;
      case 'resume':
        agent.pause(0);
        break;
      case 'retry-osquery':
        void agent.retryOsquery();
        return;
      case 'preferences':
        this.showWindow('/settings');
        return;
      case 'quit':
        this.electron.app.quit();
        return;
    }
    // Pausing changes nothing the agent announces, so the tray redraws itself.
    this.redraw();
  }

  /** The core's alerts as notifications here, each opening the check it is about. */
  private desktopAlerts(): AlertSink {
    return {
      id: 'desktop',
      kind: 'desktop',
      target: 'notifications on this computer',
      send: async (alert) => {
        const { Notification } = this.electron;
        if (!Notification.isSupported()) throw new Error('this desktop does not show notifications');
        const notification = new Notification({ title: alert.title, body: notificationBody(alert.body, this.platform), silent: false });
        notification.on('click', () => this.showWindow(checkRoute(alert.checkId)));
        notification.show();
      },
    };
  }

  /** Waking up, unlocking or joining a network is a good moment to look again: one scan, a little later. */
  private watchPowerAndNetwork(): void {
    const rescanSoon = () => {
      if (this.quitting) return;
      clearTimeout(this.rescanTimer);
      this.rescanTimer = setTimeout(() => void this.agent.scanNow('resume').catch(() => undefined), this.options.rescanDebounceMs ?? RESCAN_DEBOUNCE_MS);
    };
    this.electron.powerMonitor.on('resume', rescanSoon);
    this.electron.powerMonitor.on('unlock-screen', rescanSoon);
    let online = this.electron.net.isOnline();
    const poll = () => {
      const now = this.electron.net.isOnline();
      if (now !== online) rescanSoon();
      online = now;
      this.schedule(poll, this.options.onlinePollMs ?? ONLINE_POLL_MS);
    };
    this.schedule(poll, this.options.onlinePollMs ?? ONLINE_POLL_MS);
  }

  private schedule(work: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private electronTray(iconPath: string): TrayHandle {
    const { Tray, nativeImage, Menu } = this.electron;
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
      onClick: (handler) => void tray.on('click', handler),
      destroy: () => tray.destroy(),
    };
  }
}

function checkRoute(checkId: string | undefined): string | undefined {
  return checkId ? `/check/${encodeURIComponent(checkId)}` : undefined;
}
