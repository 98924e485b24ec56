/** One entry for every report: the CLI and the window's Export both go through here. */
import { reportCsv } from './csv.js';
import { reportHtml } from './html.js';
import { reportJson } from './json.js';
import type { ReportData } from './report-data.js';
import { localDate } from './words.js';

export const REPORT_FORMATS = ['html', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderedReport {
  text: string;
  mediaType: string;
  /** A file name to offer: porchlight-report-2026-11-27.html */
  fileName: string;
}

const MEDIA_TYPES: Record<ReportFormat, string> = {
  html: 'text/html;charset=utf-8',
  json: 'application/json',
  csv: 'text/csv;charset=utf-8',
};

export function renderReport(data: ReportData, format: ReportFormat): RenderedReport {
  const text = format === 'html' ? reportHtml(data) : format === 'json' ? JSON.stringify(reportJson(data), null, 2) + '\n' : reportCsv(data);
  return { text, mediaType: MEDIA_TYPES[format], fileName: `porchlight-report-${localDate(data.generatedAt)}.${format}` };
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
