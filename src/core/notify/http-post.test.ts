import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNtfyServer, type Answer } from '../../../test/helpers/alert-servers.js';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { testAlert } from './alert.js';
import { DEFAULT_DELIVERY, DeliveryQueue } from './delivery-queue.js';
import { parseRetryAfter, postAlert } from './http-post.js';
import { ntfySink } from './ntfy-sink.js';
import { SecretStore } from './secret-store.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  removeTempDirs();
});

async function ntfyAnswering(clock: ManualClock, ...answers: Answer[]) {
  const server = await startNtfyServer({ answer: () => answers.shift() });
  stops.push(server.stop);
  const sink = ntfySink({ id: 'ntfy-1', kind: 'ntfy', url: `${server.url}/alerts`, click: null }, new SecretStore(tempDir()), () => clock.now());
  return { server, sink };
}

const post = (url: string) => postAlert({ url: new URL(url), headers: {}, body: 'x' }, new AbortController().signal, Date.now);

describe('posting an alert over HTTP', () => {
  it("follows a 429's Retry-After through the delivery queue, on its clock, and then delivers", async () => {
    const clock = new ManualClock();
    const { server, sink } = await ntfyAnswering(clock, { status: 429, headers: { 'Retry-After': '7' }, body: '{"code":42901,"http":429,"error":"limit reached"}' });
    const queue = new DeliveryQueue(sink.send, clock, { ...DEFAULT_DELIVERY, timeoutMs: 30_000 });
    queue.push(testAlert(clock.now()));
    await expect.poll(() => clock.pending().includes(7_000)).toBe(true);
    expect(server.requests).toHaveLength(1);
    clock.advance(7_000);
    await expect.poll(() => queue.lastResult()).toMatchObject({ ok: true, message: 'delivered after 2 attempts' });
    expect(server.messages).toHaveLength(1);
    expect(clock.requested.filter((ms) => ms !== 30_000)).toEqual([7_000]);
  });

  it('retries a 5xx with backoff when the server gives no Retry-After, and reads an HTTP date in it', async () => {
    const clock = new ManualClock();
    const { sink } = await ntfyAnswering(clock, { status: 503, body: 'upstream down' }, { status: 503, headers: { 'Retry-After': new Date(clock.now() + 60_000).toUTCString() } });
    const queue = new DeliveryQueue(sink.send, clock, { ...DEFAULT_DELIVERY, timeoutMs: 30_000, backoffInitialMs: 2_000 });
    queue.push(testAlert(clock.now()));
    await expect.poll(() => clock.pending().includes(2_000)).toBe(true);
    clock.advance(2_000);
    await expect.poll(() => clock.pending().includes(58_000)).toBe(true);
    clock.advance(58_000);
    await expect.poll(() => queue.lastResult()?.ok).toBe(true);
  });

  it('says when nothing listens, and that it may pass', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(post(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({ retryable: true, message: `could not reach 127.0.0.1:${port}: ECONNREFUSED` });
  });

  it('does not follow a redirect, which could lead anywhere', async () => {
    const { server } = await ntfyAnswering(new ManualClock(), { status: 301, headers: { Location: 'http://203.0.113.9/elsewhere' } });
    await expect(post(`${server.url}/alerts`)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/answered 301 Moved Permanently, a redirect to http:\/\/203\.0\.113\.9\/elsewhere: give Porchlight the final address instead$/),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the token out of what it reports, even from a server that echoes it', async () => {
    const server = await startNtfyServer({ answer: (request) => ({ status: 400, body: `bad request: ${request.headers.authorization}` }) });
    stops.push(server.stop);
    const request = { url: new URL(`${server.url}/t`), headers: { Authorization: 'Bearer tk_do_not_show' }, body: 'x' };
    const failure = postAlert(request, new AbortController().signal, Date.now, 'tk_do_not_show');
    await expect(failure).rejects.toThrow('bad request: Bearer [secret]');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});
