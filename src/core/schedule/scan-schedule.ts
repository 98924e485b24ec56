import cron, { type ScheduledTask } from 'node-cron';

export class InvalidScheduleError extends Error {
  override name = 'InvalidScheduleError';
}

/** Why a cron expression is not usable, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const result = cron.validateDetailed(expression);
  if (result.valid) return undefined;
  const details = result.errors.map((e) => `${e.field}${e.value === undefined ? '' : ` "${e.value}"`}: ${e.message}`);
  return `"${expression}" is not a valid cron schedule (${details.join('; ') || 'unreadable'})`;
}

/**
 * Runs a task on a cron schedule (node-cron). Runs never overlap: a tick that arrives while the
 * task is still running is skipped.
 */
export class ScanSchedule {
  private task: ScheduledTask | undefined;
  /** node-cron's noOverlap covers one task; this also covers a run still going when start() replaced it. */
  private running = false;

  constructor(private readonly run: () => Promise<unknown>) {}

  /** (Re)starts on `expression`; throws InvalidScheduleError with the reason for a bad one. */
  start(expression: string): void {
    const problem = cronProblem(expression);
    if (problem) throw new InvalidScheduleError(problem);
    this.stop();
    this.task = cron.schedule(expression, () => this.tick(), { noOverlap: true, name: 'porchlight-scan' });
  }

  stop(): void {
    void this.task?.destroy();
    this.task = undefined;
  }

  nextRun(): Date | null {
    return this.task?.getNextRun() ?? null;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.run();
    } catch {
      // The task reports its own failures; the schedule keeps going.
    } finally {
      this.running = false;
    }
  }
}
