import type { OverallState } from '../core/overall-state.js';
import { trayMenu, trayTooltip, type MenuItemSpec, type TrayAction, type TrayState } from './tray-menu.js';

/** What the tray needs from Electron; tests pass a fake. */
export interface TrayHandle {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  /** Attaches the menu as the context menu (Linux trays show nothing else). */
  setMenu(items: MenuItemSpec[], onAction: (action: TrayAction) => void): void;
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
  ) {
    this.lastIcon = iconFor(initial.overall);
    this.handle = factory(this.lastIcon);
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
