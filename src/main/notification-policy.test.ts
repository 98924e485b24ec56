import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../core/checks/scanner.js';
import { DEFAULT_SETTINGS } from '../core/settings/settings.js';
import type { StoredFinding } from '../core/store/history-store.js';
import { inQuietHours, NotificationPolicy } from './notification-policy.js';

const prefs = DEFAULT_SETTINGS.notifications;
const noon = new Date(2026, 10, 27, 12, 0);

function finding(id: string, checkId: string, extra: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id,
    checkId,
    key: id,
    title: `title ${id}`,
    reason: 'reachable from other machines',
    detail: {},
    counted: true,
    firstSeen: 0,
    lastSeen: 0,
    resolvedAt: null,
    acknowledged: false,
    acknowledgedUntil: null,
    ...extra,
  };
}

function report(scanId: number, statuses: Record<string, 'pass' | 'fail'>, newFindings: StoredFinding[] = []): ScanReport {
  return {
    scanId,
    trigger: 'test',
    platform: 'linux',
    startedAt: 0,
    finishedAt: 0,
    osqueryMs: 0,
    totalMs: 0,
    results: Object.entries(statuses).map(([checkId, status]) => ({
      checkId,
      title: checkId,
      category: 'custom',
      severity: 'medium',
      source: { kind: 'builtin', name: 'Built-in' },
      resolution: '',
      status,
      summary: `${checkId} is ${status}`,
      reason: '',
      findings: [],
      confirmation: null,
      queryMs: 0,
    })),
    changes: { new: newFindings, resolved: [], failing: [], fixed: [] },
  };
}

describe('NotificationPolicy', () => {
  it('tells about a new exposed port and a new risky extension, once', () => {
    const policy = new NotificationPolicy();
    const first = policy.decide(report(1, {}, [finding('a', 'listening-ports'), finding('b', 'browser-extensions')]), prefs, noon);
    expect(first.map((n) => [n.title, n.checkId])).toEqual([
      ['New service open to the network', 'listening-ports'],
      ['A browser extension to look at', 'browser-extensions'],
    ]);
    const again = policy.decide(report(2, {}, [finding('a', 'listening-ports')]), prefs, new Date(noon.getTime() + 3_600_000));
    expect(again).toEqual([]);
    const tomorrow = policy.decide(report(3, {}, [finding('a', 'listening-ports')]), prefs, new Date(noon.getTime() + 25 * 3_600_000));
    expect(tomorrow).toHaveLength(1);
  });

  it('tells when a check starts failing, not on the first scan and not while it keeps failing', () => {
    const policy = new NotificationPolicy();
    expect(policy.decide(report(1, { firewall: 'fail' }), prefs, noon)).toEqual([]);
    expect(policy.decide(report(2, { firewall: 'pass' }), prefs, noon)).toEqual([]);
    expect(policy.decide(report(3, { firewall: 'fail' }), prefs, noon).map((n) => n.title)).toEqual(['firewall: needs attention']);
    expect(policy.decide(report(4, { firewall: 'fail' }), prefs, noon)).toEqual([]);
  });

  it('skips acknowledged and listed-only findings, follows the preferences and quiet hours', () => {
    const policy = new NotificationPolicy();
    const quiet = [finding('x', 'listening-ports', { acknowledged: true }), finding('y', 'browser-extensions', { counted: false })];
    expect(policy.decide(report(1, {}, quiet), prefs, noon)).toEqual([]);
    expect(policy.decide(report(2, {}, [finding('z', 'listening-ports')]), { ...prefs, enabled: false }, noon)).toEqual([]);
    expect(policy.decide(report(3, {}, [finding('z', 'listening-ports')]), { ...prefs, newFindings: false }, noon)).toEqual([]);
    const night = { ...prefs, quietHours: { start: '22:00', end: '07:00' } };
    expect(policy.decide(report(4, {}, [finding('z', 'listening-ports')]), night, new Date(2026, 10, 27, 23, 30))).toEqual([]);
    expect(policy.decide(report(5, {}, [finding('z', 'listening-ports')]), night, noon)).toHaveLength(1);
  });

  it('sums up a burst of news in one notification', () => {
    const policy = new NotificationPolicy();
    const many = Array.from({ length: 8 }, (_, i) => finding(`f${i}`, 'listening-ports'));
    const shown = policy.decide(report(1, {}, many), prefs, noon);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('8 things need your attention');
  });

  it('quiet hours work across midnight and within a day', () => {
    expect(inQuietHours({ start: '22:00', end: '07:00' }, new Date(2026, 0, 1, 6, 59))).toBe(true);
    expect(inQuietHours({ start: '22:00', end: '07:00' }, new Date(2026, 0, 1, 7, 0))).toBe(false);
    expect(inQuietHours({ start: '12:00', end: '13:00' }, new Date(2026, 0, 1, 12, 30))).toBe(true);
    expect(inQuietHours(null, noon)).toBe(false);
  });
});
