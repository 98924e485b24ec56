import type { Agent } from '../core/agent.js';
import { EVENTS, type ApiEventName } from './contract.js';

/** Every Agent event, shaped by the contract's schema, to one listener (a transport). */
export function subscribeAgentEvents(agent: Agent, listener: (name: ApiEventName, payload: unknown) => void): () => void {
  const offs = (Object.keys(EVENTS) as ApiEventName[]).map((name) =>
    agent.on(name, (payload: unknown) => listener(name, EVENTS[name].parse(payload))),
  );
  return () => {
    for (const off of offs) off();
  };
}
