import type { Platform } from '../platform.js';
import type { HistoryStore } from '../store/history-store.js';
import type { LoadedCheck } from './definition.js';
import { ownerDecisions, resultIdentity, withOwnerDecisions, type CheckResult, type ScanReport } from './scanner.js';

type HistoryReader = Pick<HistoryStore, 'lastScan' | 'latestStates' | 'findings' | 'acknowledgedKeys' | 'confirmations'>;

/**
 * The latest results the history holds, as a report: each check's latest recorded result, in the
 * order of `checks`, with its open findings and the owner's decisions as of `now`. What a process
 * that has not scanned itself shows (a CLI command, an agent before its first scan); undefined
 * before any scan recorded results.
 */
export function reportFromHistory(store: HistoryReader, checks: LoadedCheck[], platform: Platform, now: number): ScanReport | undefined {
  const scan = store.lastScan({ ok: true });
  if (!scan) return undefined;
  const states = store.latestStates();
  const results: CheckResult[] = [];
  for (const check of checks) {
    const state = states.get(check.id);
    if (!state) continue;
    // Only pass and fail record findings; an unknown check's open findings wait for data (as in a scan).
    const findings =
      state.status === 'pass' || state.status === 'fail'
        ? store.findings({ checkId: check.id }, now).map(({ id, key, title, reason, detail, counted, acknowledged }) => ({
            id,
            key,
            title,
            reason,
            detail,
            counted,
            acknowledged,
          }))
        : [];
    results.push({
      ...resultIdentity(check),
      status: state.status,
      summary: state.summary,
      reason: state.reason,
      findings,
      confirmation: null,
      queryMs: 0,
    });
  }
  const report: ScanReport = {
    scanId: scan.id,
    trigger: scan.trigger,
    platform,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt ?? scan.startedAt,
    results,
    changes: { new: [], resolved: [], failing: [], fixed: [] },
    osqueryMs: 0,
    totalMs: 0,
  };
  return withOwnerDecisions(report, ownerDecisions(store, now));
}
