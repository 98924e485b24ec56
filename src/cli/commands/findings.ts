import { parseDate } from '../local-state.js';
import { withPorchlight } from '../porchlight-client.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import type { Command } from './command.js';

export const findingsCommand: Command = {
  name: 'findings',
  summary: 'list open findings (and resolved ones with --all)',
  help: `Usage: porchlight findings [--all] [--json]

Lists what the last scans found. Each finding has a short id for \`porchlight ack\`.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { all: { type: 'boolean' }, json: { type: 'boolean' } }, false);
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const findings = await api.listFindings({ includeResolved: values.all });
      if (values.json) {
        io.out(JSON.stringify(findings, null, 2) + '\n');
        return 0;
      }
      if (findings.length === 0) {
        io.out(values.all ? 'No findings recorded yet.\n' : 'No open findings.\n');
        return 0;
      }
      for (const f of findings) {
        const state = f.resolvedAt
          ? `resolved ${new Date(f.resolvedAt).toISOString()}`
          : f.acknowledged
            ? `acknowledged${f.acknowledgedUntil ? ` until ${new Date(f.acknowledgedUntil).toISOString()}` : ''}`
            : f.counted
              ? 'open'
              : 'listed';
        io.out(`${f.id}  ${f.checkId}  ${f.title}\n            ${f.reason} — ${state}, first seen ${new Date(f.firstSeen).toISOString()}\n`);
      }
      return 0;
    });
  },
};

export const ackCommand: Command = {
  name: 'ack',
  summary: 'acknowledge a finding ("I know, it\'s fine"), optionally until a date',
  help: `Usage: porchlight ack FINDING [--until DATE] [--note TEXT] [--remove]

FINDING is the short id \`porchlight findings\` shows (or CHECK-ID:KEY). An acknowledged finding
no longer fails its check or notifies, but stays visible. --remove takes the acknowledgement back.

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(
      args,
      { until: { type: 'string' }, note: { type: 'string' }, remove: { type: 'boolean' } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('ack takes one FINDING id');
    const until = values.until === undefined ? null : parseDate(values.until, '--until');
    if (until !== null && until <= Date.now()) throw new UsageError('--until must be in the future');
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const finding = await api.getFinding({ findingId: positionals[0]! });
      if (values.remove) {
        if (!finding.acknowledged) {
          io.out(`${finding.title} was not acknowledged.\n`);
          return 0;
        }
        await api.unacknowledge({ findingId: finding.id });
        io.out(`No longer acknowledged: ${finding.title}\n`);
        return 0;
      }
      await api.acknowledge({ findingId: finding.id, until, note: values.note });
      io.out(`Acknowledged${until ? ` until ${new Date(until).toISOString()}` : ''}: ${finding.title}\n`);
      return 0;
    });
  },
};

export const historyCommand: Command = {
  name: 'history',
  summary: 'show how check results changed over time',
  help: `Usage: porchlight history [--check ID] [--since DATE] [--json]

One line per change of a check's result (unchanged scans extend the line).

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { check: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } }, false);
    const since = values.since === undefined ? undefined : parseDate(values.since, '--since');
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const timeline = await api.getHistory({ checkId: values.check, since });
      const unfinished = values.check ? [] : await api.getUnfinishedScans({ since });
      if (values.json) {
        io.out(JSON.stringify(timeline, null, 2) + '\n');
        return 0;
      }
      if (timeline.length === 0 && unfinished.length === 0) {
        io.out('No history yet. Run `porchlight check`.\n');
        return 0;
      }
      for (const entry of timeline) {
        const span = `${new Date(entry.firstAt).toISOString()} … ${new Date(entry.lastAt).toISOString()}`;
        io.out(`${span}  ${entry.checkId}  ${entry.status}  ${entry.summary}\n`);
      }
      if (unfinished.length > 0) {
        io.out(`\nScans that did not finish:\n`);
        for (const scan of unfinished) io.out(`${new Date(scan.startedAt).toISOString()}  ${scan.trigger}  ${scan.error ?? 'failed'}\n`);
      }
      return 0;
    });
  },
};
