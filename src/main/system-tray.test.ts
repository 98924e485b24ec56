import { describe, expect, it } from 'vitest';
import { SystemTray, type TrayHandle } from './system-tray.js';
import type { MenuItemSpec, TrayAction, TrayState } from './tray-menu.js';

const state: TrayState = {
  overall: 'ok',
  lastScanAt: null,
  checks: [],
  attention: [],
  osquery: { state: 'running' },
  scanning: false,
  pausedUntil: null,
  demo: false,
  now: 0,
};

function fakeTray() {
  const calls: string[] = [];
  let menu: MenuItemSpec[] = [];
  let onAction: ((action: TrayAction) => void) | undefined;
  let onClick: (() => void) | undefined;
  const factory = (icon: string): TrayHandle => {
    calls.push(`create ${icon}`);
    return {
      setImage: (image) => calls.push(`image ${image}`),
      setToolTip: (text) => calls.push(`tooltip ${text}`),
      setMenu: (items, handler) => {
        menu = items;
        onAction = handler;
        calls.push('menu');
      },
      onClick: (handler) => {
        onClick = handler;
        calls.push('on click');
      },
      destroy: () => calls.push('destroy'),
    };
  };
  return {
    calls,
    factory,
    menu: () => menu,
    click: (label: string) => onAction!(menu.find((i) => i.label === label)!.action!),
    leftClickIcon: () => onClick?.(),
  };
}

describe('SystemTray', () => {
  it('rebuilds menu and tooltip on every update, and changes the icon only when the state does', () => {
    const fake = fakeTray();
    const actions: TrayAction[] = [];
    const tray = new SystemTray(fake.factory, (overall) => `/icons/${overall}.png`, (a) => actions.push(a), state, 'linux');
    tray.update({ ...state, lastScanAt: 1 });
    tray.update({ ...state, overall: 'failing' });
    expect(fake.calls).toEqual([
      'create /icons/ok.png',
      'tooltip Porchlight — All good',
      'menu',
      'tooltip Porchlight — All good',
      'menu',
      'image /icons/failing.png',
      'tooltip Porchlight — Needs attention',
      'menu',
    ]);
    fake.click('Scan now');
    fake.click('Quit Porchlight');
    expect(actions).toEqual([{ kind: 'scan-now' }, { kind: 'quit' }]);
    tray.destroy();
    expect(fake.calls.at(-1)).toBe('destroy');
  });

  it('opens the window on a left click on Windows, where the menu is on the right button', () => {
    const fake = fakeTray();
    const actions: TrayAction[] = [];
    new SystemTray(fake.factory, (overall) => `/icons/${overall}.ico`, (a) => actions.push(a), state, 'win32');
    fake.leftClickIcon();
    expect(actions).toEqual([{ kind: 'open-window' }]);
  });

  it('leaves a click to the OS on macOS and Linux, which open the menu', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const fake = fakeTray();
      new SystemTray(fake.factory, (overall) => `/icons/${overall}.png`, () => undefined, state, platform);
      expect(fake.calls).not.toContain('on click');
    }
  });
});
