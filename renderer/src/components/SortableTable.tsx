import { useId, useMemo, useState } from 'react';

export interface Column<Row> {
  key: keyof Row & string;
  label: string;
  render?: (row: Row) => React.ReactNode;
  numeric?: boolean;
}

/** A table sortable by any column (click or Enter on its header) and filtered by free text. */
export function SortableTable<Row extends object>({
  caption,
  columns,
  rows,
  rowKey,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
}) {
  const [sortKey, setSortKey] = useState<keyof Row & string>(columns[0]!.key);
  const [ascending, setAscending] = useState(true);
  const [filter, setFilter] = useState('');
  const filterId = useId();

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const matching = needle
      ? rows.filter((row) => columns.some((c) => String(row[c.key] ?? '').toLowerCase().includes(needle)))
      : rows;
    const numeric = columns.find((c) => c.key === sortKey)?.numeric;
    return [...matching].sort((a, b) => {
      const x = a[sortKey];
      const y = b[sortKey];
      const order = numeric ? Number(x) - Number(y) : String(x ?? '').localeCompare(String(y ?? ''));
      return ascending ? order : -order;
    });
  }, [rows, columns, filter, sortKey, ascending]);

  const sortBy = (key: keyof Row & string) => {
    if (key === sortKey) setAscending(!ascending);
    else {
      setSortKey(key);
      setAscending(true);
    }
  };

  return (
    <div className="table-wrap">
      <label htmlFor={filterId} className="filter">
        Filter
        <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Type to filter rows" />
      </label>
      <table>
        <caption>
          {caption} — {shown.length} of {rows.length}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" aria-sort={column.key === sortKey ? (ascending ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="sort" onClick={() => sortBy(column.key)}>
                  {column.label}
                  {column.key === sortKey ? (ascending ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.key} className={column.numeric ? 'num' : undefined}>
                  {column.render ? column.render(row) : String(row[column.key] ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
