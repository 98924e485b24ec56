/** The report as versioned JSON (docs/report-json.md). */
import { OVERALL_STATE_TEXT } from '../overall-state-text.js';
import type { ReportData } from './report-data.js';
import { findingCounts, reportChecks, statusCounts } from './report-model.js';

/** Raised when a field is removed or renamed or changes meaning; new fields may appear without it. */
export const REPORT_JSON_VERSION = 1;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function reportJson(data: ReportData) {
  return {
    schemaVersion: REPORT_JSON_VERSION,
    generatedAt: iso(data.generatedAt),
    platform: data.platform,
    demo: data.demo,
    verdict: data.verdict,
    verdictText: OVERALL_STATE_TEXT[data.verdict],
    scan: {
      id: data.report.scanId,
      trigger: data.report.trigger,
      startedAt: iso(data.report.startedAt),
      finishedAt: iso(data.report.finishedAt),
    },
    counts: statusCounts(data.report.results),
    checks: reportChecks(data).map(({ result, check, history, statusText, findings }) => {
      const counts = findingCounts(findings);
      return {
        id: result.checkId,
        title: result.title,
        category: result.category,
        severity: result.severity,
        source: result.source,
        status: result.status,
        statusText,
        summary: result.summary,
        reason: result.reason,
        confirmation: result.confirmation
          ? { statement: result.confirmation.statement, confirmedAt: iso(result.confirmation.confirmedAt), expiresAt: iso(result.confirmation.expiresAt) }
          : null,
        description: check.description,
        visibility: check.visibility,
        findingCounts: { needAttention: counts['needs attention'], acknowledged: counts.acknowledged, listed: counts.listed },
        findings: findings.map((f) => ({
          id: f.id,
          title: f.title,
          reason: f.reason,
          state: f.state,
          counted: f.counted,
          acknowledged: f.acknowledged,
          acknowledgedUntil: isoOrNull(f.acknowledgedUntil),
          firstSeen: isoOrNull(f.firstSeen),
          detail: f.detail,
        })),
        selfCheck: result.status === 'unknown' ? check.selfCheck : null,
        remediation: check.remediation,
        history: history.map((h) => ({ status: h.status, summary: h.summary, reason: h.reason, findingCount: h.findingCount, firstAt: iso(h.firstAt), lastAt: iso(h.lastAt) })),
      };
    }),
    trend: data.trend.map(({ date, scans, failed, unknown, passed }) => ({ date, scans, failed, unknown, passed })),
  };
}
