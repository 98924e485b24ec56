import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { decodeCheckFile } from '../check-file.js';
import { builtinChecks, loadUserChecks } from '../loader.js';
import type { Platform } from '../../platform.js';
import { parseFleetPolicyFile, type FleetPolicy, type RefusedDocument, type SkippedDocument } from './fleet-policies.js';
import { policyCheck, readImportedSets, removeImportedSet, writeImportedSet, type StoredSet } from './imported-sets.js';

export interface ImportedPolicy {
  document: number;
  id: string;
  name: string;
  platforms: Platform[];
  manual: boolean;
}

export interface AlreadyImported {
  /** The set that has these policies. */
  set: string;
  policies: { document: number; id: string; name: string; sameQuery: boolean }[];
}

export interface ImportSummary {
  /** The file imported, as given. */
  file: string;
  /**
   * imported: every policy of the file; partial: some documents were refused (or are imported
   * already); unchanged: this very file is imported already; nothing: no policy was imported.
   */
  outcome: 'imported' | 'partial' | 'unchanged' | 'nothing';
  /** The set the policies went into (or, when unchanged, the set that has them). */
  set: { name: string; file: string; importedAt: string } | undefined;
  imported: ImportedPolicy[];
  refused: RefusedDocument[];
  skipped: SkippedDocument[];
  /** Policies another set has already (refused, unless --replace). */
  alreadyImported: AlreadyImported[];
  /** With --replace: the sets this import took policies from, and whether it took all of them. */
  replaced: { set: string; policies: number; whole: boolean }[];
  /** With --replace of the set imported from the same file: how its policies changed. */
  update: { added: number; changed: number; removed: number; unchanged: number } | undefined;
  /** Imported policies that osquery would refuse as written, by why (a table only Fleet's agent has, …). */
  cannotRun: { reason: string; policies: { id: string; name: string }[] }[];
}

export interface ImportOptions {
  /** Take over policies another set has (and replace the set imported from this same file). */
  replace?: boolean;
  now?: number;
}

type Owner = { kind: 'builtin' } | { kind: 'user'; file: string } | { kind: 'set'; set: StoredSet };

/**
 * Imports a file of Fleet policies into `<data dir>/checks/` as one named set: valid policies
 * are imported, invalid documents refused one by one, and a policy another set already has is
 * never overwritten without `replace`. The file's content identifies the import: the same file
 * again changes nothing. Throws a CheckFileError only when the file as a whole cannot be read.
 */
export function importFleetPolicies(dataDir: string, file: string, bytes: Buffer, options: ImportOptions = {}): ImportSummary {
  const parsed = parseFleetPolicyFile(file, decodeCheckFile(file, bytes));
  const dir = path.join(dataDir, 'checks');
  const sets = readImportedSets(dir);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const summary: ImportSummary = {
    file,
    outcome: 'nothing',
    set: undefined,
    imported: [],
    refused: [...parsed.refused],
    skipped: parsed.skipped,
    alreadyImported: [],
    replaced: [],
    update: undefined,
    cannotRun: [],
  };
  const same = sets.find((set) => set.sha256 === sha256);
  if (same) return { ...summary, outcome: 'unchanged', set: { name: same.name, file: same.file, importedAt: same.importedAt } };

  const owners = ownersOf(dir, sets);
  const predecessor = options.replace ? sets.find((set) => set.from === file) : undefined;
  const accepted: FleetPolicy[] = [];
  const takenFrom = new Map<StoredSet, Set<string>>();
  const already = new Map<StoredSet, AlreadyImported['policies']>();
  for (const policy of parsed.policies) {
    const owner = owners.get(policy.id);
    if (!owner || (owner.kind === 'set' && owner.set === predecessor)) {
      accepted.push(policy);
    } else if (owner.kind !== 'set') {
      const user = owner.kind === 'builtin' ? 'a built-in check' : `your check in ${owner.file}`;
      summary.refused.push({ document: policy.document, name: policy.name, reason: `its id ${policy.id} is used by ${user}` });
    } else if (options.replace) {
      accepted.push(policy);
      takenFrom.set(owner.set, (takenFrom.get(owner.set) ?? new Set()).add(policy.id));
    } else {
      const sameQuery = queriesOf(owner.set, policy.id).includes(policy.query);
      already.set(owner.set, [...(already.get(owner.set) ?? []), { document: policy.document, id: policy.id, name: policy.name, sameQuery }]);
    }
  }
  summary.refused.sort((a, b) => a.document - b.document);
  summary.alreadyImported = [...already].map(([set, policies]) => ({ set: set.name, policies }));
  if (accepted.length === 0) return summary;

  const name = predecessor?.name ?? setName(file, accepted, sets);
  const importedAt = new Date(options.now ?? Date.now()).toISOString();
  const checks = accepted.map(policyCheck);
  const target: StoredSet = { porchlightFleetImport: 1, name, from: file, sha256, importedAt, checks, file: predecessor?.file ?? setFile(dir, name) };
  writeImportedSet(target);
  if (predecessor) {
    summary.replaced.push({ set: predecessor.name, policies: predecessor.checks.length, whole: true });
    summary.update = changesFrom(predecessor, checks);
  }
  for (const [set, ids] of takenFrom) {
    if (set === predecessor) continue;
    const remaining = set.checks.filter((check) => !ids.has(idOf(check)));
    if (remaining.length === 0) removeImportedSet(set);
    else writeImportedSet({ ...set, checks: remaining });
    summary.replaced.push({ set: set.name, policies: ids.size, whole: remaining.length === 0 });
  }

  summary.set = { name, file: target.file, importedAt };
  summary.imported = accepted.map((p) => ({ document: p.document, id: p.id, name: p.name, platforms: p.platforms, manual: p.manual }));
  summary.cannotRun = groupProblems(accepted);
  summary.outcome = summary.refused.length > 0 || summary.alreadyImported.length > 0 ? 'partial' : 'imported';
  return summary;
}

/** Who has each check id now: a built-in, one of the owner's own files, or an imported set. */
function ownersOf(dir: string, sets: StoredSet[]): Map<string, Owner> {
  const owners = new Map<string, Owner>(builtinChecks().map((check) => [check.id, { kind: 'builtin' }]));
  for (const set of sets) for (const check of set.checks) owners.set(idOf(check), { kind: 'set', set });
  for (const check of loadUserChecks(dir, new Set()).checks) {
    if (check.source.origin === 'user' && !owners.has(check.id)) owners.set(check.id, { kind: 'user', file: check.source.file ?? dir });
  }
  return owners;
}

function idOf(check: unknown): string {
  return String((check as { id?: unknown }).id);
}

function queriesOf(set: StoredSet, id: string): string[] {
  const check = set.checks.find((c) => idOf(c) === id) as { queries?: Record<string, { sql?: string }> } | undefined;
  return Object.values(check?.queries ?? {}).map((query) => query.sql ?? '');
}

/**
 * A name no other set has: the file's base name; with its folder when another set has that
 * ("cis-policy-queries (win-11)", as Fleet keeps every CIS file under the same name); with its
 * platforms; or numbered.
 */
function setName(file: string, policies: FleetPolicy[], sets: StoredSet[]): string {
  const taken = new Set(sets.map((set) => set.name));
  const base = path.basename(file).replace(/\.[^.]+$/, '') || 'fleet-policies';
  const folder = path.basename(path.dirname(file));
  const platforms = [...new Set(policies.flatMap((p) => p.platforms))].sort().join(', ');
  const candidates = [base, folder && `${base} (${folder})`, `${base} (${platforms})`].filter(Boolean);
  for (let n = 2; ; n++) {
    const name = candidates.shift() ?? `${base} (${n})`;
    if (!taken.has(name)) return name;
  }
}

function setFile(dir: string, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'policies';
  for (let n = 1; ; n++) {
    const file = path.join(dir, `fleet-${slug}${n === 1 ? '' : `-${n}`}.json`);
    if (!existsSync(file)) return file;
  }
}

function changesFrom(previous: StoredSet, checks: unknown[]): ImportSummary['update'] {
  const before = new Map(previous.checks.map((check) => [idOf(check), JSON.stringify(check)]));
  const after = new Set(checks.map(idOf));
  let added = 0;
  let changed = 0;
  let unchanged = 0;
  for (const check of checks) {
    const earlier = before.get(idOf(check));
    if (earlier === undefined) added++;
    else if (earlier === JSON.stringify(check)) unchanged++;
    else changed++;
  }
  return { added, changed, unchanged, removed: [...before.keys()].filter((id) => !after.has(id)).length };
}

function groupProblems(policies: FleetPolicy[]): ImportSummary['cannotRun'] {
  const byReason = new Map<string, { id: string; name: string }[]>();
  for (const policy of policies) {
    for (const reason of new Set(Object.values(policy.problems))) {
      byReason.set(reason, [...(byReason.get(reason) ?? []), { id: policy.id, name: policy.name }]);
    }
  }
  return [...byReason].map(([reason, list]) => ({ reason, policies: list })).sort((a, b) => b.policies.length - a.policies.length);
}
