import type { OverallState } from '../core/overall-state.js';
import { trayMenu, trayTooltip, type MenuItemSpec, type TrayAction, type TrayState } from './tray-menu.js';

/** What the tray needs from Electron; tests pass a fake. */
export interface TrayHandle {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  /** Attaches the menu as the context menu (Linux trays show nothing else). */
  setMenu(items: MenuItemSpec[], onAction: (action: TrayAction) => void): void;
  /** Called on a left click of the icon. */
  onClick(handler: () => void): void;
  destroy(): void;
}

export type TrayFactory = (iconPath: string) => TrayHandle;

/**
 * The one owner of the tray icon: rebuilds the whole menu, icon and tooltip from state on every
 * change, never patching items in place.
 */
export class SystemTray {
  private readonly handle: TrayHandle;
  private lastIcon: string | undefined;

  constructor(
    factory: TrayFactory,
    private readonly iconFor: (state: OverallState) => string,
    private readonly onAction: (action: TrayAction) => void,
    initial: TrayState,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.lastIcon = iconFor(initial.overall);
    this.handle = factory(this.lastIcon);
    // macOS and Linux open the menu on a click by themselves; Windows opens it on a right click
    // only, and a left click on a tray icon opens the app's window there (as Windows Security's does).
    if (platform === 'win32') this.handle.onClick(() => onAction({ kind: 'open-window' }));
    this.render(initial);
  }

  update(state: TrayState): void {
    const icon = this.iconFor(state.overall);
    if (icon !== this.lastIcon) {
      this.handle.setImage(icon);
      this.lastIcon = icon;
    }
    this.render(state);
  }

  destroy(): void {
    this.handle.destroy();
  }

  private render(state: TrayState): void {
    this.handle.setToolTip(trayTooltip(state));
    this.handle.setMenu(trayMenu(state), this.onAction);
  }
}
