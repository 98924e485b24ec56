import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

describe('csv', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(toCsv(['x', 'y'], [{ x: 'a,b', y: 'say "hi"' }])).toBe('x,y\r\n"a,b","say ""hi"""\r\n');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('keeps a cell that a spreadsheet would run as a formula as text', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tfoo')).toBe("'\tfoo");
  });

  it('leaves numbers, including negative ones, as numbers', () => {
    expect(csvCell('-1')).toBe('-1');
    expect(csvCell('-0.5')).toBe('-0.5');
    expect(csvCell('-rf')).toBe("'-rf");
  });

  it('writes an empty cell for a column a row lacks', () => {
    expect(toCsv(['a', 'b'], [{ a: '1' }])).toBe('a,b\r\n1,\r\n');
  });
});
