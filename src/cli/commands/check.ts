import { ApiError } from '../../api/call-result.js';
import type { CheckDetail, ScanReportDto } from '../../api/contract.js';
import { withPorchlight } from '../porchlight-client.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { platformOption, PLATFORM_HELP } from '../platform-option.js';
import { formatReport } from '../scan-report-text.js';
import { outputWidth } from '../terminal.js';
import type { Command } from './command.js';

/** Version of `porchlight check --json`'s shape; see docs/cli-json.md. */
export const CHECK_JSON_VERSION = 3;

export const checkCommand: Command = {
  name: 'check',
  summary: 'scan now and print each check’s result',
  help: `Usage: porchlight check [--json] [--only ID]... [--failing] [--group source|category] [--all] [--platform OS]

Runs the enabled checks now (or only the named ones), records the results in the history
and prints what changed since the last scan. When Porchlight runs (the tray app, serve or
daemon), the scan is its scan: its history, notifications and window see it.

Results are grouped by where the checks come from (built-in, your files, each imported set),
with counts per group. A group of more than 25 checks lists only what fails, could not run or
cannot tell, and counts the rest; checks that could not run for the same reason (a table only
Fleet's agent has, say) are listed once under that reason. Lines fit the terminal (COLUMNS, or
100 characters when the output is not a terminal).

  --json        print the versioned JSON report (docs/cli-json.md)
  --only ID     run only this check (repeatable); see \`porchlight checks list\`
  --failing     list only checks that fail or could not run
  --group BY    group by source (default) or by category
  --all         list every check of every group
${PLATFORM_HELP}

Exit codes: 0 nothing fails, 1 a check fails or could not run, 2 the scan could not run.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      {
        json: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        platform: { type: 'string' },
        failing: { type: 'boolean' },
        all: { type: 'boolean' },
        group: { type: 'string' },
      },
      false,
    );
    const group = values.group ?? 'source';
    if (group !== 'source' && group !== 'category') throw new UsageError(`--group takes source or category, not "${group}"`);
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
        const options = { width: outputWidth(io), group, failing: values.failing ?? false, all: values.all ?? false } as const;
        io.out(formatReport(report, options) + hints);
      }
      return report.results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
    });
  },
};

export function reportJson(report: ScanReportDto, source: { via: 'agent' | 'in-process'; osquery: 'agent' | 'own' }) {
  const counts = { pass: 0, fail: 0, unknown: 0, not_applicable: 0, error: 0, manual: 0 };
  for (const result of report.results) counts[result.status]++;
  const change = (f: ScanReportDto['changes']['new'][number]) => ({ id: f.id, checkId: f.checkId, title: f.title, acknowledged: f.acknowledged });
  const checkChange = (c: ScanReportDto['changes']['failing'][number]) => ({ id: c.checkId, title: c.title, source: c.source });
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
      source: r.source,
      status: r.status,
      summary: r.summary,
      reason: r.reason,
      resolution: r.resolution,
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
    changes: {
      new: report.changes.new.map(change),
      resolved: report.changes.resolved.map(change),
      failing: report.changes.failing.map(checkChange),
      fixed: report.changes.fixed.map(checkChange),
    },
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
