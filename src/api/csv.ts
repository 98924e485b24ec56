/**
 * CSV for people who open it in a spreadsheet. Values come from osquery, and extension or process
 * names are chosen by whoever wrote them: a cell that starts with = + - @, a tab or a carriage
 * return would be read as a formula, so it gets a leading single quote (OWASP "CSV Injection").
 * A plain number (osquery's -1 for "no pid") stays a number. Then RFC 4180 quoting. Zod-free: the
 * window bundles it.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A header line and one line per row, CRLF-terminated. */
export function toCsv(columns: string[], rows: Record<string, string>[]): string {
  return [columns, ...rows.map((row) => columns.map((column) => row[column] ?? ''))].map((line) => `${line.map(csvCell).join(',')}\r\n`).join('');
}
