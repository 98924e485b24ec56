import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import { testAlert, type Alert } from './alert.js';
import { DEFAULT_DELIVERY, DeliveryError, DeliveryQueue, type DeliveryOptions, type DeliveryResult } from './delivery-queue.js';

/** Every promise chain that can move has moved (setImmediate runs once the microtasks are done). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const OPTIONS: DeliveryOptions = { ...DEFAULT_DELIVERY, timeoutMs: 10_000, backoffInitialMs: 2_000, maxAttempts: 5 };

function alert(n: number): Alert {
  return { ...testAlert(n), key: `a${n}`, title: `alert ${n}` };
}

/** A sink whose answers the test scripts: each attempt takes the next answer ('ok', an error, or 'hang'). */
function scriptedSink(answers: (DeliveryError | Error | 'ok' | 'hang')[]) {
  const attempts: { alert: Alert; signal: AbortSignal }[] = [];
  const send = (sent: Alert, signal: AbortSignal) => {
    attempts.push({ alert: sent, signal });
    const answer = answers.shift() ?? 'ok';
    if (answer === 'ok') return Promise.resolve();
    if (answer === 'hang') return new Promise<void>(() => undefined);
    return Promise.reject(answer);
  };
  return { attempts, send };
}

const retryable = (message: string, retryAfterMs?: number) => new DeliveryError(message, { retryable: true, retryAfterMs });

describe('DeliveryQueue', () => {
  it('retries trouble that may pass with exponential backoff, and keeps the last result', async () => {
    const clock = new ManualClock();
    const sink = scriptedSink([retryable('could not reach ntfy.example: ECONNREFUSED'), retryable('ntfy.example answered 502'), retryable('ntfy.example answered 503'), 'ok']);
    const results: DeliveryResult[] = [];
    const queue = new DeliveryQueue(sink.send, clock, OPTIONS, (result) => results.push(result));
    queue.push(alert(1));
    for (const wait of [2_000, 4_000, 8_000]) {
      await settle();
      expect(clock.pending()).toContain(wait);
      clock.advance(wait);
    }
    await settle();
    expect(sink.attempts).toHaveLength(4);
    expect(results).toEqual([{ at: clock.now(), ok: true, message: 'delivered after 4 attempts', attempts: 4 }]);
    expect(queue.lastResult()).toEqual(results[0]);
    expect(queue.pending()).toBe(0);
  });

  it("waits as long as the server's Retry-After says, up to a limit", async () => {
    const clock = new ManualClock();
    const sink = scriptedSink([retryable('429', 7_000), retryable('429', 10 * 3_600_000), 'ok']);
    const queue = new DeliveryQueue(sink.send, clock, OPTIONS);
    queue.push(alert(1));
    await settle();
    expect(clock.pending()).toEqual([7_000]);
    clock.advance(6_999);
    await settle();
    expect(sink.attempts).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(sink.attempts).toHaveLength(2);
    expect(clock.pending()).toEqual([OPTIONS.retryAfterMaxMs]);
    clock.advance(OPTIONS.retryAfterMaxMs);
    await settle();
    expect(queue.lastResult()).toMatchObject({ ok: true, attempts: 3 });
  });

  it('does not retry what will not pass, and gives up on the rest after the last attempt, saying why', async () => {
    const clock = new ManualClock();
    const refused = scriptedSink([new DeliveryError('ntfy.example answered 403 Forbidden: {"error":"forbidden"}', { retryable: false })]);
    const once = new DeliveryQueue(refused.send, clock, OPTIONS);
    once.push(alert(1));
    await settle();
    expect(refused.attempts).toHaveLength(1);
    expect(clock.pending()).toEqual([]);
    expect(once.lastResult()).toMatchObject({ ok: false, attempts: 1, message: 'ntfy.example answered 403 Forbidden: {"error":"forbidden"}' });

    const down = scriptedSink(Array.from({ length: 9 }, () => retryable('could not reach ntfy.example: ECONNREFUSED')));
    const queue = new DeliveryQueue(down.send, clock, OPTIONS);
    queue.push(alert(2));
    for (let i = 0; i < 4; i++) {
      await settle();
      clock.advance(Math.max(...clock.pending()));
    }
    await settle();
    expect(down.attempts).toHaveLength(5);
    expect(queue.lastResult()).toMatchObject({ ok: false, attempts: 5, message: 'could not reach ntfy.example: ECONNREFUSED (gave up after 5 attempts)' });
  });

  it('aborts an attempt that gets no answer in time, and tries again', async () => {
    const clock = new ManualClock();
    const sink = scriptedSink(['hang', 'ok']);
    const queue = new DeliveryQueue(sink.send, clock, OPTIONS);
    queue.push(alert(1));
    await settle();
    expect(clock.pending()).toEqual([10_000]);
    clock.advance(10_000);
    await settle();
    expect(sink.attempts[0]!.signal.aborted).toBe(true);
    expect(clock.pending()).toEqual([2_000]);
    clock.advance(2_000);
    await settle();
    expect(queue.lastResult()).toMatchObject({ ok: true, attempts: 2 });
  });

  it('keeps a bounded queue: beyond its capacity the oldest waiting alerts go, and the result says so', async () => {
    const clock = new ManualClock();
    const sink = scriptedSink([retryable('down')]);
    const queue = new DeliveryQueue(sink.send, clock, { ...OPTIONS, capacity: 2 });
    for (let n = 1; n <= 5; n++) queue.push(alert(n));
    await settle();
    expect(queue.pending()).toBe(3);
    clock.advance(2_000);
    await settle();
    expect(sink.attempts.map((a) => a.alert.title)).toEqual(['alert 1', 'alert 1', 'alert 4', 'alert 5']);
    expect(queue.lastResult()?.ok).toBe(true);
    expect(queue.pending()).toBe(0);
  });

  it('says how many alerts it dropped', async () => {
    const clock = new ManualClock();
    const sink = scriptedSink(['hang']);
    const results: DeliveryResult[] = [];
    const queue = new DeliveryQueue(sink.send, clock, { ...OPTIONS, capacity: 1, maxAttempts: 1 }, (result) => results.push(result));
    for (let n = 1; n <= 4; n++) queue.push(alert(n));
    await settle();
    clock.advance(10_000);
    await settle();
    expect(results.map((r) => r.message)).toEqual([
      'no answer within 10 s (gave up after 1 attempt) (2 older alerts were dropped: too many were waiting)',
      'delivered',
    ]);
    expect(sink.attempts.map((a) => a.alert.title)).toEqual(['alert 1', 'alert 4']);
  });

  it('stops after a grace period, aborting what is still going out', async () => {
    const clock = new ManualClock();
    const sink = scriptedSink(['hang']);
    const queue = new DeliveryQueue(sink.send, clock, OPTIONS);
    queue.push(alert(1));
    queue.push(alert(2));
    await settle();
    const stopped = queue.stop(3_000);
    await settle();
    clock.advance(3_000);
    await stopped;
    expect(sink.attempts).toHaveLength(1);
    expect(sink.attempts[0]!.signal.aborted).toBe(true);
    expect(queue.lastResult()).toMatchObject({ ok: false, message: 'Porchlight stopped before this alert went out' });
    queue.push(alert(3));
    expect(queue.pending()).toBe(0);
  });

  it('sends a test at once, outside the queue, once', async () => {
    const clock = new ManualClock();
    const sink = scriptedSink([retryable('could not reach ntfy.example: ENOTFOUND')]);
    const queue = new DeliveryQueue(sink.send, clock, OPTIONS);
    await expect(queue.sendOnce(alert(1))).resolves.toMatchObject({ ok: false, attempts: 1, message: 'could not reach ntfy.example: ENOTFOUND' });
    expect(clock.pending()).toEqual([]);
    expect(queue.lastResult()?.ok).toBe(false);
  });
});
