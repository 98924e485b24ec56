import { parseAllDocuments, type Document } from 'yaml';
import { z } from 'zod';
import { describeIssues } from '../../describe-issues.js';
import { queryProblem } from '../../osquery/query-validator.js';
import { platformSchema, type Platform } from '../../platform.js';
import { CheckFileError } from '../check-file.js';
import { policyId } from './policy-id.js';

/** More policies than any library Fleet publishes (CIS Windows 11 has about 500). */
export const MAX_POLICIES_PER_FILE = 2_000;
/** The longest SQL a policy may have: what `porchlight query` accepts. */
export const MAX_POLICY_SQL = 100_000;
/** YAML aliases a document may expand; a "billion laughs" file needs thousands. */
const MAX_ALIAS_EXPANSIONS = 100;

/** One of Fleet's policies, read from its YAML document. */
export interface FleetPolicy {
  /** Its document's number in the file, from 1. */
  document: number;
  id: string;
  name: string;
  query: string;
  description: string;
  resolution: string;
  /** Where it runs: the platforms Fleet's `platform` names, or, without one, wherever osquery can run its SQL. */
  platforms: Platform[];
  purpose: string | undefined;
  tags: string[];
  critical: boolean;
  /** Fleet's "Manual Validation Required": the owner checks it by hand; its query is never run. */
  manual: boolean;
  /** Per platform, why osquery would refuse its SQL there (a table only Fleet's agent has, …). */
  problems: Partial<Record<Platform, string>>;
}

export interface RefusedDocument {
  document: number;
  /** The policy's name, when the document says one. */
  name: string | undefined;
  reason: string;
}

/** A document that is not a policy for these platforms (a report, a label, a ChromeOS policy). */
export interface SkippedDocument {
  document: number;
  name: string | undefined;
  kind: string;
}

export interface FleetPolicyFile {
  policies: FleetPolicy[];
  refused: RefusedDocument[];
  skipped: SkippedDocument[];
}

const optionalText = z.string().nullish();
const specSchema = z.object({
  name: z
    .union([z.string(), z.number()], { error: 'missing (a policy is known by its name)' })
    .transform(String)
    .pipe(z.string().trim().min(1, 'must not be empty')),
  query: z
    .string({ error: 'missing (a policy needs its SQL)' })
    .trim()
    .min(1, 'must not be empty').max(MAX_POLICY_SQL, `is longer than ${MAX_POLICY_SQL.toLocaleString('en')} characters`),
  description: optionalText,
  resolution: optionalText,
  platform: optionalText,
  purpose: optionalText,
  tags: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).nullish(),
  critical: z
    .union([z.boolean(), z.string().regex(/^(true|false)$/i, 'use true or false')])
    .nullish()
    .transform((value) => value === true || (typeof value === 'string' && value.toLowerCase() === 'true')),
});
const policyDocumentSchema = z.object({
  apiVersion: z.literal('v1', { error: 'Porchlight reads Fleet’s apiVersion: v1 documents' }),
  kind: z.literal('policy'),
  spec: specSchema,
});

const FLEET_PLATFORMS = [...platformSchema.options, 'chrome'] as const;
/** Fleet's way of writing "osquery cannot check this; look by hand". */
const NEVER_MATCHES = /^\s*select\s+1\s+where\s+(0|false|1\s*=\s*0)\s*;?\s*$/i;

/**
 * Reads Fleet's policy YAML (documents of `apiVersion: v1`, `kind: policy`) one document at a
 * time: a bad document is refused with its number, name and reason, and the others are read.
 * Only what makes the whole file unreadable (too many policies) throws a CheckFileError.
 */
export function parseFleetPolicyFile(file: string, text: string): FleetPolicyFile {
  const result: FleetPolicyFile = { policies: [], refused: [], skipped: [] };
  // Counted before parsing: a file of a million policies is refused without building them.
  const policyCount = text.match(/^kind:[ \t]*policy[ \t]*\r?$/gm)?.length ?? 0;
  if (policyCount > MAX_POLICIES_PER_FILE) {
    throw new CheckFileError(file, undefined, `has ${policyCount.toLocaleString('en')} policies; Porchlight imports at most ${MAX_POLICIES_PER_FILE.toLocaleString('en')} from one file`);
  }
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  const byId = new Map<string, FleetPolicy>();
  list.forEach((document, index) => {
    const number = index + 1;
    const source = sourceOf(text, document);
    const name = /^\s+name:\s*(.+?)\s*$/m.exec(source)?.[1]?.replace(/^(["'])(.*)\1$/, '$2');
    const refuse = (reason: string) => result.refused.push({ document: number, name, reason });
    if (document.errors.length > 0) return refuse(yamlProblem(document));
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
    } catch (error) {
      return refuse(
        error instanceof ReferenceError
          ? `expands YAML aliases more than ${MAX_ALIAS_EXPANSIONS} times, as a "billion laughs" file does to exhaust memory; it is not read`
          : `could not be read (${(error as Error).message})`,
      );
    }
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) return refuse('is not a Fleet document (apiVersion, kind and spec)');
    const kind = (value as { kind?: unknown }).kind;
    if (kind === undefined) return refuse('kind: missing (a policy says kind: policy)');
    if (kind !== 'policy') return result.skipped.push({ document: number, name, kind: String(kind) });
    const parsed = policyDocumentSchema.safeParse(value);
    if (!parsed.success) return refuse(describeIssues(parsed.error));
    const policy = toPolicy(number, parsed.data.spec);
    if (typeof policy === 'string') return refuse(policy);
    if (policy.platforms.length === 0) return result.skipped.push({ document: number, name: policy.name, kind: 'ChromeOS policy' });
    const earlier = byId.get(policy.id);
    if (earlier) {
      return refuse(
        earlier.name === policy.name
          ? `has the name of document ${earlier.document}; a policy's name is its identity, so only the first is imported`
          : `has the same id (${policy.id}) as document ${earlier.document} "${earlier.name}"; rename one of them`,
      );
    }
    byId.set(policy.id, policy);
    result.policies.push(policy);
  });
  return result;
}

function toPolicy(document: number, spec: z.output<typeof specSchema>): FleetPolicy | string {
  const named = (spec.platform ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const unknown = named.filter((p) => !(FLEET_PLATFORMS as readonly string[]).includes(p));
  if (unknown.length) return `spec.platform: Fleet's platforms are ${FLEET_PLATFORMS.join(', ')}, not "${unknown.join(', ')}"`;
  const manual = /manual/i.test(spec.purpose ?? '') || NEVER_MATCHES.test(spec.query);
  const problems: Partial<Record<Platform, string>> = {};
  let platforms = named.filter((p): p is Platform => p !== 'chrome');
  if (!manual) {
    const candidates = named.length ? platforms : [...platformSchema.options];
    for (const platform of candidates) {
      const problem = queryProblem(spec.query, platform);
      if (problem) problems[platform] = problem;
    }
    // Without a platform, Fleet runs a policy everywhere; it means something only where osquery can run it.
    if (!named.length) {
      const runnable = candidates.filter((p) => !problems[p]);
      platforms = runnable.length ? runnable : candidates;
      if (runnable.length) for (const p of candidates) if (!runnable.includes(p)) delete problems[p];
    }
  } else if (!named.length) {
    platforms = [...platformSchema.options];
  }
  return {
    document,
    id: policyId(spec.name),
    name: spec.name,
    query: spec.query,
    description: spec.description ?? '',
    resolution: spec.resolution?.trim() ?? '',
    platforms,
    purpose: spec.purpose ?? undefined,
    tags: tagsOf(spec.tags),
    critical: spec.critical,
    manual,
    problems,
  };
}

/** Fleet writes tags as a comma list ("compliance, CIS, CIS_Level1,") or as a YAML list. */
function tagsOf(tags: string | (string | number)[] | null | undefined): string[] {
  const list = typeof tags === 'string' ? tags.split(',') : (tags ?? []).map(String);
  return list.map((tag) => tag.trim()).filter(Boolean);
}

function sourceOf(text: string, document: Document.Parsed): string {
  const [start, , end] = document.range;
  return text.slice(start, end);
}

function yamlProblem(document: Document.Parsed): string {
  const error = document.errors[0]!;
  const where = error.linePos?.[0] ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
  const hint = error.code === 'BLOCK_AS_IMPLICIT_KEY' ? '; a value with ": " in it needs quotes' : '';
  const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return `not valid YAML: ${message}${where}${hint}`;
}
