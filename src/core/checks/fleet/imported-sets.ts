import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readCheckFileText } from '../check-file.js';
import type { CheckDefinitionInput } from '../definition.js';
import type { FleetPolicy } from './fleet-policies.js';

/**
 * An imported set of Fleet policies, kept as one JSON file in `<data dir>/checks/`: its name, the
 * file it came from and that file's SHA-256 (an import is identified by its content), and its checks.
 */
export const importedSetSchema = z.object({
  porchlightFleetImport: z.literal(1),
  name: z.string().min(1),
  from: z.string(),
  sha256: z.string(),
  importedAt: z.string(),
  checks: z.array(z.unknown()),
});
export type ImportedSet = z.output<typeof importedSetSchema>;

export interface StoredSet extends ImportedSet {
  /** Where it is kept. */
  file: string;
}

/** Whether a parsed check file is an imported set rather than the owner's own checks. */
export function isImportedSet(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'porchlightFleetImport' in value;
}

const SET_FILE = /^fleet-.*\.json$/i;

/** The imported sets in a checks folder; files that are not sets (or not readable) are the loader's to report. */
export function readImportedSets(dir: string): StoredSet[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => SET_FILE.test(name)).sort();
  } catch {
    return [];
  }
  const sets: StoredSet[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const parsed = importedSetSchema.safeParse(JSON.parse(readCheckFileText(file)));
      if (parsed.success) sets.push({ ...parsed.data, file });
    } catch {
      // Not a set: the loader reports what is wrong with it.
    }
  }
  return sets;
}

/** Writes a set whole or not at all (a temporary file renamed over it), readable by this user only. */
export function writeImportedSet(set: StoredSet): void {
  mkdirSync(path.dirname(set.file), { recursive: true, mode: 0o700 });
  const { file, ...content } = set;
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  renameSync(temporary, file);
}

export function removeImportedSet(set: StoredSet): void {
  rmSync(set.file, { force: true });
}

/** A Fleet policy as a Porchlight check: it passes when its query returns rows (Fleet's meaning). */
export function policyCheck(policy: FleetPolicy): CheckDefinitionInput {
  return {
    id: policy.id,
    title: policy.name,
    description: policy.description,
    category: 'custom',
    severity: policy.critical ? 'critical' : 'medium',
    queries: Object.fromEntries(policy.platforms.map((platform) => [platform, { sql: policy.query }])),
    evaluation: policy.manual ? { kind: 'manual' } : { kind: 'policy' },
    remediation: { summary: policy.resolution },
    fleet: { policy: policy.name, ...(policy.purpose ? { purpose: policy.purpose } : {}), tags: policy.tags, critical: policy.critical },
  };
}
