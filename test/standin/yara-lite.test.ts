import { describe, expect, it } from 'vitest';
import { compileRules, matchingRules, YaraCompileError } from './yara-lite.js';

const content = (text: string) => Buffer.from(text, 'utf8');

describe('the stand-in’s YARA', () => {
  it('matches text strings anywhere, at an offset, and with escapes, and names the matching rules', () => {
    const rules = `rule enabled { strings: $line = "\\nENABLED=yes" $first = "ENABLED=yes" condition: $line or $first at 0 }
rule disabled { strings: $no = "ENABLED=no" condition: $no }`;
    expect(matchingRules(rules, content('# ufw\nENABLED=yes\n'))).toEqual(['enabled']);
    expect(matchingRules(rules, content('ENABLED=yes\n'))).toEqual(['enabled']);
    expect(matchingRules(rules, content('#ENABLED=yes\nENABLED=no\n'))).toEqual(['disabled']);
  });

  it('supports and, not, parentheses, nocase and any/all of them', () => {
    const rules = `rule r { strings: $a = "Policy DROP" nocase $b = "input" condition: ($a and not $b) or all of them }`;
    expect(matchingRules(rules, content('policy drop;'))).toEqual(['r']);
    expect(matchingRules(rules, content('input policy drop;'))).toEqual(['r']);
    expect(matchingRules(rules, content('input'))).toEqual([]);
    expect(matchingRules('rule t { condition: true }', content(''))).toEqual(['t']);
  });

  it('refuses what it cannot compile, as osqueryd gives no row for a rule YARA refuses', () => {
    expect(() => compileRules('rule x { strings: $a = /regex/ condition: $a }')).toThrow(YaraCompileError);
    expect(() => matchingRules('rule x { condition: $missing }', content(''))).toThrow(YaraCompileError);
  });
});
