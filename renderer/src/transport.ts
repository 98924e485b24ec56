import { EVENT_NAMES, type CallResult } from '../../src/api/call-result';
import { createApiClient, type ApiTransport, type PorchlightClient } from '../../src/api/client';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in a browser. */
    porchlight?: ApiTransport;
  }
}

/** In Electron, through the preload's bridge; in a browser, over the local HTTP bridge. */
export function connect(): PorchlightClient {
  return createApiClient(window.porchlight ?? httpTransport());
}

export const runsInApp = (): boolean => window.porchlight !== undefined;

/** Relative URLs: the page is served under its per-start token folder, so every request carries it. */
function httpTransport(): ApiTransport {
  return {
    async call(method: string, payload: unknown): Promise<CallResult> {
      let response: Response;
      try {
        response = await fetch(`api/call/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(payload ?? {}),
        });
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'Porchlight is not answering. Is `porchlight serve` still running?' } };
      }
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { code: 'unavailable', message: await response.text() } };
      }
      return (await response.json()) as CallResult;
    },
    subscribe(listener, onConnected) {
      const source = new EventSource('api/events');
      if (onConnected) source.addEventListener('open', onConnected);
      for (const name of EVENT_NAMES) {
        source.addEventListener(name, (event) => listener(name, JSON.parse((event as MessageEvent<string>).data)));
      }
      return () => source.close();
    },
  };
}
