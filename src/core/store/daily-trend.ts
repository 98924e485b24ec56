import type { CheckStatus } from '../checks/definition.js';
import type { CheckStateRecord } from './history-store.js';

/** One calendar day in this computer's time zone: [start, end) in ms (23 or 25 hours across a DST change). */
export interface CalendarDay {
  /** YYYY-MM-DD, local. */
  date: string;
  start: number;
  end: number;
}

/** How a day went: each check counted once, by the worst result it had that day. */
export interface TrendDay extends CalendarDay {
  /** Scans that recorded results that day; 0: nothing is known of it (the computer was off, say). */
  scans: number;
  failed: number;
  unknown: number;
  passed: number;
}

/** The last `count` calendar days up to and including the one `now` falls in, oldest first. */
export function calendarDays(count: number, now: number): CalendarDay[] {
  const today = new Date(now);
  const days: CalendarDay[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - back);
    const end = new Date(today.getFullYear(), today.getMonth(), today.getDate() - back + 1);
    days.push({ date: localDate(start), start: start.getTime(), end: end.getTime() });
  }
  return days;
}

// A check that errored could not be trusted that day, like a failing one (the tray says the same);
// a check by hand is never run, so it counts like one that does not apply.
const RANK: Record<CheckStatus, number> = { not_applicable: 0, manual: 0, pass: 1, unknown: 2, fail: 3, error: 3 };

/**
 * Per day: the checks whose result runs cover that day, each by its worst result. A run spans
 * from its first scan to its last, so a day inside it (with a scan) had that result. Days
 * without a scan that recorded results count nothing, rather than guessing.
 */
export function dailyTrend(days: CalendarDay[], runs: CheckStateRecord[], scanTimes: number[]): TrendDay[] {
  return days.map((day) => {
    const scans = scanTimes.filter((at) => at >= day.start && at < day.end).length;
    const worst = new Map<string, number>();
    if (scans > 0) {
      for (const run of runs) {
        if (run.firstAt >= day.end || run.lastAt < day.start) continue;
        worst.set(run.checkId, Math.max(worst.get(run.checkId) ?? 0, RANK[run.status]));
      }
    }
    const count = (rank: number) => [...worst.values()].filter((r) => r === rank).length;
    return { ...day, scans, failed: count(RANK.fail), unknown: count(RANK.unknown), passed: count(RANK.pass) };
  });
}

function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
