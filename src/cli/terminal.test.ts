import { describe, expect, it } from 'vitest';
import { DEFAULT_WIDTH, fit, outputWidth, truncate, wrap } from './terminal.js';

describe('fitting output to the terminal', () => {
  it("takes the terminal's width, else COLUMNS, else a default for pipes and files", () => {
    expect(outputWidth({ columns: 90, env: { COLUMNS: '200' } })).toBe(90);
    expect(outputWidth({ columns: undefined, env: { COLUMNS: '200' } })).toBe(200);
    expect(outputWidth({ columns: undefined, env: {} })).toBe(DEFAULT_WIDTH);
    expect(outputWidth({ columns: 10, env: {} })).toBe(40);
  });

  it('cuts with an ellipsis, pads to a column, and wraps words under an indent', () => {
    expect(truncate('Services open to the network', 12)).toBe('Services op…');
    expect(fit('pass', 8)).toBe('pass    ');
    expect(wrap('  document 9: not valid YAML: a value with ": " in it needs quotes', 30, '    ')).toEqual([
      '  document 9: not valid YAML:',
      '    a value with ": " in it',
      '    needs quotes',
    ]);
  });
});
