import type { DeliveryClock } from '../../src/core/notify/delivery-queue.js';

interface Sleeper {
  until: number;
  ms: number;
  resolve: () => void;
}

/** Delivery time that moves only when a test says so: no real waiting, every wait visible. */
export class ManualClock implements DeliveryClock {
  private time = 1_800_000_000_000;
  private readonly sleepers = new Set<Sleeper>();
  /** Every wait asked for, in ms, in order. */
  readonly requested: number[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const sleeper: Sleeper = { until: this.time + ms, ms, resolve };
      this.sleepers.add(sleeper);
      signal.addEventListener(
        'abort',
        () => {
          if (this.sleepers.delete(sleeper)) reject(signal.reason as Error);
        },
        { once: true },
      );
    });
  }

  /** The waits now pending, in ms as asked. */
  pending(): number[] {
    return [...this.sleepers].map((s) => s.ms);
  }

  /** Moves time on by `ms`, waking every wait that is due. */
  advance(ms: number): void {
    this.time += ms;
    for (const sleeper of [...this.sleepers]) {
      if (sleeper.until > this.time) continue;
      this.sleepers.delete(sleeper);
      sleeper.resolve();
    }
  }
}
