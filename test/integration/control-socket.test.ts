import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client.js';
import { Porchlight } from '../../src/app/porchlight.js';
import { controlSocketPath, UnsafeSocketDirectoryError } from '../../src/core/paths/private-sockets.js';
import { openConfSettings } from '../../src/core/settings/conf-settings.js';
import { ControlSocketTransport } from '../../src/server/control-client.js';
import { MAX_LINE_BYTES } from '../../src/server/control-socket.js';
import { copyDemoLaptop, FAST_TIMINGS, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

const running: Porchlight[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((porchlight) => porchlight.stop()));
  removeTempDirs();
});

async function startPorchlight(): Promise<{ porchlight: Porchlight; dataDir: string }> {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const { fixture } = copyDemoLaptop(dir);
  const porchlight = new Porchlight({
    dataDir,
    openSettings: openConfSettings,
    osquerydPath: STANDIN_OSQUERYD,
    env: standinEnv({ STANDIN_FIXTURE: fixture, STANDIN_PLATFORM: 'linux' }),
    timings: FAST_TIMINGS,
  });
  running.push(porchlight);
  await porchlight.start();
  return { porchlight, dataDir };
}

/** One raw line-protocol exchange, as a hostile local program would have it. */
function exchange(socketPath: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.on('connect', () => socket.end(bytes));
  });
}

describe('the agent’s control socket', () => {
  it('serves the API contract and its events to this user, in a private folder', async () => {
    const { porchlight, dataDir } = await startPorchlight();
    expect(porchlight.controlSocket).toBe(controlSocketPath(dataDir));
    const transport = (await ControlSocketTransport.connect(porchlight.controlSocket))!;
    const api = createApiClient(transport);
    const events: string[] = [];
    const connected = new Promise<void>((resolve) => api.onEvent((name) => events.push(name), resolve));
    await connected;
    const report = await api.scanNow({ only: ['firewall'], trigger: 'cli' });
    expect(report.trigger).toBe('cli');
    await expect.poll(() => events).toEqual(expect.arrayContaining(['scan-started', 'scan-finished']));
    expect((await api.getStatus({})).platform).toBe('linux');
    await expect(api.getFinding({ findingId: 'nope' })).rejects.toThrow('no finding "nope"');
    transport.close();
  });

  it('answers hostile lines with an error instead of acting on them', async () => {
    const { porchlight } = await startPorchlight();
    expect(await exchange(porchlight.controlSocket, 'not json\n')).toBe('{"error":"each line must be one JSON object"}\n');
    const unknown = JSON.parse(await exchange(porchlight.controlSocket, '{"id":1,"method":"rm -rf","payload":{}}\n')) as { result: { error: { code: string } } };
    expect(unknown.result.error.code).toBe('unknown-method');
    const bad = JSON.parse(await exchange(porchlight.controlSocket, '{"id":2,"method":"acknowledge","payload":{"findingId":{"$ne":1}}}\n')) as {
      result: { error: { code: string } };
    };
    expect(bad.result.error.code).toBe('invalid-request');
    expect(await exchange(porchlight.controlSocket, 'x'.repeat(MAX_LINE_BYTES + 10))).toBe(`{"error":"a line may hold at most ${MAX_LINE_BYTES} bytes"}\n`);
  });

  it('removes the socket a killed agent left, so the CLI works on its own', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const socketPath = controlSocketPath(dataDir);
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    const agent = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}); setInterval(() => {}, 1000);`]);
    await expect.poll(() => existsSync(socketPath)).toBe(true);
    agent.kill('SIGKILL');
    await new Promise((resolve) => agent.once('exit', resolve));
    expect(existsSync(socketPath)).toBe(true);
    expect(await ControlSocketTransport.connect(socketPath)).toBeUndefined();
    expect(existsSync(socketPath)).toBe(false);
  });

  it('refuses a socket folder other users can enter or own', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const socketPath = controlSocketPath(dataDir);
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    chmodSync(path.dirname(socketPath), 0o755);
    await expect(ControlSocketTransport.connect(socketPath)).rejects.toThrow(UnsafeSocketDirectoryError);
    if (process.getuid?.() !== 0) return; // giving a folder to another user needs root
    chmodSync(path.dirname(socketPath), 0o700);
    chownSync(path.dirname(socketPath), 65534, 65534);
    await expect(ControlSocketTransport.connect(socketPath)).rejects.toThrow(/belongs to another user \(uid 65534\)/);
  });

  it('does not let a second agent take over a data dir whose agent still answers', async () => {
    const { porchlight, dataDir } = await startPorchlight();
    const second = new Porchlight({ dataDir, openSettings: openConfSettings, osquerydPath: STANDIN_OSQUERYD, env: standinEnv() });
    try {
      await expect(second.start()).rejects.toThrow(`another Porchlight agent already serves this data dir on ${porchlight.controlSocket}`);
    } finally {
      await second.stop();
    }
    const first = await ControlSocketTransport.connect(porchlight.controlSocket);
    expect(first).toBeInstanceOf(ControlSocketTransport);
    first?.close();
  });
});
