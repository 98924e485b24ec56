import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { BUILTIN_CHECKS } from './catalog/index.js';
import { platformSchema, type Platform } from '../platform.js';
import { describeIssues } from '../describe-issues.js';
import { checkDefinitionSchema, type CheckDefinition, type LoadedCheck } from './definition.js';

/** A check file that cannot be used; the message names the file, the document and the field. */
export class CheckFileError extends Error {
  override name = 'CheckFileError';
  constructor(
    readonly file: string,
    readonly document: number | undefined,
    detail: string,
  ) {
    super(`${file}${document === undefined ? '' : `, document ${document}`}: ${detail}`);
  }
}

let builtins: LoadedCheck[] | undefined;

export function builtinChecks(): LoadedCheck[] {
  builtins ??= BUILTIN_CHECKS.map((input) => ({ ...checkDefinitionSchema.parse(input), source: { origin: 'builtin' } }));
  return builtins;
}

/** A built-in check by id; the inventory pages judge what they list the way these checks do. */
export function builtinCheck(id: string): LoadedCheck {
  const check = builtinChecks().find((c) => c.id === id);
  if (!check) throw new Error(`no built-in check ${id}`);
  return check;
}

const CHECK_FILE = /\.(json|ya?ml)$/i;

/** Parsed documents of a JSON or YAML file (a JSON array counts as one document per element). */
function documentsOf(file: string, text: string): unknown[] {
  if (file.toLowerCase().endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CheckFileError(file, undefined, `not valid JSON (${(error as Error).message})`);
    }
    return Array.isArray(value) ? value : [value];
  }
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map((document, index) => {
    if (document.errors.length > 0) {
      throw new CheckFileError(file, index + 1, `not valid YAML (${document.errors[0]?.message ?? 'syntax error'})`);
    }
    return document.toJS();
  });
}

export interface UserChecks {
  checks: LoadedCheck[];
  errors: CheckFileError[];
}

/** Checks from `<data dir>/checks/` (*.json, *.yaml). A bad file is reported and skipped, never fatal. */
export function loadUserChecks(dir: string, taken: ReadonlySet<string> = new Set(builtinChecks().map((c) => c.id))): UserChecks {
  const result: UserChecks = { checks: [], errors: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => CHECK_FILE.test(name)).sort();
  } catch {
    return result;
  }
  const seen = new Set(taken);
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const documents = documentsOf(file, readFileSync(file, 'utf8'));
      documents.forEach((document, index) => {
        if (document === null || document === undefined) return;
        const parsed = checkDefinitionSchema.safeParse(document);
        if (!parsed.success) {
          result.errors.push(new CheckFileError(file, index + 1, describeIssues(parsed.error)));
          return;
        }
        if (seen.has(parsed.data.id)) {
          result.errors.push(new CheckFileError(file, index + 1, `id: "${parsed.data.id}" is already used by another check`));
          return;
        }
        seen.add(parsed.data.id);
        result.checks.push({ ...parsed.data, source: { origin: 'user', file } });
      });
    } catch (error) {
      result.errors.push(error instanceof CheckFileError ? error : new CheckFileError(file, undefined, String(error)));
    }
  }
  return result;
}

/** Every check of a data dir: the built-ins, then the owner's from `<data dir>/checks/`. */
export function loadChecks(dataDir: string): UserChecks {
  const user = loadUserChecks(path.join(dataDir, 'checks'));
  return { checks: [...builtinChecks(), ...user.checks], errors: user.errors };
}

const fleetPolicySchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('policy'),
  spec: z.object({
    name: z.string().trim().min(1, 'must not be empty'),
    query: z.string().trim().min(1, 'must not be empty'),
    description: z.string().optional(),
    resolution: z.string().optional(),
    platform: z.string().optional(),
    critical: z.boolean().optional(),
  }),
});

export interface FleetImport {
  checks: CheckDefinition[];
  /** Documents of other kinds (queries, labels, …), which a policy import ignores. */
  skipped: number;
}

/** A slug usable as a check id. */
export function slug(text: string): string {
  return (
    'fleet-' +
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 70)
  );
}

/**
 * Fleet's policy YAML (`apiVersion: v1`, `kind: policy`) as Porchlight checks: a policy passes when
 * its query returns rows. `platform` is a comma list; empty means every platform.
 */
export function parseFleetPolicies(file: string, text: string): FleetImport {
  const result: FleetImport = { checks: [], skipped: 0 };
  documentsOf(file, text).forEach((document, index) => {
    if (document === null || document === undefined) return;
    const kind = typeof document === 'object' && 'kind' in document ? (document as { kind: unknown }).kind : undefined;
    if (kind !== 'policy') {
      result.skipped++;
      return;
    }
    const parsed = fleetPolicySchema.safeParse(document);
    if (!parsed.success) throw new CheckFileError(file, index + 1, describeIssues(parsed.error));
    const spec = parsed.data.spec;
    const named = (spec.platform ?? '')
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean);
    const unknown = named.filter((p) => !(platformSchema.options as readonly string[]).includes(p) && p !== 'chrome');
    if (unknown.length) throw new CheckFileError(file, index + 1, `spec.platform: unknown platform "${unknown.join(', ')}"`);
    const platforms = (named.length ? named.filter((p) => p !== 'chrome') : [...platformSchema.options]) as Platform[];
    if (platforms.length === 0) {
      result.skipped++;
      return;
    }
    const definition = checkDefinitionSchema.safeParse({
      id: slug(spec.name),
      title: spec.name,
      description: spec.description ?? '',
      category: 'custom',
      severity: spec.critical ? 'high' : 'medium',
      queries: Object.fromEntries(platforms.map((p) => [p, { sql: spec.query }])),
      evaluation: { kind: 'policy' },
      remediation: { summary: spec.resolution ?? '' },
    });
    if (!definition.success) throw new CheckFileError(file, index + 1, describeIssues(definition.error));
    result.checks.push(definition.data);
  });
  return result;
}
