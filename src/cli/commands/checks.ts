import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckFileError, parseFleetPolicies } from '../../core/checks/loader.js';
import { osqueryPlatformOf } from '../../core/osquery/schema.js';
import { openLocalState } from '../local-state.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import type { Command } from './command.js';

export const checksListCommand: Command = {
  name: 'checks list',
  summary: 'list the built-in and your own checks',
  help: `Usage: porchlight checks list [--json]

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, false);
    const ctx = contextFrom(values, io);
    const state = openLocalState(ctx);
    try {
      const disabled = new Set(state.settings.get().disabledChecks);
      const platform = osqueryPlatformOf(process.platform);
      const checks = state.checks().map((check) => ({
        id: check.id,
        title: check.title,
        category: check.category,
        severity: check.severity,
        platforms: Object.keys(check.queries),
        enabled: !disabled.has(check.id),
        appliesHere: platform !== undefined && platform in check.queries,
        source: check.source.origin,
        file: check.source.file,
      }));
      if (values.json) {
        io.out(JSON.stringify(checks, null, 2) + '\n');
        return 0;
      }
      const width = Math.max(...checks.map((c) => c.id.length));
      for (const check of checks) {
        const notes = [check.source === 'user' ? 'yours' : '', check.enabled ? '' : 'disabled', check.appliesHere ? '' : 'not on this OS'];
        const note = notes.filter(Boolean).join(', ');
        io.out(`${check.id.padEnd(width)}  ${check.title}${note ? `  (${note})` : ''}\n`);
      }
      return 0;
    } finally {
      state.close();
    }
  },
};

export const checksImportCommand: Command = {
  name: 'checks import',
  summary: "import Fleet policy YAML as your own checks",
  help: `Usage: porchlight checks import FILE

Reads Fleet policy YAML (documents with apiVersion: v1, kind: policy and a spec with name, query,
description, resolution and platform) and saves them as checks in <data dir>/checks/.
Documents of other kinds are skipped and counted. Nothing is saved if any policy is invalid.

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {}, true);
    if (positionals.length !== 1) throw new UsageError('checks import takes one FILE');
    const file = path.resolve(positionals[0]!);
    const ctx = contextFrom(values, io);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let imported;
    try {
      imported = parseFleetPolicies(file, text);
    } catch (error) {
      if (!(error instanceof CheckFileError)) throw error;
      io.err(`porchlight: ${error.message}\nNothing was imported.\n`);
      return 1;
    }
    const state = openLocalState(ctx);
    try {
      const existing = new Map(state.checks().map((check) => [check.id, check]));
      const clash = imported.checks.find((check) => existing.get(check.id)?.source.origin === 'builtin');
      if (clash) {
        io.err(`porchlight: ${file}: policy "${clash.title}" has the id ${clash.id} of a built-in check. Nothing was imported.\n`);
        return 1;
      }
    } finally {
      state.close();
    }
    const dir = path.join(ctx.dataDir, 'checks');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const target = path.join(dir, `fleet-${path.basename(file).replace(/\.[^.]+$/, '')}.json`);
    writeFileSync(target, JSON.stringify(imported.checks, null, 2) + '\n', { mode: 0o600 });
    io.out(
      `Imported ${imported.checks.length} ${imported.checks.length === 1 ? 'policy' : 'policies'} into ${target}` +
        (imported.skipped ? ` (skipped ${imported.skipped} document${imported.skipped === 1 ? '' : 's'} of other kinds)` : '') +
        '\n',
    );
    return 0;
  },
};
