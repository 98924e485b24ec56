import { needsAttention, type ScanReport } from '../checks/scanner.js';
import type { Settings } from '../settings/settings.js';
import { highestSeverity, type Alert } from './alert.js';

const REPEAT_AFTER_MS = 24 * 60 * 60 * 1000;
/** More news than this at once becomes one summary alert. */
const MAX_SEPARATE = 3;

const NEW_FINDING_TITLES: Record<string, string> = {
  'browser-extensions': 'A browser extension to look at',
  'listening-ports': 'New service open to the network',
};

/** "22:00"–"07:00" style windows, crossing midnight or not. */
export function inQuietHours(quiet: Settings['notifications']['quietHours'], now: Date): boolean {
  if (!quiet) return false;
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const current = now.getHours() * 60 + now.getMinutes();
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  return start <= end ? current >= start && current < end : current >= start || current < end;
}

/**
 * Decides what to tell the owner after a scan: checks that start failing and new findings,
 * following their preferences and quiet hours, never the same news twice within a day, and
 * one summary instead of a burst.
 */
export class AlertPolicy {
  private readonly shownAt = new Map<string, number>();
  private previous = new Map<string, ScanReport['results'][number]['status']>();

  decide(report: ScanReport, preferences: Settings['notifications'], now: Date): Alert[] {
    const before = this.previous;
    // A scan of some checks leaves the others' last status as it was.
    this.previous = new Map([...before, ...report.results.map((r) => [r.checkId, r.status] as const)]);
    if (!preferences.enabled || inQuietHours(preferences.quietHours, now)) return [];

    const time = now.getTime();
    const candidates: Alert[] = [];
    if (preferences.failingChecks) {
      for (const result of report.results) {
        const startedFailing = result.status === 'fail' && before.has(result.checkId) && before.get(result.checkId) !== 'fail';
        if (startedFailing && result.findings.length === 0) {
          candidates.push({
            key: `check:${result.checkId}:fail`,
            kind: 'check-failing',
            title: `${result.title}: needs attention`,
            body: result.summary,
            severity: result.severity,
            checkId: result.checkId,
            at: time,
          });
        }
      }
    }
    if (preferences.newFindings) {
      const severityOf = new Map(report.results.map((r) => [r.checkId, r.severity]));
      for (const finding of report.changes.new) {
        if (!needsAttention(finding)) continue;
        candidates.push({
          key: `finding:${finding.id}`,
          kind: 'new-finding',
          title: NEW_FINDING_TITLES[finding.checkId] ?? 'New finding',
          body: `${finding.title}: ${finding.reason}`,
          severity: severityOf.get(finding.checkId) ?? 'medium',
          checkId: finding.checkId,
          findingId: finding.id,
          at: time,
        });
      }
    }

    const fresh = candidates.filter((alert) => {
      const shown = this.shownAt.get(alert.key);
      return shown === undefined || time - shown >= REPEAT_AFTER_MS;
    });
    for (const alert of fresh) this.shownAt.set(alert.key, time);
    if (fresh.length <= MAX_SEPARATE) return fresh;
    return [
      {
        key: `summary:${report.scanId}`,
        kind: 'summary',
        title: `${fresh.length} things need your attention`,
        body: fresh
          .slice(0, 3)
          .map((alert) => alert.body)
          .join('\n'),
        severity: highestSeverity(fresh.map((alert) => alert.severity)),
        at: time,
      },
    ];
  }
}
