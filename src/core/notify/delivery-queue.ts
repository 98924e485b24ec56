import { errorMessage } from '../error-message.js';
import type { Alert } from './alert.js';

/** Time for deliveries: the real one, or a test's that moves only when told to. */
export interface DeliveryClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: DeliveryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A delivery that did not work; `retryable` when trying again later may (network trouble, 5xx, 429). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly retryable: boolean;
  /** What the server asked for (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number | undefined }) {
    super(message);
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Where alerts go: sends one alert, or throws (a DeliveryError says whether to try again). */
export type SendAlert = (alert: Alert, signal: AbortSignal) => Promise<void>;

export interface DeliveryResult {
  at: number;
  ok: boolean;
  /** "delivered", or what went wrong, in words. */
  message: string;
  attempts: number;
}

export interface DeliveryOptions {
  /** Alerts waiting beyond this drop the oldest: news from a day of failed sends is not worth a flood. */
  capacity: number;
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** A server's Retry-After is followed up to this long; beyond, the alert waits this long. */
  retryAfterMaxMs: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  capacity: 20,
  maxAttempts: 5,
  backoffInitialMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  retryAfterMaxMs: 60 * 60_000,
  timeoutMs: 10_000,
};

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * One sink's alerts, sent one after another from a bounded queue: retried with exponential
 * backoff (or the server's Retry-After) on trouble that may pass, each attempt under a timeout.
 * Nobody waits for it: a scan only pushes.
 */
export class DeliveryQueue {
  private readonly waiting: Alert[] = [];
  private dropped = 0;
  private running: Promise<void> | undefined;
  private sending = false;
  private readonly stopping = new AbortController();
  private latest: DeliveryResult | undefined;

  constructor(
    private readonly send: SendAlert,
    private readonly clock: DeliveryClock,
    private readonly options: DeliveryOptions,
    private readonly onResult: (result: DeliveryResult) => void = () => undefined,
  ) {}

  push(alert: Alert): void {
    if (this.stopping.signal.aborted) return;
    this.waiting.push(alert);
    while (this.waiting.length > this.options.capacity) {
      this.waiting.shift();
      this.dropped += 1;
    }
    this.running ??= this.work().finally(() => (this.running = undefined));
  }

  /** Alerts waiting or in flight. */
  pending(): number {
    return this.waiting.length + (this.sending ? 1 : 0);
  }

  lastResult(): DeliveryResult | undefined {
    return this.latest;
  }

  /** One attempt now, outside the queue (a test the owner waits for); the result counts as the latest. */
  async sendOnce(alert: Alert): Promise<DeliveryResult> {
    const result = await this.attempt(alert).then(
      (): DeliveryResult => ({ at: this.clock.now(), ok: true, message: 'delivered', attempts: 1 }),
      (error: unknown): DeliveryResult => ({ at: this.clock.now(), ok: false, message: errorMessage(error), attempts: 1 }),
    );
    this.record(result);
    return result;
  }

  /** Lets what is queued go out for up to `graceMs`, then gives up on the rest. */
  async stop(graceMs: number): Promise<void> {
    const running = this.running;
    if (running) {
      const grace = new AbortController();
      await Promise.race([running, this.clock.sleep(graceMs, grace.signal).catch(() => undefined)]);
      grace.abort();
    }
    this.waiting.length = 0;
    this.stopping.abort(new Error('Porchlight stopped before this alert went out'));
    await running?.catch(() => undefined);
  }

  private async work(): Promise<void> {
    for (let alert = this.waiting.shift(); alert; alert = this.waiting.shift()) {
      this.sending = true;
      const result = await this.deliver(alert);
      this.sending = false;
      if (this.dropped > 0) {
        result.message += ` (${this.dropped} older ${this.dropped === 1 ? 'alert was' : 'alerts were'} dropped: too many were waiting)`;
        this.dropped = 0;
      }
      this.record(result);
      if (this.stopping.signal.aborted) return;
    }
  }

  private async deliver(alert: Alert): Promise<DeliveryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(alert);
        return { at: this.clock.now(), ok: true, message: attempt === 1 ? 'delivered' : `delivered after ${attempt} attempts`, attempts: attempt };
      } catch (error) {
        const retryable = error instanceof DeliveryError ? error.retryable : error instanceof TimeoutError;
        const failed = (why: string): DeliveryResult => ({ at: this.clock.now(), ok: false, message: why, attempts: attempt });
        if (this.stopping.signal.aborted) return failed(errorMessage(this.stopping.signal.reason));
        if (!retryable) return failed(errorMessage(error));
        if (attempt >= this.options.maxAttempts) return failed(`${errorMessage(error)} (gave up after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'})`);
        const wait = this.retryDelay(attempt, error instanceof DeliveryError ? error.retryAfterMs : undefined);
        try {
          await this.clock.sleep(wait, this.stopping.signal);
        } catch {
          return failed(errorMessage(this.stopping.signal.reason));
        }
      }
    }
  }

  private retryDelay(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), this.options.retryAfterMaxMs);
    return Math.min(this.options.backoffInitialMs * 2 ** (attempt - 1), this.options.backoffMaxMs);
  }

  /** One send under the timeout; stopping the queue aborts it too, whether or not the sink heeds its signal. */
  private async attempt(alert: Alert): Promise<void> {
    if (this.stopping.signal.aborted) throw this.stopping.signal.reason;
    const controller = new AbortController();
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
    );
    const abortOnStop = () => controller.abort(this.stopping.signal.reason);
    this.stopping.signal.addEventListener('abort', abortOnStop, { once: true });
    const timer = new AbortController();
    this.clock.sleep(this.options.timeoutMs, timer.signal).then(
      () => controller.abort(new TimeoutError(`no answer within ${Math.round(this.options.timeoutMs / 1000)} s`)),
      () => undefined,
    );
    try {
      await Promise.race([(async () => this.send(alert, controller.signal))(), aborted]);
    } finally {
      timer.abort();
      this.stopping.signal.removeEventListener('abort', abortOnStop);
    }
  }

  private record(result: DeliveryResult): void {
    this.latest = result;
    this.onResult(result);
  }
}
