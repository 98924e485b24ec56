/** What every report format says about a check and its findings, worked out once. */
import { checkStatusText } from '../check-status-text.js';
import type { CheckDetail, CheckResultDto } from '../contract.js';
import { STATUS_ORDER, STATUS_WORDS } from '../result-groups.js';
import type { ReportData } from './report-data.js';
import { localDate, plural } from './words.js';

export type FindingState = 'needs attention' | 'acknowledged' | 'listed';

export interface ReportFinding {
  id: string;
  title: string;
  reason: string;
  detail: Record<string, string>;
  counted: boolean;
  acknowledged: boolean;
  acknowledgedUntil: number | null;
  /** When the history first saw it (null: not in the history any more). */
  firstSeen: number | null;
  /** Listed: shown to the owner, not held against the check; acknowledged: counted, but the owner said it is fine. */
  state: FindingState;
  stateText: string;
}

export interface ReportCheck {
  result: CheckResultDto;
  check: CheckDetail['check'];
  history: CheckDetail['history'];
  statusText: string;
  findings: ReportFinding[];
}

export function reportChecks(data: ReportData): ReportCheck[] {
  return data.report.results.map((result, i) => {
    const detail = data.checks[i]!;
    const stored = new Map(detail.findings.map((f) => [f.id, f]));
    const findings = result.findings.map((finding): ReportFinding => {
      const known = stored.get(finding.id);
      const state: FindingState = !finding.counted ? 'listed' : finding.acknowledged ? 'acknowledged' : 'needs attention';
      const until = known?.acknowledgedUntil ?? null;
      const stateText =
        state === 'listed' ? 'listed for you to see' : state === 'acknowledged' && until ? `acknowledged until ${localDate(until)}` : state;
      return { ...finding, acknowledgedUntil: until, firstSeen: known?.firstSeen ?? null, state, stateText };
    });
    return { result, check: detail.check, history: detail.history, statusText: checkStatusText(result.status, result.confirmation !== null), findings };
  });
}

export function findingCounts(findings: ReportFinding[]): Record<FindingState, number> {
  const counts: Record<FindingState, number> = { 'needs attention': 0, acknowledged: 0, listed: 0 };
  for (const finding of findings) counts[finding.state]++;
  return counts;
}

/** "2 need attention, 1 acknowledged, 3 listed for you to see" (only the kinds there are). */
export function findingCountsText(findings: ReportFinding[]): string {
  const counts = findingCounts(findings);
  const parts = [
    counts['needs attention'] && `${counts['needs attention']} ${counts['needs attention'] === 1 ? 'needs' : 'need'} attention`,
    counts.acknowledged && `${counts.acknowledged} acknowledged`,
    counts.listed && `${counts.listed} listed for you to see`,
  ].filter(Boolean);
  return parts.length ? `${plural(findings.length, 'finding')}: ${parts.join(', ')}` : 'No findings';
}

export type StatusCounts = Record<CheckResultDto['status'] | 'confirmedByYou', number>;

/** Checks by status; an unknown check the owner confirmed is counted as theirs, not as unknown or pass. */
export function statusCounts(results: CheckResultDto[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, fail: 0, unknown: 0, not_applicable: 0, error: 0, manual: 0, confirmedByYou: 0 };
  for (const result of results) {
    if (result.status === 'unknown' && result.confirmation) counts.confirmedByYou++;
    else counts[result.status]++;
  }
  return counts;
}

const STATUS_WORD = new Map(STATUS_WORDS);

/** "9 fail · 1 confirmed by you · 2 pass · 4 not on this OS": the window's words, in its order, the owner's confirmations after the unknown. */
export function statusCountsText(counts: StatusCounts): string {
  return STATUS_ORDER.flatMap((status) => (status === 'unknown' ? [status, 'confirmedByYou' as const] : [status]))
    .filter((key) => counts[key] > 0)
    .map((key) => `${counts[key]} ${key === 'confirmedByYou' ? 'confirmed by you' : STATUS_WORD.get(key)}`)
    .join(' · ');
}
