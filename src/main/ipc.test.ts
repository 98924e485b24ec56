import { describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../api/contract.js';
import { CALL_CHANNEL } from '../api/ipc-channels.js';
import { isAppPage } from './app-protocol.js';
import { registerApiIpc, type IpcMainLike } from './ipc.js';

const OURS = 'app://porchlight/index.html#/check/firewall';

function fakeIpc() {
  const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const invoke = (senderUrl: string | null, ...args: unknown[]) =>
    handlers.get(CALL_CHANNEL)!({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, ...args);
  return { ipc, invoke, handlers };
}

const calls: unknown[] = [];
const handlers = {
  pauseChecks: async (request: unknown) => {
    calls.push(request);
    return { overall: 'ok' };
  },
} as unknown as ApiHandlers;

describe('IPC from the window', () => {
  it('refuses calls from other pages before any handler runs', async () => {
    const { ipc, invoke } = fakeIpc();
    registerApiIpc(ipc, handlers, isAppPage);
    calls.length = 0;
    for (const sender of ['https://evil.example/', null, 'devtools://devtools/bundled/inspector.html', 'app://evil/index.html']) {
      const answer = await invoke(sender, 'pauseChecks', { minutes: 60 });
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(calls).toEqual([]);
  });

  it('rejects unknown methods and payloads that do not fit the contract, with a clear error', async () => {
    const { ipc, invoke } = fakeIpc();
    registerApiIpc(ipc, handlers, isAppPage);
    calls.length = 0;
    expect(await invoke(OURS, 'deleteEverything', {})).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'no such call: deleteEverything' },
    });
    expect(await invoke(OURS, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await invoke(OURS, 'pauseChecks', { minutes: 'forever' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/^pauseChecks: minutes: /) },
    });
    expect(await invoke(OURS, 'pauseChecks', { minutes: 60, extra: 'payload' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(calls).toEqual([]);
  });

  it('passes a valid call from our window to its handler', async () => {
    const { ipc, invoke, handlers: registered } = fakeIpc();
    const unregister = registerApiIpc(ipc, handlers, isAppPage);
    calls.length = 0;
    const answer = await invoke(OURS, 'pauseChecks', { minutes: 60 });
    expect(calls).toEqual([{ minutes: 60 }]);
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } });
    unregister();
    expect(registered.has(CALL_CHANNEL)).toBe(false);
  });
});
