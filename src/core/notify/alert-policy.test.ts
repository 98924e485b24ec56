import { describe, expect, it } from 'vitest';
import type { Severity } from '../checks/definition.js';
import type { ScanReport } from '../checks/scanner.js';
import { DEFAULT_SETTINGS } from '../settings/settings.js';
import type { StoredFinding } from '../store/history-store.js';
import { AlertPolicy, inQuietHours } from './alert-policy.js';

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

function report(
  scanId: number,
  statuses: Record<string, 'pass' | 'fail'>,
  newFindings: StoredFinding[] = [],
  severities: Record<string, Severity> = {},
): ScanReport {
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
      severity: severities[checkId] ?? 'medium',
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

describe('AlertPolicy', () => {
  it('tells about a new exposed port and a new risky extension, once', () => {
    const policy = new AlertPolicy();
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
    const policy = new AlertPolicy();
    expect(policy.decide(report(1, { firewall: 'fail' }), prefs, noon)).toEqual([]);
    expect(policy.decide(report(2, { firewall: 'pass' }), prefs, noon)).toEqual([]);
    expect(policy.decide(report(3, { firewall: 'fail' }), prefs, noon).map((n) => n.title)).toEqual(['firewall: needs attention']);
    expect(policy.decide(report(4, { firewall: 'fail' }), prefs, noon)).toEqual([]);
  });

  it('skips acknowledged and listed-only findings, follows the preferences and quiet hours', () => {
    const policy = new AlertPolicy();
    const quiet = [finding('x', 'listening-ports', { acknowledged: true }), finding('y', 'browser-extensions', { counted: false })];
    expect(policy.decide(report(1, {}, quiet), prefs, noon)).toEqual([]);
    expect(policy.decide(report(2, {}, [finding('z', 'listening-ports')]), { ...prefs, enabled: false }, noon)).toEqual([]);
    expect(policy.decide(report(3, {}, [finding('z', 'listening-ports')]), { ...prefs, newFindings: false }, noon)).toEqual([]);
    const night = { ...prefs, quietHours: { start: '22:00', end: '07:00' } };
    expect(policy.decide(report(4, {}, [finding('z', 'listening-ports')]), night, new Date(2026, 10, 27, 23, 30))).toEqual([]);
    expect(policy.decide(report(5, {}, [finding('z', 'listening-ports')]), night, noon)).toHaveLength(1);
  });

  it('sums up a burst of news in one alert, as severe as the worst of it', () => {
    const policy = new AlertPolicy();
    const many = Array.from({ length: 8 }, (_, i) => finding(`f${i}`, i === 5 ? 'suid-binaries' : 'listening-ports'));
    const shown = policy.decide(report(1, { 'listening-ports': 'fail', 'suid-binaries': 'fail' }, many, { 'suid-binaries': 'critical' }), prefs, noon);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ kind: 'summary', title: '8 things need your attention', severity: 'critical' });
  });

  it("gives each alert its check's severity and what it is about", () => {
    const policy = new AlertPolicy();
    policy.decide(report(1, { firewall: 'pass' }), prefs, noon);
    const alerts = policy.decide(
      report(2, { firewall: 'fail', 'listening-ports': 'fail' }, [finding('p1', 'listening-ports')], { firewall: 'high', 'listening-ports': 'critical' }),
      prefs,
      noon,
    );
    expect(alerts).toEqual([
      { key: 'check:firewall:fail', kind: 'check-failing', title: 'firewall: needs attention', body: 'firewall is fail', severity: 'high', checkId: 'firewall', at: noon.getTime() },
      {
        key: 'finding:p1',
        kind: 'new-finding',
        title: 'New service open to the network',
        body: 'title p1: reachable from other machines',
        severity: 'critical',
        checkId: 'listening-ports',
        findingId: 'p1',
        at: noon.getTime(),
      },
    ]);
  });

  it('remembers the other checks across a scan of some checks, so a check that starts failing later is told', () => {
    const policy = new AlertPolicy();
    policy.decide(report(1, { firewall: 'pass', 'screen-lock': 'pass' }), prefs, noon);
    policy.decide(report(2, { 'screen-lock': 'pass' }), prefs, noon);
    expect(policy.decide(report(3, { firewall: 'fail', 'screen-lock': 'pass' }), prefs, noon).map((a) => a.checkId)).toEqual(['firewall']);
  });

  it('quiet hours work across midnight and within a day', () => {
    expect(inQuietHours({ start: '22:00', end: '07:00' }, new Date(2026, 0, 1, 6, 59))).toBe(true);
    expect(inQuietHours({ start: '22:00', end: '07:00' }, new Date(2026, 0, 1, 7, 0))).toBe(false);
    expect(inQuietHours({ start: '12:00', end: '13:00' }, new Date(2026, 0, 1, 12, 30))).toBe(true);
    expect(inQuietHours(null, noon)).toBe(false);
  });
});
