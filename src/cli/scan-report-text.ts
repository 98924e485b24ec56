import type { CheckResultDto, ScanReportDto } from '../api/contract.js';
import { byStatus, groupResults, NEEDS_A_LOOK, sharedErrorCauses, statusCounts, type ResultGroup } from '../api/result-groups.js';
import { count, displayWidth, firstLine, fit, truncate, wrap } from './terminal.js';

export interface ReportTextOptions {
  /** Characters per line. */
  width: number;
  /** Results grouped by where the checks come from (built-in, a file, an imported set) or by category. */
  group: 'source' | 'category';
  /** Only checks that fail or could not run. */
  failing: boolean;
  /** Every check of every group, none folded into counts. */
  all: boolean;
}

type Status = CheckResultDto['status'];

const STATUS_LABEL: Record<Status, string> = { pass: 'pass', fail: 'FAIL', unknown: 'unknown', not_applicable: 'n/a', error: 'ERROR', manual: 'by hand' };
/** A group of more checks than this lists what needs a look and counts the rest. */
const LISTED_WHOLE = 25;
/** Checks named under a block of errors with one cause, unless --all. */
const NAMED_PER_CAUSE = 5;
const STATUS_COLUMN = 8;
const INDENT = ' '.repeat(STATUS_COLUMN + 1);

/** The scan as text that fits `width`: groups with their counts, what needs a look, totals and what changed. */
export function formatReport(report: ScanReportDto, options: ReportTextOptions): string {
  const lines = [`${fit('STATUS', STATUS_COLUMN)} CHECK  SUMMARY`];
  const indented = (text: string) => wrap(`${INDENT}  ${text}`, options.width, `${INDENT}  `);

  for (const group of groupResults(report.results, options.group)) {
    const listed = listedResults(group, options);
    if (options.failing && listed.length === 0) continue;
    lines.push('', ...wrap(`${group.name} — ${count(group.results.length, 'check')}: ${statusCounts(group.results)}`, options.width, '  '));
    // Columns per group: an imported set's long titles get the room its short summaries leave.
    const causes = sharedErrorCauses(listed);
    const rows = listed.filter((result) => !(result.status === 'error' && causes.has(result.reason)));
    const available = options.width - STATUS_COLUMN - 3;
    const summaryWidth = Math.min(55, Math.max(0, ...rows.map((r) => displayWidth(r.summary))));
    const titleWidth = Math.min(Math.max(5, ...rows.map((r) => displayWidth(r.title))), Math.max(24, available - summaryWidth));
    // A summary that does not fit goes on under itself: it may be the only place a reason is said.
    const row = (result: CheckResultDto) => {
      const prefix = `${fit(STATUS_LABEL[result.status], STATUS_COLUMN)} ${fit(result.title, titleWidth)}  `;
      const summary = wrap(result.summary, Math.max(20, options.width - displayWidth(prefix)));
      return summary.length ? summary.map((line, i) => (i === 0 ? prefix : ' '.repeat(displayWidth(prefix))) + line) : [prefix.trimEnd()];
    };
    const said = new Set<string>();
    for (const result of listed) {
      const cause = result.status === 'error' ? causes.get(result.reason) : undefined;
      if (cause) {
        if (said.has(result.reason)) continue;
        said.add(result.reason);
        lines.push(truncate(`${fit(STATUS_LABEL.error, STATUS_COLUMN)} ${count(cause.length, 'check')} could not run:`, options.width));
        lines.push(...indented(result.reason));
        const named = options.all ? cause : cause.slice(0, NAMED_PER_CAUSE);
        for (const each of named) lines.push(truncate(`${INDENT}  · ${each.title}`, options.width));
        if (named.length < cause.length) lines.push(`${INDENT}  … and ${cause.length - named.length} more (--all lists them)`);
        continue;
      }
      lines.push(...row(result));
      if (result.status === 'error') lines.push(...indented(`why: ${result.reason}`));
      if (result.status === 'fail' && result.resolution) lines.push(truncate(`${INDENT}  fix: ${firstLine(result.resolution)}`, options.width));
      if (result.status === 'manual' && result.resolution) lines.push(truncate(`${INDENT}  how: ${firstLine(result.resolution)}`, options.width));
      for (const finding of result.findings) {
        const mark = finding.acknowledged ? 'ack' : finding.counted ? '!' : '-';
        lines.push(truncate(`${INDENT}${mark.padStart(3)} ${finding.title}  [${finding.id}]`, options.width));
        lines.push(truncate(`${INDENT}    ${finding.reason}`, options.width));
      }
    }
    const listedSet = new Set(listed);
    const folded = options.failing ? [] : group.results.filter((result) => !listedSet.has(result));
    if (folded.length > 0) lines.push(...wrap(`${INDENT}${statusCounts(folded)} (not listed; --all lists them)`, options.width, INDENT));
  }

  lines.push('', ...wrap(`Total: ${count(report.results.length, 'check')} — ${statusCounts(report.results)}`, options.width, '  '));
  lines.push(...changeLines(report.changes, options));
  return lines.join('\n') + '\n';
}

/**
 * A group's results to list line by line. Built-in checks are listed whole, in their order. An
 * imported set or file lists what fails, could not run or cannot tell first; its passes only when
 * it is small, and checks by hand and for other systems are counted (--all lists everything).
 */
function listedResults(group: ResultGroup<CheckResultDto>, options: ReportTextOptions): CheckResultDto[] {
  if (options.failing) return byStatus(group.results.filter((result) => result.status === 'fail' || result.status === 'error'));
  if (group.kind === 'builtin') return group.results;
  if (options.all) return byStatus(group.results);
  const small = group.results.length <= LISTED_WHOLE;
  return byStatus(group.results.filter((result) => NEEDS_A_LOOK.includes(result.status) || (small && result.status === 'pass')));
}


const CHANGES_LISTED = 10;

function changeLines(changes: ScanReportDto['changes'], options: ReportTextOptions): string[] {
  const checks = [changes.failing.length && `${changes.failing.length} started failing`, changes.fixed.length && `${changes.fixed.length} pass again`].filter(Boolean);
  const lines = wrap(`Changes since the last scan: ${changes.new.length} new, ${changes.resolved.length} resolved${checks.length ? `; ${checks.join(', ')}` : ''}`, options.width, '  ');
  const list = <T>(items: T[], line: (item: T) => string) => {
    const shown = options.all ? items : items.slice(0, CHANGES_LISTED);
    lines.push(...shown.map((item) => truncate(line(item), options.width)));
    if (shown.length < items.length) lines.push(`  … and ${items.length - shown.length} more (--all lists them)`);
  };
  list(changes.new, (f) => `  + ${f.title}  [${f.id}]`);
  list(changes.resolved, (f) => `  - ${f.title}  [${f.id}]`);
  list(changes.failing, (c) => `  ✗ ${c.title} started failing (${c.source.name})`);
  list(changes.fixed, (c) => `  ✓ ${c.title} passes again (${c.source.name})`);
  return lines;
}
