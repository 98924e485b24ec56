import type { CheckDetail, PorchlightApi, ResultsState, ScanReportDto, Status, TrendDayDto } from '../contract.js';

/** How many days a report's trend covers (the window's overview shows the same). */
export const TREND_DAYS = 30;

/** Everything a report says, as the API gives it: the CLI and the window build reports from this alone. */
export interface ReportData {
  generatedAt: number;
  platform: Status['platform'];
  demo: boolean;
  /** What the latest results say (the tray's word for them). */
  verdict: ResultsState;
  report: ScanReportDto;
  /** Each result's check (description, remediation for this OS, findings with dates, history), in the report's order. */
  checks: CheckDetail[];
  trend: TrendDayDto[];
}

export class NothingToReportError extends Error {
  override name = 'NothingToReportError';
}

/** Reads what a report needs, through any transport: the running agent's latest state, or the history in-process. */
export async function loadReportData(api: Pick<PorchlightApi, 'getStatus' | 'getLastReport' | 'getCheck' | 'getTrend'>, now = Date.now()): Promise<ReportData> {
  const [status, last, trend] = await Promise.all([api.getStatus({}), api.getLastReport({}), api.getTrend({ days: TREND_DAYS })]);
  if (!last.report || !last.verdict) throw new NothingToReportError('nothing to report yet: no scan has recorded results');
  const checks = await Promise.all(last.report.results.map((result) => api.getCheck({ id: result.checkId })));
  return { generatedAt: now, platform: status.platform, demo: status.demo, verdict: last.verdict, report: last.report, checks, trend };
}
