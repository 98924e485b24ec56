import { describe, expect, it } from 'vitest';
import { groupResults, sharedErrorCauses, statusCounts } from './result-groups.js';

const result = (name: string, kind: 'builtin' | 'user' | 'fleet', category: string, status: 'pass' | 'fail' | 'error' | 'manual', reason = '') => ({
  name,
  source: { kind, name: kind === 'builtin' ? 'Built-in' : name.split(':')[0]! },
  category,
  status,
  reason,
});

const results = [
  result('zeta:a', 'fleet', 'custom', 'fail'),
  result('disk', 'builtin', 'encryption', 'pass'),
  result('alpha:b', 'fleet', 'custom', 'error', 'needs file_lines'),
  result('mine.yaml:c', 'user', 'network', 'manual'),
  result('alpha:d', 'fleet', 'custom', 'error', 'needs file_lines'),
  result('alpha:e', 'fleet', 'custom', 'error', 'sysctl'),
];

describe('results in groups', () => {
  it('puts built-in checks first, then the owner’s files, then imported sets by name; or categories in their usual order', () => {
    expect(groupResults(results, 'source').map((g) => [g.name, g.kind, g.results.length])).toEqual([
      ['Built-in', 'builtin', 1],
      ['mine.yaml', 'user', 1],
      ['alpha', 'fleet', 3],
      ['zeta', 'fleet', 1],
    ]);
    expect(groupResults(results, 'category').map((g) => g.name)).toEqual(['Encryption', 'Network', 'Custom']);
  });

  it('counts statuses in words, and takes together the errors that share a reason', () => {
    expect(statusCounts(results)).toBe('1 pass, 1 fail, 3 could not run, 1 to check by hand');
    expect([...sharedErrorCauses(results)].map(([reason, list]) => [reason, list.map((r) => r.name)])).toEqual([['needs file_lines', ['alpha:b', 'alpha:d']]]);
  });
});
