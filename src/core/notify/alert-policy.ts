import { needsAttention, type ScanReport } from '../checks/scanner.js';
import type { Settings } from '../settings/settings.js';

export interface PendingNotification {
  /** Stable for what it is about, so the same news is not shown twice. */
  key: string;
  title: string;
  body: string;
  /** The check a click opens. */
  checkId?: string;
}

const REPEAT_AFTER_MS = 24 * 60 * 60 * 1000;
/** More news than this at once becomes one summary notification. */
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
export class NotificationPolicy {
  private readonly shownAt = new Map<string, number>();
  private previous = new Map<string, ScanReport['results'][number]['status']>();

  decide(report: ScanReport, preferences: Settings['notifications'], now: Date): PendingNotification[] {
    const before = this.previous;
    this.previous = new Map(report.results.map((r) => [r.checkId, r.status]));
    if (!preferences.enabled || inQuietHours(preferences.quietHours, now)) return [];

    const candidates: PendingNotification[] = [];
    if (preferences.failingChecks) {
      for (const result of report.results) {
        const startedFailing = result.status === 'fail' && before.has(result.checkId) && before.get(result.checkId) !== 'fail';
        if (startedFailing && result.findings.length === 0) {
          candidates.push({ key: `check:${result.checkId}:fail`, title: `${result.title}: needs attention`, body: result.summary, checkId: result.checkId });
        }
      }
    }
    if (preferences.newFindings) {
      for (const finding of report.changes.new) {
        if (!needsAttention(finding)) continue;
        candidates.push({
          key: `finding:${finding.id}`,
          title: NEW_FINDING_TITLES[finding.checkId] ?? 'New finding',
          body: `${finding.title}: ${finding.reason}`,
          checkId: finding.checkId,
        });
      }
    }

    const time = now.getTime();
    const fresh = candidates.filter((n) => {
      const shown = this.shownAt.get(n.key);
      return shown === undefined || time - shown >= REPEAT_AFTER_MS;
    });
    for (const notification of fresh) this.shownAt.set(notification.key, time);
    if (fresh.length <= MAX_SEPARATE) return fresh;
    return [
      {
        key: `summary:${report.scanId}`,
        title: `${fresh.length} things need your attention`,
        body: fresh
          .slice(0, 3)
          .map((n) => n.body)
          .join('\n'),
      },
    ];
  }
}
