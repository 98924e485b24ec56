import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_EVENT_STREAMS } from '../../src/server/http-bridge.js';
import { startServe, type RunningServe } from '../browser/serve.js';
import { removeTempDirs, tempDir } from '../helpers/standin.js';

/** `porchlight serve` as a real process; no browser needed to check what the bridge refuses. */
const running: RunningServe[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((serve) => serve.stop()));
  removeTempDirs();
});

describe('the HTTP bridge refuses what it must', () => {
  it('requires the token, checks the Host header and accepts no cross-origin calls', async () => {
    const serve = await startServe();
    running.push(serve);
    const call = (headers: Record<string, string>, prefix = '') =>
      fetch(`${serve.origin}${prefix}/api/call/getStatus`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect((await call({})).status).toBe(401);
    expect((await call({ 'x-porchlight-token': 'wrong' })).status).toBe(401);
    expect((await call({}, '/t/wrong')).status).toBe(401);
    expect((await fetch(`${serve.origin}/`)).status).toBe(401);
    expect((await fetch(`${serve.origin}/t/${serve.token}/assets/../../../etc/passwd`)).status).not.toBe(200);
    expect((await fetch(`${serve.origin}/t/%E0%A4%A/`)).status).toBe(400);
    expect((await call({ 'x-porchlight-token': serve.token, origin: 'http://evil.example' })).status).toBe(403);
    const ok = await call({}, `/t/${serve.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
    expect(ok.headers.get('set-cookie')).toBeNull();
    expect((await call({ 'x-porchlight-token': serve.token })).status).toBe(200);
    const page = await fetch(serve.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const rebinding = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${serve.url}`, { headers: { host: 'attacker.example' } }, (res) => resolve(res.statusCode ?? 0));
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(rebinding).toBe(403);
    const hostile = await fetch(`${serve.origin}/api/call/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-porchlight-token': serve.token },
      body: JSON.stringify({ findingId: { $ne: 1 }, until: 'soon', extra: true }),
    });
    expect(hostile.status).toBe(400);
    expect(((await hostile.json()) as { error: { message: string } }).error.message).toMatch(/^acknowledge: /);
  });
});

describe('the HTTP bridge under a flood', () => {
  /** An event stream, read as it comes; resolves once its headers arrived. */
  function eventStream(serve: RunningServe): Promise<{ text: () => string; closed: () => boolean; destroy: () => void }> {
    return new Promise((resolve, reject) => {
      let text = '';
      let closed = false;
      const request = http.get(`${serve.url}api/events`, (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('close', () => (closed = true));
        resolve({ text: () => text, closed: () => closed, destroy: () => request.destroy() });
      });
      request.on('error', reject);
    });
  }

  it('keeps serving the window while a thousand event streams and slow headers pile up', async () => {
    const serve = await startServe();
    running.push(serve);
    const flood: Awaited<ReturnType<typeof eventStream>>[] = [];
    for (let i = 0; i < 1_000; i++) flood.push(await eventStream(serve));
    // Only the newest streams stay open; the rest were closed as others came.
    await expect.poll(() => flood.filter((stream) => !stream.closed()).length).toBe(MAX_EVENT_STREAMS);

    const slow = Array.from({ length: 200 }, () => {
      const socket = net.createConnection(serve.port, '127.0.0.1');
      const client = { closed: false };
      socket.on('error', () => undefined);
      socket.on('close', () => (client.closed = true));
      socket.resume();
      socket.write(`GET /t/${serve.token}/ HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\nX-Slow: `);
      return client;
    });

    const window = await eventStream(serve);
    const status = await fetch(`${serve.url}api/call/scanNow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(status.status).toBe(200);
    await expect.poll(() => window.text()).toContain('event: scan-finished');
    // Headers that never end are cut off after a few seconds.
    await expect.poll(() => slow.every((socket) => socket.closed), { timeout: 15_000 }).toBe(true);
    for (const stream of [...flood, window]) stream.destroy();
  }, 60_000);
});

describe('porchlight serve --open', () => {
  it('hands the browser a private file that leads to the window, never the token itself', async () => {
    const bin = tempDir();
    const seen = path.join(bin, 'seen');
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > "${seen}"\n`, { mode: 0o755 });
    const serve = await startServe(['--open'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    running.push(serve);
    await expect.poll(() => existsSync(seen)).toBe(true);
    const argument = readFileSync(seen, 'utf8');
    expect(argument).not.toContain(serve.token);
    expect(statSync(argument).mode & 0o777).toBe(0o600);
    expect(readFileSync(argument, 'utf8')).toContain(`content="0;url=${serve.url}"`);
  });
});
