import type { CheckStatus } from './checks/definition.js';
import type { OsquerydState } from './osquery/supervisor.js';

export type OverallState = 'scanning' | 'osquery-down' | 'failing' | 'unknown' | 'ok';

export interface OverallInputs {
  osquery: OsquerydState;
  scanning: boolean;
  /** Statuses of the latest scan, or undefined before the first one. */
  statuses: CheckStatus[] | undefined;
}

/** The one word the tray icon shows, in order of precedence. */
export function overallState({ osquery, scanning, statuses }: OverallInputs): OverallState {
  if (scanning) return 'scanning';
  if (osquery !== 'running') return 'osquery-down';
  if (!statuses) return 'unknown';
  if (statuses.some((s) => s === 'fail' || s === 'error')) return 'failing';
  if (statuses.some((s) => s === 'unknown')) return 'unknown';
  return 'ok';
}
