/**
 * The report as CSV for spreadsheets: one row per finding, and one per check without findings.
 * Written by the one CSV writer (src/api/csv.ts), which keeps formula-like cells as text.
 */
import { toCsv } from '../csv.js';
import type { ReportData } from './report-data.js';
import { reportChecks } from './report-model.js';

export const REPORT_CSV_COLUMNS = [
  'check_id',
  'check',
  'category',
  'severity',
  'status',
  'shown_as',
  'summary',
  'reason',
  'finding_id',
  'finding',
  'finding_reason',
  'finding_state',
  'first_seen',
  'details',
] as const;

type Row = Record<(typeof REPORT_CSV_COLUMNS)[number], string>;

export function reportCsv(data: ReportData): string {
  const rows: Row[] = [];
  for (const { result, statusText, findings } of reportChecks(data)) {
    const check = {
      check_id: result.checkId,
      check: result.title,
      category: result.category,
      severity: result.severity,
      status: result.status,
      shown_as: statusText,
      summary: result.summary,
      reason: result.reason,
    };
    const none = { finding_id: '', finding: '', finding_reason: '', finding_state: '', first_seen: '', details: '' };
    if (findings.length === 0) rows.push({ ...check, ...none });
    for (const f of findings) {
      rows.push({
        ...check,
        finding_id: f.id,
        finding: f.title,
        finding_reason: f.reason,
        finding_state: f.stateText,
        first_seen: f.firstSeen === null ? '' : new Date(f.firstSeen).toISOString(),
        details: Object.entries(f.detail)
          .filter(([, value]) => value !== '')
          .map(([key, value]) => `${key}: ${value}`)
          .join('; '),
      });
    }
  }
  return toCsv([...REPORT_CSV_COLUMNS], rows);
}
