/** Electron IPC channels between the preload and the main process. */
export const CALL_CHANNEL = 'porchlight:call';
export const EVENT_CHANNEL = 'porchlight:event';
