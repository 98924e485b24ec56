/**
 * The only bridge between the sandboxed window and the app: one call function and one event
 * subscription, both carrying the contract's method names. Bundled to CommonJS (sandboxed preloads
 * cannot be ES modules) by scripts/build-preload.mjs.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../api/ipc-channels.js';

contextBridge.exposeInMainWorld('porchlight', {
  call: (method: string, payload: unknown) => ipcRenderer.invoke(CALL_CHANNEL, method, payload),
  subscribe: (listener: (name: string, payload: unknown) => void) => {
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
});
