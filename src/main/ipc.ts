import type { CallResult } from '../api/call-result.js';
import type { ApiHandlers } from '../api/contract.js';
import { dispatch } from '../api/dispatch.js';
import { CALL_CHANNEL } from '../api/ipc-channels.js';


/** The part of Electron's ipcMain this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
/**
 * Answers the renderer's calls: each one's sender must be our page, and its method and payload
 * are checked against the contract before any handler runs.
 */
export function registerApiIpc(ipcMain: IpcMainLike, handlers: ApiHandlers, isTrusted: (url: string) => boolean): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, method, payload): Promise<CallResult> => {
    const sender = event.senderFrame?.url ?? '';
    if (!isTrusted(sender)) {
      return { ok: false, error: { code: 'invalid-request', message: `calls from ${sender.slice(0, 100) || 'an unknown page'} are refused` } };
    }
    return dispatch(handlers, method, payload);
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}
