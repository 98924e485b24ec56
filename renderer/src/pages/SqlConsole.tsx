import { useId, useMemo, useState } from 'react';
import type { TableDto } from '../../../src/api/contract';
import { ErrorMessage, Loading } from '../components/Feedback';
import { download } from '../download';
import { useApp, useLoad } from '../state';
import { toCsv } from '../../../src/api/csv';
import { errorMessage } from '../../../src/api/error-message';

interface QueryOutcome {
  columns: string[];
  rows: Record<string, string>[];
  durationMs: number;
}

export function SqlConsole() {
  const { api } = useApp();
  const tables = useLoad(() => api.listTables({}), [api]);
  const [sql, setSql] = useState('SELECT name, version, platform FROM os_version;');
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<QueryOutcome>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<TableDto>();
  const [tableFilter, setTableFilter] = useState('');
  const sqlId = useId();
  const filterId = useId();

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setOutcome(await api.runQuery({ sql }));
    } catch (failure) {
      setOutcome(undefined);
      setError(errorMessage(failure));
    } finally {
      setRunning(false);
    }
  };

  const visibleTables = useMemo(
    () => (tables.data ?? []).filter((t) => t.name.includes(tableFilter.trim().toLowerCase())),
    [tables.data, tableFilter],
  );

  return (
    <section aria-labelledby="sql-title" className="sql">
      <h1 id="sql-title">SQL console</h1>
      <div className="sql-layout">
        <aside aria-label="Tables">
          <label htmlFor={filterId}>
            Tables
            <input id={filterId} type="search" value={tableFilter} onChange={(e) => setTableFilter(e.target.value)} placeholder="Find a table" />
          </label>
          {tables.loading && !tables.data && <Loading what="tables" />}
          {tables.error && <ErrorMessage title="Tables could not be listed" message={tables.error} onRetry={tables.reload} />}
          <ul className="table-list">
            {visibleTables.map((table) => (
              <li key={table.name}>
                <button type="button" aria-pressed={selected?.name === table.name} onClick={() => setSelected(table)}>
                  {table.name}
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <div className="sql-main">
          {selected && (
            <div className="table-info" aria-live="polite">
              <h2>{selected.name}</h2>
              <p>{selected.description}</p>
              <button type="button" onClick={() => setSql(`SELECT * FROM ${selected.name} LIMIT 100;`)}>
                Query this table
              </button>
              <dl className="columns">
                {selected.columns.map((column) => (
                  <div key={column.name}>
                    <dt>
                      {column.name} <span className="meta">{column.type}</span>
                    </dt>
                    <dd>{column.description}</dd>
                  </div>
                ))}
              </dl>
            </div>
          )}
          <label htmlFor={sqlId}>SQL</label>
          <textarea
            id={sqlId}
            value={sql}
            spellCheck={false}
            rows={5}
            onChange={(e) => setSql(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void run();
            }}
          />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void run()} disabled={running} aria-busy={running}>
              {running ? 'Running…' : 'Run query'}
            </button>
            <span className="meta">Ctrl+Enter runs it</span>
            {outcome && (
              <>
                <button type="button" onClick={() => download('porchlight-query.csv', 'text/csv', toCsv(outcome.columns, outcome.rows))}>
                  Export CSV
                </button>
                <button type="button" onClick={() => download('porchlight-query.json', 'application/json', JSON.stringify(outcome.rows, null, 2))}>
                  Export JSON
                </button>
              </>
            )}
          </div>
          {error && <ErrorMessage title="osquery could not run the query" message={error} />}
          {outcome && <ResultGrid outcome={outcome} />}
        </div>
      </div>
    </section>
  );
}

function ResultGrid({ outcome }: { outcome: QueryOutcome }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>
          {outcome.rows.length} {outcome.rows.length === 1 ? 'row' : 'rows'} in {outcome.durationMs.toFixed(1)} ms
        </caption>
        <thead>
          <tr>
            {outcome.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {outcome.rows.map((row, index) => (
            <tr key={index}>
              {outcome.columns.map((column) => (
                <td key={column}>{row[column]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

