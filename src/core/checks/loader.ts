import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { BUILTIN_CHECKS } from './catalog/index.js';
import { describeIssues } from '../describe-issues.js';
import { CheckFileError, readCheckFileText } from './check-file.js';
import { checkDefinitionSchema, type CheckSource, type LoadedCheck } from './definition.js';
import { importedSetSchema, isImportedSet } from './fleet/imported-sets.js';

export { CheckFileError } from './check-file.js';

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

/** What one file holds: its checks (each validated) and its problems. */
interface FileChecks {
  checks: { check: LoadedCheck; document: number }[];
  errors: CheckFileError[];
}

/** Parsed files by path, while their size and modification time stay the same: the agent asks for its checks often. */
const parsedFiles = new Map<string, { stamp: string; parsed: FileChecks }>();

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
    try {
      return document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new CheckFileError(file, index + 1, `could not be read (${(error as Error).message})`);
    }
  });
}

/** A check file's checks: the owner's own (YAML or JSON), or a set imported from Fleet policies. */
function readFile(file: string): FileChecks {
  const result: FileChecks = { checks: [], errors: [] };
  let documents: unknown[];
  let source: CheckSource = { origin: 'user', file };
  try {
    documents = documentsOf(file, readCheckFileText(file));
    if (documents.length === 1 && isImportedSet(documents[0])) {
      const set = importedSetSchema.safeParse(documents[0]);
      if (!set.success) throw new CheckFileError(file, undefined, `not a usable imported set (${describeIssues(set.error, '(file)')})`);
      documents = set.data.checks;
      source = { origin: 'fleet', file, set: set.data.name, from: set.data.from };
    }
  } catch (error) {
    result.errors.push(error instanceof CheckFileError ? error : new CheckFileError(file, undefined, String(error)));
    return result;
  }
  documents.forEach((document, index) => {
    if (document === null || document === undefined) return;
    const parsed = checkDefinitionSchema.safeParse(document);
    if (!parsed.success) result.errors.push(new CheckFileError(file, index + 1, describeIssues(parsed.error)));
    else result.checks.push({ check: { ...parsed.data, source }, document: index + 1 });
  });
  return result;
}

function readFileCached(file: string): FileChecks {
  const stat = statSync(file, { throwIfNoEntry: false });
  const stamp = stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'gone';
  const cached = parsedFiles.get(file);
  if (cached?.stamp === stamp) return cached.parsed;
  const parsed = readFile(file);
  parsedFiles.set(file, { stamp, parsed });
  return parsed;
}

export interface UserChecks {
  checks: LoadedCheck[];
  errors: CheckFileError[];
}

/**
 * Checks from `<data dir>/checks/` (*.json, *.yaml, and the sets `porchlight checks import`
 * keeps there). A bad file or document is reported and skipped, never fatal; the checks of a
 * file whose ids another check has are reported once for the file, not once each.
 */
export function loadUserChecks(dir: string, taken: ReadonlySet<string> = new Set(builtinChecks().map((c) => c.id))): UserChecks {
  const result: UserChecks = { checks: [], errors: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => CHECK_FILE.test(name)).sort();
  } catch {
    return result;
  }
  const owner = new Map<string, string>([...taken].map((id) => [id, 'a built-in check']));
  for (const name of names) {
    const file = path.join(dir, name);
    const { checks, errors } = readFileCached(file);
    result.errors.push(...errors);
    const clashes: { id: string; document: number; owner: string }[] = [];
    for (const { check, document } of checks) {
      const other = owner.get(check.id);
      if (other) {
        clashes.push({ id: check.id, document, owner: other });
        continue;
      }
      owner.set(check.id, path.basename(file));
      result.checks.push(check);
    }
    if (clashes.length === 1) {
      const [clash] = clashes;
      result.errors.push(new CheckFileError(file, clash!.document, `id: "${clash!.id}" is already used by ${clash!.owner}`));
    } else if (clashes.length > 1) {
      const owners = [...new Set(clashes.map((c) => c.owner))].join(', ');
      const ids = clashes.slice(0, 3).map((c) => c.id).join(', ');
      result.errors.push(
        new CheckFileError(file, undefined, `${clashes.length} checks skipped: their ids are already used by ${owners} (${ids}${clashes.length > 3 ? ', …' : ''})`),
      );
    }
  }
  return result;
}

/** Every check of a data dir: the built-ins, then the owner's from `<data dir>/checks/`. */
export function loadChecks(dataDir: string): UserChecks {
  const user = loadUserChecks(path.join(dataDir, 'checks'));
  return { checks: [...builtinChecks(), ...user.checks], errors: user.errors };
}
