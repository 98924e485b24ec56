/** What crosses a transport for one call. Zod-free, so the renderer can bundle it. */
export type ApiErrorCode = 'invalid-request' | 'unknown-method' | 'osquery' | 'not-found' | 'unavailable' | 'internal';

export type CallResult = { ok: true; result: unknown } | { ok: false; error: { code: ApiErrorCode; message: string } };

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The names of the events UIs receive (their payload schemas are in contract.ts). */
export const EVENT_NAMES = [
  'osquery-state',
  'scan-started',
  'scan-finished',
  'scan-failed',
  'finding-new',
  'finding-resolved',
  'results-changed',
  'warning',
  'fleet-state',
  'fleet-query',
] as const;
