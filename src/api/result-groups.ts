/**
 * Scan results as the owner reads hundreds of them: grouped by where the checks come from (or by
 * category), counted by status, with the errors that share one cause taken together. The CLI and
 * the window both show results this way.
 */
import type { CheckResultDto } from './contract.js';

type Status = CheckResultDto['status'];

export type GroupBy = 'source' | 'category';

export interface ResultGroup<R> {
  /** Stable across scans: the source's kind and name, or the category. */
  key: string;
  name: string;
  kind: 'builtin' | 'user' | 'fleet' | 'category';
  results: R[];
}

/** How each status is counted in words, in the order counts are said. */
export const STATUS_WORDS: readonly (readonly [Status, string])[] = [
  ['pass', 'pass'],
  ['fail', 'fail'],
  ['error', 'could not run'],
  ['unknown', 'cannot tell'],
  ['manual', 'to check by hand'],
  ['not_applicable', 'not on this OS'],
];

/** Statuses that ask for the owner's attention; a group without them can stay folded. */
export const NEEDS_A_LOOK: readonly Status[] = ['fail', 'error', 'unknown'];

const CATEGORY_ORDER = ['encryption', 'browser', 'network', 'system', 'accounts', 'updates', 'ssh', 'custom'];
const SOURCE_ORDER = ['builtin', 'user', 'fleet'];

type Groupable = Pick<CheckResultDto, 'category' | 'source'>;

/** Results in groups: built-in first, then the owner's files, then imported sets by name (or categories in their usual order). */
export function groupResults<R extends Groupable>(results: readonly R[], by: GroupBy): ResultGroup<R>[] {
  const groups = new Map<string, ResultGroup<R>>();
  for (const result of results) {
    const key = by === 'category' ? result.category : `${result.source.kind}:${result.source.name}`;
    let group = groups.get(key);
    if (!group) {
      group =
        by === 'category'
          ? { key, name: result.category[0]!.toUpperCase() + result.category.slice(1), kind: 'category', results: [] }
          : { key, name: result.source.name, kind: result.source.kind, results: [] };
      groups.set(key, group);
    }
    group.results.push(result);
  }
  const rank = (group: ResultGroup<R>) =>
    group.kind === 'category' ? String(CATEGORY_ORDER.indexOf(group.key) + 1).padStart(2, '0') : `${SOURCE_ORDER.indexOf(group.kind)}${group.name}`;
  return [...groups.values()].sort((a, b) => rank(a).localeCompare(rank(b)));
}

/** "2 pass, 9 fail, 4 not on this OS": the statuses present, in words. */
export function statusCounts(results: readonly Pick<CheckResultDto, 'status'>[]): string {
  return STATUS_WORDS.map(([status, words]) => [results.filter((r) => r.status === status).length, words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n.toLocaleString('en')} ${words}`)
    .join(', ');
}

/** Errors that share a reason (a table only Fleet's agent has, say), where more than one check has it. */
export function sharedErrorCauses<R extends Pick<CheckResultDto, 'status' | 'reason'>>(results: readonly R[]): Map<string, R[]> {
  const byReason = new Map<string, R[]>();
  for (const result of results) if (result.status === 'error') byReason.set(result.reason, [...(byReason.get(result.reason) ?? []), result]);
  return new Map([...byReason].filter(([, list]) => list.length > 1));
}

/** What needs a look first, then the rest. */
export const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'unknown', 'pass', 'manual', 'not_applicable'];

/** What needs a look first: failing, could not run, cannot tell, then the rest (stable within a status). */
export function byStatus<R extends Pick<CheckResultDto, 'status'>>(results: readonly R[]): R[] {
  return [...results].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
}
