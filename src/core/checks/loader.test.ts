import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { CheckFileError, loadUserChecks, parseFleetPolicies } from './loader.js';

afterEach(removeTempDirs);

function checksDir(files: Record<string, string>): string {
  const dir = path.join(tempDir(), 'checks');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('user checks in <data dir>/checks', () => {
  it('loads YAML and JSON checks with defaults filled in', () => {
    const dir = checksDir({
      'mine.yaml': 'id: no-telnet\ntitle: No telnet\nqueries:\n  linux:\n    sql: SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM processes WHERE name = \'telnetd\')\n',
      'more.json': JSON.stringify([{ id: 'has-users', title: 'Has users', queries: { darwin: { sql: 'SELECT 1 FROM users' } } }]),
    });
    const { checks, errors } = loadUserChecks(dir);
    expect(errors).toEqual([]);
    expect(checks.map((c) => [c.id, c.evaluation.kind, c.severity, c.source.origin])).toEqual([
      ['no-telnet', 'policy', 'medium', 'user'],
      ['has-users', 'policy', 'medium', 'user'],
    ]);
  });

  it('names the file, the document and the field of each problem, and keeps the good checks', () => {
    const dir = checksDir({
      'broken.yaml': [
        'id: ok-one\ntitle: Fine\nqueries: {linux: {sql: SELECT 1}}',
        'id: Bad Id\ntitle: x\nqueries: {linux: {sql: SELECT 1}}',
        'id: no-sql\ntitle: x\nqueries: {linux: {sql: ""}}',
        'id: typo\ntitle: x\nqueries: {linux: {sql: SELECT 1}}\nseverty: high',
      ].join('\n---\n'),
      'dup.json': JSON.stringify({ id: 'disk-encryption', title: 'Mine', queries: { linux: { sql: 'SELECT 1' } } }),
      'bad.json': '{ "id": ',
    });
    const { checks, errors } = loadUserChecks(dir);
    expect(checks.map((c) => c.id)).toEqual(['ok-one']);
    const messages = errors.map((e) => e.message.replace(dir + path.sep, ''));
    expect(messages).toEqual([
      expect.stringMatching(/^bad\.json: not valid JSON/),
      expect.stringMatching(/^broken\.yaml, document 2: id: use lowercase letters/),
      'broken.yaml, document 3: queries.linux.sql: must not be empty',
      expect.stringMatching(/^broken\.yaml, document 4: \(document\): Unrecognized key: "severty"/),
      'dup.json, document 1: id: "disk-encryption" is already used by another check',
    ]);
  });
});

describe('remediation links in a check file', () => {
  it('are refused when loaded unless the window may open them', () => {
    const check = (url: string) =>
      JSON.stringify({ id: `link-${url.length}`, title: 'x', queries: { linux: { sql: 'SELECT 1' } }, remediation: { links: { linux: [{ label: 'Fix', url }] } } });
    const dir = checksDir({
      'a.json': check('https://example.org/fix'),
      'b.json': check('javascript:alert(1)'),
      'c.json': check('file:///etc/passwd'),
    });
    const { checks, errors } = loadUserChecks(dir);
    expect(checks.map((c) => c.id)).toEqual(['link-23']);
    expect(errors.map((e) => e.message.replace(dir + path.sep, ''))).toEqual([
      'b.json, document 1: remediation.links.linux.0.url: must start with https: x-apple.systempreferences: ms-settings: windowsdefender:',
      'c.json, document 1: remediation.links.linux.0.url: must start with https: x-apple.systempreferences: ms-settings: windowsdefender:',
    ]);
  });
});

describe("Fleet policy YAML", () => {
  const fleet = `apiVersion: v1
kind: policy
spec:
  name: Firewall enabled
  query: SELECT 1 FROM alf WHERE global_state >= 1;
  description: Checks the firewall.
  resolution: Turn it on in System Settings.
  platform: darwin
---
apiVersion: v1
kind: query
spec:
  name: all processes
  query: SELECT * FROM processes
---
apiVersion: v1
kind: policy
spec:
  name: Gatekeeper / everywhere
  query: SELECT 1
  critical: true
`;

  it('imports policies as checks and counts the documents of other kinds', () => {
    const { checks, skipped } = parseFleetPolicies('team.yml', fleet);
    expect(skipped).toBe(1);
    expect(checks.map((c) => [c.id, Object.keys(c.queries), c.severity, c.remediation.summary])).toEqual([
      ['fleet-firewall-enabled', ['darwin'], 'medium', 'Turn it on in System Settings.'],
      ['fleet-gatekeeper-everywhere', ['darwin', 'linux', 'windows'], 'high', ''],
    ]);
  });

  it('names the file, the document and the field of a bad policy', () => {
    const bad = `apiVersion: v1\nkind: policy\nspec:\n  name: x\n---\napiVersion: v1\nkind: policy\nspec:\n  name: y\n  query: SELECT 1\n  platform: darwin,solaris\n`;
    expect(() => parseFleetPolicies('p.yml', bad)).toThrow(CheckFileError);
    expect(() => parseFleetPolicies('p.yml', bad)).toThrow(/^p\.yml, document 1: spec\.query: /);
    expect(() => parseFleetPolicies('p.yml', bad.split('---')[1]!)).toThrow('p.yml, document 1: spec.platform: unknown platform "solaris"');
  });
});
