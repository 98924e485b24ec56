import { useId, useMemo, useState } from 'react';
import type { CheckListItem, CheckResultDto } from '../../../src/api/contract';
import { byStatus, groupResults, NEEDS_A_LOOK, sharedErrorCauses, statusCounts, type GroupBy, type ResultGroup } from '../../../src/api/result-groups';
import { errorMessage } from '../../../src/api/error-message';
import { useApp, useLoad } from '../state';
import { ErrorMessage } from './Feedback';
import { StatusBadge } from './StatusBadge';

type Status = CheckResultDto['status'];

/** What the status filter offers, and which statuses each shows. */
const FILTERS: readonly (readonly [string, string, readonly Status[] | undefined])[] = [
  ['all', 'All checks', undefined],
  ['attention', 'Needs a look', NEEDS_A_LOOK],
  ['fail', 'Failing', ['fail']],
  ['error', 'Could not run', ['error']],
  ['unknown', 'Cannot tell', ['unknown']],
  ['manual', 'Check by hand', ['manual']],
  ['pass', 'Passing', ['pass']],
  ['not_applicable', 'Not on this OS', ['not_applicable']],
];

function matches(result: CheckResultDto, words: string): boolean {
  if (!words) return true;
  const text = `${result.title} ${result.checkId} ${result.summary} ${result.reason} ${result.source.name}`.toLowerCase();
  return words
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

/**
 * The latest results, readable with hundreds of imported checks: grouped by source (or category),
 * groups with nothing to look at folded, checks that could not run for one reason shown once,
 * search and a status filter, and a whole imported set turned off or on at once.
 */
export function CheckGroups({ results }: { results: CheckResultDto[] }) {
  const { api, revision, refresh } = useApp();
  const checks = useLoad(() => api.listChecks({}), [api, revision]);
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState('all');
  const [groupBy, setGroupBy] = useState<GroupBy>('source');
  const [opened, setOpened] = useState<Record<string, boolean>>({});
  const [actionError, setActionError] = useState<string>();
  const ids = { search: useId(), filter: useId(), group: useId() };

  const statuses = FILTERS.find(([value]) => value === filter)?.[2];
  const narrowing = search.trim() !== '' || statuses !== undefined;
  const groups = useMemo(() => groupResults(results, groupBy), [results, groupBy]);
  const turnedOff = useMemo(() => turnedOffSources(checks.data ?? [], results), [checks.data, results]);

  const setEnabled = async (source: string, enabled: boolean) => {
    setActionError(undefined);
    try {
      await api.setChecksEnabled({ source, enabled });
      await refresh();
    } catch (failure) {
      setActionError(errorMessage(failure));
    }
  };

  return (
    <>
      <div className="filters" role="search">
        <label htmlFor={ids.search}>Search</label>
        <input id={ids.search} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="title, id or reason" />
        <label htmlFor={ids.filter}>Show</label>
        <select id={ids.filter} value={filter} onChange={(e) => setFilter(e.target.value)}>
          {FILTERS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor={ids.group}>Group by</label>
        <select id={ids.group} value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
          <option value="source">Source</option>
          <option value="category">Category</option>
        </select>
      </div>
      <p className="meta">
        {results.length} checks: {statusCounts(results)}
      </p>
      {actionError && <ErrorMessage title="The checks were not changed" message={actionError} />}
      <ul className="check-groups" aria-label="Checks">
        {groups.map((group) => {
          const matching = group.results.filter((r) => (statuses === undefined || statuses.includes(r.status)) && matches(r, search.trim()));
          // Built-in checks keep their order; a set of hundreds shows what fails first.
          const shown = group.kind === 'builtin' ? matching : byStatus(matching);
          if (narrowing && shown.length === 0) return null;
          const needsLook = group.results.some((r) => NEEDS_A_LOOK.includes(r.status));
          const open = opened[group.key] ?? (narrowing || needsLook);
          return (
            <CheckGroup
              key={group.key}
              group={group}
              shown={shown}
              open={open}
              onToggle={() => setOpened({ ...opened, [group.key]: !open })}
              onTurnOff={group.kind === 'user' || group.kind === 'fleet' ? () => void setEnabled(group.name, false) : undefined}
            />
          );
        })}
      </ul>
      {turnedOff.length > 0 && (
        <section aria-labelledby="turned-off-title">
          <h2 id="turned-off-title">Turned off</h2>
          <ul className="turned-off">
            {turnedOff.map(({ name, count }) => (
              <li key={name}>
                {name} — {count} checks, not scanned{' '}
                <button type="button" onClick={() => void setEnabled(name, true)}>
                  Turn on {name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function CheckGroup({
  group,
  shown,
  open,
  onToggle,
  onTurnOff,
}: {
  group: ResultGroup<CheckResultDto>;
  shown: CheckResultDto[];
  open: boolean;
  onToggle: () => void;
  onTurnOff: (() => void) | undefined;
}) {
  const body = useId();
  const causes = sharedErrorCauses(shown);
  const said = new Set<string>();
  return (
    <li className="check-group">
      <div className="group-head">
        <h2>
          <button type="button" className="group-toggle" aria-expanded={open} aria-controls={body} onClick={onToggle}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> {group.name}
          </button>
        </h2>
        <span className="meta">
          {group.results.length} checks: {statusCounts(group.results)}
        </span>
        {onTurnOff && (
          <button type="button" onClick={onTurnOff}>
            Turn off all {group.results.length}
            <span className="visually-hidden"> checks of {group.name}</span>
          </button>
        )}
      </div>
      {open && (
        <ul id={body} className="checks" aria-label={group.name}>
          {shown.map((result) => {
            const cause = result.status === 'error' ? causes.get(result.reason) : undefined;
            if (!cause) return <CheckRow key={result.checkId} result={result} />;
            if (said.has(result.reason)) return null;
            said.add(result.reason);
            return (
              <li key={`cause:${result.reason}`} className="check check-error cause">
                <details>
                  <summary>
                    <StatusBadge status="error" /> <strong>{cause.length} checks could not run</strong>: {result.reason}
                  </summary>
                  <ul>
                    {cause.map((each) => (
                      <li key={each.checkId}>
                        <a href={`#/check/${encodeURIComponent(each.checkId)}`}>{each.title}</a>
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}

function CheckRow({ result }: { result: CheckResultDto }) {
  const label = result.confirmation ? 'confirmed by you' : result.status === 'manual' ? 'check by hand' : result.status.replace('_', ' ');
  return (
    <li className={`check check-${result.status}`}>
      <a href={`#/check/${encodeURIComponent(result.checkId)}`} aria-label={`${result.title}: ${label}`}>
        <StatusBadge status={result.status} confirmed={result.confirmation !== null} />
        <span className="check-title">{result.title}</span>
        <span className="check-summary">{result.summary}</span>
      </a>
    </li>
  );
}

/** Sources whose every check is turned off: they have no results, but the owner may turn them back on. */
function turnedOffSources(checks: CheckListItem[], results: CheckResultDto[]): { name: string; count: number }[] {
  const scanned = new Set(results.map((r) => r.checkId));
  const bySource = new Map<string, CheckListItem[]>();
  for (const check of checks) bySource.set(check.source.name, [...(bySource.get(check.source.name) ?? []), check]);
  return [...bySource]
    .filter(([, list]) => list.every((check) => !check.enabled && !scanned.has(check.id)))
    .map(([name, list]) => ({ name, count: list.length }));
}
