import { ApiError } from '../../api/call-result.js';
import type { CheckDetail, ScanReportDto } from '../../api/contract.js';
import { withPorchlight } from '../porchlight-client.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { platformOption, PLATFORM_HELP } from '../platform-option.js';
import type { Command } from './command.js';

/** Version of `porchlight check --json`'s shape; see docs/cli-json.md. */
export const CHECK_JSON_VERSION = 2;

export const checkCommand: Command = {
  name: 'check',
  summary: 'scan now and print each check’s result',
  help: `Usage: porchlight check [--json] [--only ID]... [--platform OS]

Runs the enabled checks now (or only the named ones), records the results in the history
and prints what changed since the last scan. When Porchlight runs (the tray app, serve or
daemon), the scan is its scan: its history, notifications and window see it.

  --json      print the versioned JSON report (docs/cli-json.md)
  --only ID   run only this check (repeatable); see \`porchlight checks list\`
${PLATFORM_HELP}

Exit codes: 0 nothing fails, 1 a check fails or could not run, 2 the scan could not run.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { json: { type: 'boolean' }, only: { type: 'string', multiple: true }, platform: { type: 'string' } },
      false,
    );
    const ctx = contextFrom(values, io);
    const platform = values.platform === undefined ? undefined : platformOption(values.platform);
    const connectOptions = { platform, onStartingOwnDaemon: () => (values.json ? undefined : io.err('Starting osqueryd for this scan…\n')) };
    return withPorchlight(ctx, connectOptions, async (porchlight) => {
      const { api } = porchlight;
      let report: ScanReportDto;
      try {
        report = await api.scanNow({ only: values.only, trigger: 'cli' });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'not-found') throw new UsageError(error.message);
        if (!(error instanceof ApiError) || error.code !== 'unavailable') throw error;
        io.err(`porchlight: the scan could not run: ${error.message}\n`);
        return 2;
      }
      if (values.json) {
        io.out(JSON.stringify(reportJson(report, { via: porchlight.via, osquery: porchlight.osquery() }), null, 2) + '\n');
      } else {
        const hints = await selfCheckHints(report, (id) => api.getCheck({ id }));
        io.out(formatReport(report) + hints);
      }
      return report.results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
    });
  },
};

export function reportJson(report: ScanReportDto, source: { via: 'agent' | 'in-process'; osquery: 'agent' | 'own' }) {
  const counts = { pass: 0, fail: 0, unknown: 0, not_applicable: 0, error: 0 };
  for (const result of report.results) counts[result.status]++;
  const change = (f: ScanReportDto['changes']['new'][number]) => ({ id: f.id, checkId: f.checkId, title: f.title, acknowledged: f.acknowledged });
  return {
    schemaVersion: CHECK_JSON_VERSION,
    scan: {
      id: report.scanId,
      trigger: report.trigger,
      platform: report.platform,
      startedAt: new Date(report.startedAt).toISOString(),
      finishedAt: new Date(report.finishedAt).toISOString(),
      via: source.via,
      osquery: source.osquery,
    },
    counts,
    results: report.results.map((r) => ({
      id: r.checkId,
      title: r.title,
      category: r.category,
      severity: r.severity,
      status: r.status,
      summary: r.summary,
      reason: r.reason,
      confirmation: r.confirmation
        ? { statement: r.confirmation.statement, confirmedAt: new Date(r.confirmation.confirmedAt).toISOString(), expiresAt: new Date(r.confirmation.expiresAt).toISOString() }
        : null,
      findings: r.findings.map((f) => ({
        id: f.id,
        title: f.title,
        reason: f.reason,
        counted: f.counted,
        acknowledged: f.acknowledged,
        detail: f.detail,
      })),
    })),
    changes: { new: report.changes.new.map(change), resolved: report.changes.resolved.map(change) },
  };
}

/** For checks osquery cannot see that the owner may confirm: how to look, and how to record it. */
async function selfCheckHints(report: ScanReportDto, detail: (id: string) => Promise<CheckDetail>): Promise<string> {
  const hints: string[] = [];
  for (const result of report.results) {
    if (result.status !== 'unknown' || result.confirmation) continue;
    const selfCheck = (await detail(result.checkId)).check.selfCheck;
    if (!selfCheck?.confirmation) continue;
    hints.push(`${result.title}: see for yourself — ${selfCheck.steps.join(' ')}`, `  Then \`porchlight confirm ${result.checkId}\` records "${selfCheck.confirmation}" as your word.`);
  }
  return hints.length ? `\n${hints.join('\n')}\n` : '';
}

const STATUS_LABEL = { pass: 'pass', fail: 'FAIL', unknown: 'unknown', not_applicable: 'n/a', error: 'ERROR' } as const;

export function formatReport(report: ScanReportDto): string {
  const width = Math.max(5, ...report.results.map((r) => r.title.length));
  const lines = [`${'STATUS'.padEnd(8)} ${'CHECK'.padEnd(width)}  SUMMARY`];
  for (const result of report.results) {
    lines.push(`${STATUS_LABEL[result.status].padEnd(8)} ${result.title.padEnd(width)}  ${result.summary}`);
    if (result.status === 'error') lines.push(`${' '.repeat(9 + width + 2)}osquery: ${result.reason}`);
    for (const finding of result.findings) {
      const mark = finding.acknowledged ? 'ack' : finding.counted ? '!' : '-';
      lines.push(`${' '.repeat(9)}${mark.padStart(3)} ${finding.title}  [${finding.id}]`);
      lines.push(`${' '.repeat(13)}${finding.reason}`);
    }
  }
  const { new: added, resolved } = report.changes;
  lines.push('', `Changes since the last scan: ${added.length} new, ${resolved.length} resolved`);
  for (const finding of added) lines.push(`  + ${finding.title}  [${finding.id}]`);
  for (const finding of resolved) lines.push(`  - ${finding.title}  [${finding.id}]`);
  return lines.join('\n') + '\n';
}
