/** A typed API object over any transport. Zod-free: the renderer bundles this file. */
import type { ApiEvent, ApiEventName, PorchlightApi } from './contract.js';
import { ApiError, type CallResult } from './call-result.js';

export interface ApiTransport {
  call(method: string, payload: unknown): Promise<CallResult>;
  /**
   * Starts receiving events; returns a function that stops. A transport whose stream connects
   * later (or reconnects) calls `onConnected` each time, because events sent before were missed.
   */
  subscribe(listener: (name: string, payload: unknown) => void, onConnected?: () => void): () => void;
}

export type EventListener = <E extends ApiEventName>(name: E, payload: ApiEvent<E>) => void;

export interface PorchlightClient extends PorchlightApi {
  /** `onConnected`: the event stream (re)connected; state read before may be stale. */
  onEvent(listener: EventListener, onConnected?: () => void): () => void;
}

/** Every call of the contract, by name, through `transport`; a failed call throws ApiError. */
export function createApiClient(transport: ApiTransport): PorchlightClient {
  const onEvent = (listener: EventListener, onConnected?: () => void) =>
    transport.subscribe((name, payload) => (listener as (n: string, p: unknown) => void)(name, payload), onConnected);
  return new Proxy({ onEvent } as unknown as PorchlightClient, {
    get(target, property) {
      if (property === 'onEvent') return target.onEvent;
      if (typeof property !== 'string' || property === 'then') return undefined;
      return async (request: unknown = {}) => {
        const answer = await transport.call(property, request);
        if (!answer.ok) throw new ApiError(answer.error.code, answer.error.message);
        return answer.result;
      };
    },
  });
}
