import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CheckFileError, MAX_CHECK_FILE_BYTES } from '../../core/checks/check-file.js';
import { importFleetPolicies, type ImportSummary } from '../../core/checks/fleet/fleet-import.js';
import { resultSource } from '../../core/checks/scanner.js';
import { osqueryPlatformOf } from '../../core/osquery/schema.js';
import { openLocalState } from '../local-state.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { withPorchlight } from '../porchlight-client.js';
import { count, displayWidth, fit, outputWidth, truncate, wrap } from '../terminal.js';
import type { Command } from './command.js';

export const checksListCommand: Command = {
  name: 'checks list',
  summary: 'list the built-in and your own checks, by where they come from',
  help: `Usage: porchlight checks list [--source NAME|FILE] [--json]

Lists every check with its id, grouped by where it comes from: built in, one of your check
files, or a set imported with \`porchlight checks import\`.

  --source NAME   only the checks of this source (a set's name, or the file it was imported from)
  --json          print them as JSON

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' }, source: { type: 'string' } }, false);
    const ctx = contextFrom(values, io);
    const state = openLocalState(ctx);
    try {
      const disabled = new Set(state.settings.get().disabledChecks);
      const platform = osqueryPlatformOf(process.platform);
      let checks = state.checks().map((check) => ({
        id: check.id,
        title: check.title,
        category: check.category,
        severity: check.severity,
        platforms: Object.keys(check.queries),
        enabled: !disabled.has(check.id),
        appliesHere: platform !== undefined && platform in check.queries,
        byHand: check.evaluation.kind === 'manual',
        source: { ...resultSource(check), file: check.source.from ?? check.source.file ?? null },
        fleet: check.fleet ?? null,
      }));
      if (values.source !== undefined) {
        const name = sourceNamed(values.source, checks);
        checks = checks.filter((check) => check.source.name === name);
      }
      if (values.json) {
        io.out(JSON.stringify(checks, null, 2) + '\n');
        return 0;
      }
      const width = outputWidth(io);
      const idWidth = Math.max(...checks.map((c) => c.id.length));
      let source: string | undefined;
      for (const check of checks) {
        if (check.source.name !== source) {
          source = check.source.name;
          const inSource = checks.filter((c) => c.source.name === source);
          const off = inSource.filter((c) => !c.enabled).length;
          const from = check.source.kind === 'fleet' && check.source.file ? ` imported from ${check.source.file}` : '';
          io.out(`${source === checks[0]!.source.name ? '' : '\n'}${truncate(`${source} — ${count(inSource.length, 'check')}${from}${off ? `, ${off} turned off` : ''}`, width)}\n`);
        }
        const notes = [check.byHand && 'by hand', check.enabled ? '' : 'disabled', check.appliesHere ? '' : 'not on this OS'].filter(Boolean).join(', ');
        const note = notes ? `  (${notes})` : '';
        const titleWidth = Math.max(10, width - idWidth - 2 - displayWidth(note));
        io.out(`${fit(check.id, idWidth)}  ${truncate(check.title, titleWidth)}${note}\n`);
      }
      return 0;
    } finally {
      state.close();
    }
  },
};

export const checksImportCommand: Command = {
  name: 'checks import',
  summary: 'import Fleet policy YAML as a set of your own checks',
  help: `Usage: porchlight checks import FILE [--replace] [--json]

Reads Fleet's policy YAML (documents with apiVersion: v1, kind: policy and a spec with name,
query, description, resolution, platform, purpose, tags and critical) and keeps the policies as
one set of checks in <data dir>/checks/, named after the file.

Valid policies are imported and each invalid document is refused, with its number, name and
reason. Reports, queries and labels are skipped and counted. Policies marked "Manual Validation
Required" are "check by hand": listed, never failing. critical: true makes a check critical. Each
policy's SQL is checked against osquery's tables; one that needs a table only Fleet's agent has
is imported and says so. A policy's id comes from its name, so it stays the same across imports.

The file's content identifies an import: the same file again changes nothing. Policies that
another set has already are not imported again; --replace takes them over (and replaces the set
imported from the same file, when there is one).

  --replace   take over policies that another set has
  --json      print the summary as JSON

Exit codes: 0 every policy imported (or imported already), 3 some documents refused,
1 nothing imported, 2 the file could not be read.

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' }, replace: { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new UsageError('checks import takes one FILE');
    const file = path.resolve(positionals[0]!);
    const ctx = contextFrom(values, io);
    let bytes: Buffer;
    try {
      const size = statSync(file).size;
      if (size > MAX_CHECK_FILE_BYTES) throw new CheckFileError(file, undefined, `is ${(size / 1024 / 1024).toFixed(1)} MB; Porchlight imports files of up to ${MAX_CHECK_FILE_BYTES / 1024 / 1024} MB`);
      bytes = readFileSync(file);
    } catch (error) {
      if (error instanceof CheckFileError) throw new UsageError(`${error.message}. Nothing was imported.`);
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let summary: ImportSummary;
    try {
      summary = importFleetPolicies(ctx.dataDir, file, bytes, { replace: values.replace ?? false });
    } catch (error) {
      if (!(error instanceof CheckFileError)) throw error;
      io.err(`porchlight: ${error.message}\nNothing was imported.\n`);
      return 2;
    }
    if (values.json) io.out(JSON.stringify(summary, null, 2) + '\n');
    else io.out(importText(summary, outputWidth(io)));
    return { imported: 0, unchanged: 0, partial: 3, nothing: 1 }[summary.outcome];
  },
};

/** What an import did, for a person: what came in, what was refused and why, what will not run. */
export function importText(summary: ImportSummary, width: number): string {
  const lines: string[] = [];
  /** Said in full, wrapped under its first word. */
  const line = (text: string) => {
    const indent = ' '.repeat(/^ */.exec(text)![0].length + 2);
    lines.push(...wrap(text, width, indent));
  };
  /** One of a list, cut to the line. */
  const item = (text: string) => lines.push(truncate(text, width));
  const total = summary.imported.length + summary.refused.length + summary.alreadyImported.reduce((n, a) => n + a.policies.length, 0);
  const quoted = (name: string | undefined) => (name ? ` "${name}"` : '');
  if (summary.outcome === 'unchanged') {
    line(`${summary.file} is imported already, as "${summary.set!.name}" on ${summary.set!.importedAt.slice(0, 10)}; nothing changed.`);
    return lines.join('\n') + '\n';
  }
  if (summary.set) {
    line(`Imported ${summary.imported.length} of ${count(total, 'policy', 'policies')} from ${summary.file} as "${summary.set.name}".`);
    line(`  Kept in ${summary.set.file}`);
    const byHand = summary.imported.filter((p) => p.manual).length;
    if (byHand) line(`  ${byHand} to check by hand (Fleet's "Manual Validation Required"): listed, never failing.`);
  } else {
    line(`Nothing was imported from ${summary.file}.`);
  }
  if (summary.update) {
    const { added, changed, removed, unchanged } = summary.update;
    line(`Replaced the set imported from this file before: ${added} added, ${changed} changed, ${removed} removed, ${unchanged} unchanged.`);
  }
  for (const taken of summary.replaced.filter((r) => r.set !== summary.set?.name)) {
    line(`Took over ${count(taken.policies, 'policy', 'policies')} from "${taken.set}"${taken.whole ? ', which is now empty and removed' : ''}.`);
  }
  if (summary.skipped.length) {
    const kinds = new Map<string, number>();
    for (const skipped of summary.skipped) kinds.set(skipped.kind, (kinds.get(skipped.kind) ?? 0) + 1);
    const described = [...kinds].map(([kind, n]) => `${n} ${kind}${n === 1 || kind.endsWith('policy') ? '' : 's'}`).join(', ');
    line(`Skipped ${count(summary.skipped.length, 'document')} that ${summary.skipped.length === 1 ? 'is' : 'are'} not a policy here: ${described}.`);
  }
  if (summary.refused.length) {
    line(`Refused ${count(summary.refused.length, 'document')}:`);
    for (const refused of summary.refused) line(`  document ${refused.document}${quoted(refused.name)}: ${refused.reason}`);
  }
  for (const already of summary.alreadyImported) {
    const same = already.policies.filter((p) => p.sameQuery).length;
    const detail = same === already.policies.length ? 'the same queries' : `${same} with the same query, ${already.policies.length - same} with another`;
    line(`Not imported: ${count(already.policies.length, 'policy is', 'policies are')} in "${already.set}" already (${detail}); --replace takes them over:`);
    for (const policy of already.policies.slice(0, 5)) item(`  document ${policy.document} "${policy.name}" (${policy.id})`);
    if (already.policies.length > 5) line(`  … and ${already.policies.length - 5} more`);
  }
  if (summary.cannotRun.length) {
    line(`Will not run on a plain osqueryd as written (imported; each says why when scanned):`);
    const numberWidth = String(summary.cannotRun[0]!.policies.length).length;
    for (const cause of summary.cannotRun) line(`  ${String(cause.policies.length).padStart(numberWidth)} ${cause.reason}`);
  }
  if (summary.set && summary.imported.length) {
    const shown = summary.imported.length <= 10 ? summary.imported : summary.imported.slice(0, 5);
    const idWidth = Math.max(...shown.map((p) => p.id.length));
    line(shown.length === summary.imported.length ? 'Ids:' : `Ids (the first ${shown.length}; \`porchlight checks list --source "${summary.set.name}"\` lists them all):`);
    for (const policy of shown) item(`  ${fit(policy.id, idWidth)}  ${policy.name}`);
  }
  return lines.join('\n') + '\n';
}

/** A source's name from what the owner typed: the name itself, or the file a set was imported from (or is kept in). */
function sourceNamed(given: string, checks: { source: { name: string; file: string | null; kind: string } }[]): string {
  const resolved = path.resolve(given);
  const names = [...new Set(checks.map((c) => c.source.name))];
  if (names.includes(given)) return given;
  const byFile = [...new Set(checks.filter((c) => c.source.file === resolved).map((c) => c.source.name))];
  if (byFile.length === 1) return byFile[0]!;
  if (byFile.length > 1) throw new UsageError(`${given} was imported more than once, as ${byFile.map((n) => `"${n}"`).join(' and ')}; name the set`);
  const listed = names.slice(0, 10).map((n) => `"${n}"`).join(', ');
  throw new UsageError(`no checks come from "${given}"; the sources are ${listed}${names.length > 10 ? ', …' : ''}`);
}

function enableCommand(enabled: boolean): Command {
  const verb = enabled ? 'enable' : 'disable';
  return {
    name: `checks ${verb}`,
    summary: enabled ? 'turn checks back on, one by one or a whole source' : 'turn checks off, one by one or a whole source (an imported set)',
    help: `Usage: porchlight checks ${verb} (--source NAME|FILE | ID...)

Turns ${enabled ? 'on' : 'off'} the named checks, or every check of a source: an imported set (by its
name or the file it was imported from), one of your check files, or "Built-in". When Porchlight
runs, it applies this at once.

${COMMON_HELP}`,
    async run(args, io) {
      const { values, positionals } = parseCommand(args, { source: { type: 'string' } }, true);
      if ((values.source === undefined) === (positionals.length === 0)) throw new UsageError(`checks ${verb} takes --source NAME or check ids`);
      return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
        const source = values.source === undefined ? undefined : sourceNamed(values.source, await api.listChecks({}));
        const result = await api.setChecksEnabled(source === undefined ? { checkIds: positionals, enabled } : { source, enabled });
        const what = source === undefined ? count(result.checks, 'check') : `${count(result.checks, 'check')} of "${source}"`;
        io.out(`${enabled ? 'Enabled' : 'Disabled'} ${what}.\n`);
        if (!enabled) io.out(`\`porchlight checks enable ${source === undefined ? positionals.join(' ') : `--source "${source}"`}\` turns ${result.checks === 1 ? 'it' : 'them'} back on.\n`);
        return 0;
      });
    },
  };
}

export const checksEnableCommand = enableCommand(true);
export const checksDisableCommand = enableCommand(false);
