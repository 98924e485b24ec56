import { afterEach, describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/definition.js';
import { calendarDays, dailyTrend } from './daily-trend.js';
import type { CheckStateRecord } from './history-store.js';

const HOUR = 60 * 60 * 1000;
const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

/** Local time on day `day` of November 2026. */
const at = (day: number, hour: number) => new Date(2026, 10, day, hour).getTime();
const run = (checkId: string, status: CheckStatus, firstAt: number, lastAt: number): CheckStateRecord => ({
  checkId,
  status,
  summary: '',
  reason: '',
  findingCount: 0,
  firstAt,
  lastAt,
});

describe('calendarDays', () => {
  it('gives the last N local days up to today, back to back', () => {
    const days = calendarDays(30, at(27, 15));
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toMatchObject({ date: '2026-11-27', start: at(27, 0), end: at(28, 0) });
    expect(days[0]!.date).toBe('2026-10-29');
    for (let i = 1; i < days.length; i++) expect(days[i]!.start).toBe(days[i - 1]!.end);
  });

  it('follows daylight saving time: the day the clocks go forward has 23 hours', () => {
    process.env.TZ = 'Europe/Berlin';
    const day = calendarDays(1, new Date('2026-03-29T20:00:00+02:00').getTime())[0]!;
    expect(day.date).toBe('2026-03-29');
    expect(day.end - day.start).toBe(23 * HOUR);
  });
});

describe('dailyTrend', () => {
  const days = calendarDays(4, at(27, 23));

  it('counts each check once a day by its worst result, and nothing on a day without scans', () => {
    const runs = [
      run('firewall', 'pass', at(24, 9), at(26, 9)),
      run('firewall', 'fail', at(26, 12), at(27, 9)),
      run('disk', 'unknown', at(24, 9), at(27, 9)),
      run('ports', 'error', at(27, 9), at(27, 9)),
      run('screen-lock', 'not_applicable', at(24, 9), at(27, 9)),
    ];
    const scans = [at(24, 9), at(26, 9), at(26, 12), at(27, 9)];
    expect(dailyTrend(days, runs, scans).map(({ date, scans, failed, unknown, passed }) => ({ date, scans, failed, unknown, passed }))).toEqual([
      { date: '2026-11-24', scans: 1, failed: 0, unknown: 1, passed: 1 },
      // The computer was off: the runs span the day, but nothing was seen that day.
      { date: '2026-11-25', scans: 0, failed: 0, unknown: 0, passed: 0 },
      { date: '2026-11-26', scans: 2, failed: 1, unknown: 1, passed: 0 },
      { date: '2026-11-27', scans: 1, failed: 2, unknown: 1, passed: 0 },
    ]);
  });

  it('leaves a check out of days outside its runs (disabled since, or added later)', () => {
    const runs = [run('old', 'fail', at(24, 9), at(24, 10)), run('new', 'pass', at(27, 9), at(27, 9))];
    const trend = dailyTrend(days, runs, [at(24, 9), at(26, 9), at(27, 9)]);
    expect(trend.map((day) => [day.failed, day.passed])).toEqual([
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 1],
    ]);
  });
});
