import { describe, expect, it } from 'vitest';
import { FORMULA_NAME, sampleReportData, SCRIPT_NAME } from '../../../test/helpers/report-data.js';
import { reportCsv, REPORT_CSV_COLUMNS } from './csv.js';

/** RFC 4180 as a spreadsheet reads it: quoted fields, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\r')) {
      field += c;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else {
      // CRLF ends the record.
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    }
  }
  return records;
}

describe('the CSV report', () => {
  const rows = parseCsv(reportCsv(sampleReportData()));
  const header = rows[0]!;
  const records = rows.slice(1).map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i]!])));

  it('has a header and one row per finding, and one per check without findings', () => {
    expect(header).toEqual([...REPORT_CSV_COLUMNS]);
    expect(rows.every((cells) => cells.length === header.length)).toBe(true);
    expect(records.map((r) => [r.check_id, r.finding_id])).toEqual([
      ['browser-extensions', 'aaa111'],
      ['browser-extensions', 'bbb222'],
      ['browser-extensions', 'ccc333'],
      ['browser-extensions', 'ddd444'],
      ['disk-encryption', ''],
      ['firewall', ''],
      ['custom-check', ''],
      ['screen-lock', ''],
    ]);
  });

  it('keeps hostile names as text: a formula starts with a quote, markup is left as it is', () => {
    const formula = records.find((r) => r.finding_id === 'bbb222')!;
    expect(formula.finding).toBe(`'${FORMULA_NAME} (chrome)`);
    expect(formula.details).toBe(`name: ${FORMULA_NAME}; permissions: +cookies, -tabs; note: @SUM(1+1)`);
    expect(records.find((r) => r.finding_id === 'aaa111')!.finding).toBe(`${SCRIPT_NAME} (chrome)`);
    const cells = records.flatMap((r) => Object.values(r));
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    expect(records.find((r) => r.finding_id === 'ddd444')!.details).toBe("name: uBlock Origin; tab: \tindented; cr: \rreturn");
  });

  it("says a finding's state and a confirmed check as the owner's word, not as a pass", () => {
    expect(records.map((r) => r.finding_state).slice(0, 4)).toEqual([
      'needs attention',
      'needs attention',
      expect.stringMatching(/^acknowledged until \d{4}-\d\d-\d\d$/),
      'listed for you to see',
    ]);
    expect(records.find((r) => r.check_id === 'disk-encryption')).toMatchObject({ status: 'unknown', shown_as: 'Confirmed by you' });
    expect(records.find((r) => r.check_id === 'custom-check')).toMatchObject({ status: 'error', reason: 'no such table: <bogus>' });
    expect(records[0]!.first_seen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
