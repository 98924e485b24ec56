import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../core/checks/definition.js';
import { trayMenu, trayTooltip, type MenuItemSpec, type TrayState } from './tray-menu.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0);
const BUILTIN = { kind: 'builtin', name: 'Built-in' } as const;
const base: TrayState = {
  overall: 'ok',
  lastScanAt: NOW - 5 * 60_000,
  checks: [
    { checkId: 'disk-encryption', title: 'Disk encryption', status: 'pass', summary: 'The startup disk is encrypted', source: BUILTIN },
    { checkId: 'screen-lock', title: 'Screen lock', status: 'not_applicable', summary: 'Not checked on Linux', source: BUILTIN },
  ],
  attention: [],
  osquery: { state: 'running' },
  scanning: false,
  pausedUntil: null,
  demo: false,
  now: NOW,
};

const labels = (items: MenuItemSpec[]) => items.map((item) => (item.type === 'separator' ? '---' : item.label));
const find = (items: MenuItemSpec[], label: string) => items.find((item) => item.label === label);

describe('tray menu model', () => {
  it('all good: header, one line per applicable check, actions, osquery state, preferences, quit', () => {
    expect(labels(trayMenu(base))).toEqual([
      'Porchlight — All good',
      'Last scan 5 minutes ago',
      '---',
      '✓ Disk encryption',
      '---',
      'Scan now',
      'Open Porchlight…',
      'Pause checks for 1 hour',
      '---',
      'osquery: running',
      '---',
      'Preferences…',
      'Quit Porchlight',
    ]);
    expect(find(trayMenu(base), '✓ Disk encryption')?.action).toEqual({ kind: 'open-window', checkId: 'disk-encryption' });
    expect(find(trayMenu(base), 'Porchlight — All good')?.enabled).toBe(false);
    expect(trayTooltip(base)).toBe('Porchlight — All good');
  });

  it('something fails: the failing check says why, and findings needing attention open their check', () => {
    const state: TrayState = {
      ...base,
      overall: 'failing',
      checks: [{ checkId: 'listening-ports', title: 'Services open to the network', status: 'fail', summary: '2 findings need attention', source: BUILTIN }],
      attention: Array.from({ length: 7 }, (_, i) => ({ id: `f${i}`, checkId: 'listening-ports', title: `listener ${i}` })),
    };
    const items = trayMenu(state);
    expect(labels(items)).toContain('✗ Services open to the network — 2 findings need attention');
    const attention = find(items, 'Needs attention (7)');
    expect(labels(attention!.submenu!)).toEqual(['listener 0', 'listener 1', 'listener 2', 'listener 3', 'listener 4', '2 more…']);
    expect(attention!.submenu![0]!.action).toEqual({ kind: 'open-window', checkId: 'listening-ports' });
    expect(items[0]!.label).toBe('Porchlight — Needs attention');
  });

  it('unknown: checks that cannot tell are marked with a question mark and their reason', () => {
    const state: TrayState = {
      ...base,
      overall: 'unknown',
      checks: [{ checkId: 'disk-encryption', title: 'Disk encryption', status: 'unknown', summary: 'Cannot tell: needs administrator rights', source: BUILTIN }],
    };
    expect(labels(trayMenu(state))).toContain('? Disk encryption — Cannot tell: needs administrator rights');
  });

  it('an imported set of hundreds of checks is one line saying what needs a look; checks by hand never fail it', () => {
    const cis = { kind: 'fleet', name: 'cis-policy-queries' } as const;
    const imported = (status: CheckStatus, n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => ({ checkId: `fleet-${status}-${from + i}`, title: `Policy ${from + i}`, status, summary: '', source: cis }));
    const failing = trayMenu({ ...base, checks: [...base.checks!, ...imported('fail', 30), ...imported('error', 25), ...imported('manual', 120), ...imported('pass', 20)] });
    expect(labels(failing).filter((label) => label?.includes('cis-policy-queries'))).toEqual(['✗ cis-policy-queries — 30 failing, 25 could not run']);
    expect(labels(failing)).toContain('✓ Disk encryption');
    const byHand = trayMenu({ ...base, checks: [...imported('manual', 120), ...imported('pass', 20)] });
    expect(labels(byHand)).toContain('✓ cis-policy-queries — 20 passing, 120 to check by hand');
    expect(find(byHand, '✓ cis-policy-queries — 20 passing, 120 to check by hand')?.action).toEqual({ kind: 'open-window' });
  });

  it('osquery not running: scanning is disabled, the reason is shown, and Restart osquery appears when it failed', () => {
    const state: TrayState = {
      ...base,
      overall: 'osquery-down',
      osquery: { state: 'failed', reason: 'osqueryd failed 5 times within 10 minutes' },
    };
    const items = trayMenu(state);
    expect(find(items, 'Scan now')?.enabled).toBe(false);
    expect(labels(items)).toContain('osquery: failed — osqueryd failed 5 times within 10 minutes');
    expect(find(items, 'Restart osquery')?.action).toEqual({ kind: 'retry-osquery' });
    const restarting = trayMenu({ ...state, osquery: { state: 'restarting', reason: 'osqueryd exited with code 1' } });
    expect(find(restarting, 'Restart osquery')).toBeUndefined();
  });

  it('scanning: the scan item is a disabled progress line', () => {
    const items = trayMenu({ ...base, overall: 'scanning', scanning: true });
    expect(find(items, 'Scanning…')?.enabled).toBe(false);
    expect(find(items, 'Scan now')).toBeUndefined();
    expect(items[0]!.label).toBe('Porchlight — Scanning…');
  });

  it('paused: offers to resume and says until when; no scan yet and demo data are said plainly', () => {
    const pausedUntil = new Date(2026, 10, 27, 13, 5).getTime();
    const items = trayMenu({ ...base, pausedUntil, now: pausedUntil - 60_000, lastScanAt: null, checks: undefined, demo: true });
    expect(find(items, 'Resume checks (paused until 13:05)')?.action).toEqual({ kind: 'resume' });
    expect(labels(items).slice(0, 3)).toEqual(['Porchlight — All good', 'Not scanned yet', 'Showing demo data']);
    expect(trayTooltip({ ...base, demo: true })).toBe('Porchlight — All good (demo data)');
  });
});

describe('the Fleet line of the tray menu', () => {
  const server = { url: 'https://fleet.example.com', hostname: 'fleet.example.com' };
  const fleetLine = (fleet: TrayState['fleet']) => labels(trayMenu({ ...base, fleet })).filter((label) => label?.startsWith('Fleet:'));

  it('says nothing about Fleet when the laptop is not enrolled (Porchlight is local only)', () => {
    expect(fleetLine({ state: 'not-enrolled', server: null, unreachableSince: null })).toEqual([]);
    expect(fleetLine(undefined)).toEqual([]);
  });

  it('says connected to which server, or what is wrong, after the osquery line', () => {
    expect(fleetLine({ state: 'connected', server, unreachableSince: null })).toEqual(['Fleet: connected to fleet.example.com']);
    expect(fleetLine({ state: 'refused', server, unreachableSince: null })).toEqual(['Fleet: enrollment refused']);
    expect(fleetLine({ state: 'certificate', server, unreachableSince: null })).toEqual(['Fleet: server certificate not trusted']);
    const items = labels(trayMenu({ ...base, fleet: { state: 'connected', server, unreachableSince: null } }));
    expect(items.indexOf('Fleet: connected to fleet.example.com')).toBe(items.indexOf('osquery: running') + 1);
    expect(trayMenu({ ...base, fleet: { state: 'connected', server, unreachableSince: null } }).find((item) => item.label?.startsWith('Fleet:'))?.enabled).toBe(false);
  });

  it('says since when the server is not reachable: the time today, the date before', () => {
    const today = new Date(NOW);
    today.setHours(9, 5, 0, 0);
    expect(fleetLine({ state: 'unreachable', server, unreachableSince: today.getTime() })).toEqual(['Fleet: not reachable since 09:05']);
    const earlier = new Date(today);
    earlier.setDate(today.getDate() - 3);
    const date = `${earlier.getFullYear()}-${String(earlier.getMonth() + 1).padStart(2, '0')}-${String(earlier.getDate()).padStart(2, '0')}`;
    expect(fleetLine({ state: 'unreachable', server, unreachableSince: earlier.getTime() })).toEqual([`Fleet: not reachable since ${date} 09:05`]);
  });
});
