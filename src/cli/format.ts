import type { OsqueryRow } from '../core/osquery/extension-socket-client.js';

/** Rows as an aligned text table, columns in the given order. */
export function formatTable(columns: string[], rows: OsqueryRow[]): string {
  if (columns.length === 0) return '(no rows)\n';
  const widths = columns.map((column) => Math.max(width(column), ...rows.map((row) => width(cell(row[column])))));
  const line = (values: string[]) =>
    values.map((value, i) => value + ' '.repeat((widths[i] ?? 0) - width(value))).join('  ').trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(columns.map((c) => cell(row[c]))))];
  if (rows.length === 0) out.push('(no rows)');
  return out.join('\n') + '\n';
}

function cell(value: string | undefined): string {
  return (value ?? '').replace(/[\r\n\t]/g, ' ');
}

function width(text: string): number {
  return [...text].length;
}
