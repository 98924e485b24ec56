import { afterEach, describe, expect, it } from 'vitest';
import { cronProblem, InvalidScheduleError, ScanSchedule } from './scan-schedule.js';

const schedules: ScanSchedule[] = [];
afterEach(() => {
  for (const schedule of schedules.splice(0)) schedule.stop();
});

describe('ScanSchedule', () => {
  it('rejects an invalid cron expression and says why', () => {
    const schedule = new ScanSchedule(async () => undefined);
    schedules.push(schedule);
    expect(() => schedule.start('*/0 * * *')).toThrow(InvalidScheduleError);
    expect(cronProblem('70 * * * *')).toMatch(/^"70 \* \* \* \*" is not a valid cron schedule \(minute/);
    expect(cronProblem('*/30 * * * *')).toBeUndefined();
  });

  it('runs on its schedule and never overlaps a slow run', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const schedule = new ScanSchedule(async () => {
      running++;
      runs++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      running--;
    });
    schedules.push(schedule);
    schedule.start('* * * * * *');
    expect(schedule.nextRun()).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 3_600));
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
    expect(most).toBe(1);
  });
});
