import { describe, expect, it } from 'vitest';
import type { HistoryEntryDto, TrendDayDto } from '../contract.js';
import { historyStrip, stripSummary, trendBars, trendSummary } from './pictures.js';

const HOUR = 60 * 60 * 1000;
const T0 = new Date(2026, 10, 20, 10, 0).getTime();
const run = (status: HistoryEntryDto['status'], firstAt: number, lastAt: number, summary: string = status): HistoryEntryDto => ({
  checkId: 'firewall',
  status,
  summary,
  reason: '',
  findingCount: 0,
  firstAt,
  lastAt,
});

describe('a check’s history strip', () => {
  it('gives each result run a segment until the next result was seen, the last one until its last scan', () => {
    const history = [run('pass', T0, T0 + 4 * HOUR), run('fail', T0 + 5 * HOUR, T0 + 7 * HOUR, 'No firewall is on'), run('pass', T0 + 8 * HOUR, T0 + 10 * HOUR)];
    const strip = historyStrip(history);
    expect(strip.map((s) => [s.status, s.x, s.width])).toEqual([
      ['pass', 0, 0.5],
      ['fail', 0.5, 0.3],
      ['pass', 0.8, expect.closeTo(0.2, 10)],
    ]);
    expect(strip[1]!.label).toBe('Fail, 2026-11-20 15:00 – 2026-11-20 17:00: No firewall is on');
    expect(stripSummary('Firewall', history)).toBe('Firewall over time: 3 results from 2026-11-20 10:00 to 2026-11-20 20:00; latest Pass');
  });

  it('keeps a result seen once visible, fills the strip for a single scan, and leaves out runs outside the range', () => {
    const brief = historyStrip([run('pass', T0, T0 + 999 * HOUR), run('error', T0 + 1000 * HOUR, T0 + 1000 * HOUR)]);
    expect(brief[1]!.width).toBeGreaterThan(0);
    expect(brief[1]!.x + brief[1]!.width).toBeLessThanOrEqual(1);
    expect(historyStrip([run('unknown', T0, T0)]).map((s) => [s.x, s.width])).toEqual([[0, 1]]);
    const range = { from: T0 + 10 * HOUR, to: T0 + 20 * HOUR };
    const clipped = historyStrip([run('fail', T0, T0 + HOUR), run('pass', T0 + 2 * HOUR, T0 + 20 * HOUR)], range);
    expect(clipped.map((s) => [s.status, s.x, s.width])).toEqual([['pass', 0, 1]]);
  });
});

describe('the daily trend bars', () => {
  const day = (date: string, scans: number, failed: number, unknown: number, passed: number): TrendDayDto => ({ date, start: 0, end: 0, scans, failed, unknown, passed });

  it('stacks failed, could not tell and passed from the bottom, scaled to the busiest day', () => {
    const bars = trendBars([day('2026-11-25', 0, 0, 0, 0), day('2026-11-26', 3, 2, 1, 1), day('2026-11-27', 1, 1, 0, 3)]);
    expect(bars.map((b) => b.scanned)).toEqual([false, true, true]);
    expect(bars[1]!.parts).toEqual([
      { kind: 'failed', y: 0.5, height: 0.5 },
      { kind: 'unknown', y: 0.25, height: 0.25 },
      { kind: 'passed', y: 0, height: 0.25 },
    ]);
    expect(bars[2]!.parts.map((p) => p.kind)).toEqual(['failed', 'passed']);
    expect(bars[0]!.label).toBe('2026-11-25: no scan');
    expect(bars[2]!.label).toBe('2026-11-27: 1 failed, 0 could not tell, 3 passed');
    expect(bars[1]!.x).toBeGreaterThan(bars[0]!.x + bars[0]!.width);
    expect(trendSummary([day('2026-11-27', 0, 0, 0, 0)])).toBe('Last 1 day: no scans recorded');
  });
});
