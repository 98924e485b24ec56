import type { CheckResult } from './checks/scanner.js';
import type { OsquerydState } from './osquery/supervisor.js';

export type OverallState = 'scanning' | 'osquery-down' | 'failing' | 'unknown' | 'ok';

/** What a set of results says on its own, whatever osquery and the scanner are doing now. */
export type ResultsState = Extract<OverallState, 'failing' | 'unknown' | 'ok'>;

export interface OverallInputs {
  osquery: OsquerydState;
  scanning: boolean;
  /** Results of the latest scan, or undefined before the first one. */
  results: Pick<CheckResult, 'status' | 'confirmation'>[] | undefined;
}

/**
 * The one word the tray icon shows, in order of precedence. An unknown check the owner has
 * confirmed themselves no longer asks for their attention (it stays unknown everywhere else).
 */
export function overallState({ osquery, scanning, results }: OverallInputs): OverallState {
  if (scanning) return 'scanning';
  if (osquery !== 'running') return 'osquery-down';
  if (!results) return 'unknown';
  return resultsState(results);
}

/** The verdict of results alone (a report's headline): the last steps of `overallState`. */
export function resultsState(results: Pick<CheckResult, 'status' | 'confirmation'>[]): ResultsState {
  if (results.some((r) => r.status === 'fail' || r.status === 'error')) return 'failing';
  if (results.some((r) => r.status === 'unknown' && !r.confirmation)) return 'unknown';
  return 'ok';
}
