import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { loadUserChecks } from './loader.js';

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
      'dup.json, document 1: id: "disk-encryption" is already used by a built-in check',
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

describe('imported sets and many checks', () => {
  const set = (name: string, ids: string[]) =>
    JSON.stringify({
      porchlightFleetImport: 1,
      name,
      from: `/downloads/${name}.yml`,
      sha256: name,
      importedAt: '2026-11-28T00:00:00.000Z',
      checks: ids.map((id) => ({ id, title: id, queries: { linux: { sql: 'SELECT 1' } }, evaluation: { kind: id.endsWith('-manual') ? 'manual' : 'policy' } })),
    });

  it('loads an imported set as checks from that set, by its name and the file it came from', () => {
    const dir = checksDir({ 'fleet-cis.json': set('cis', ['fleet-a', 'fleet-b-manual']) });
    const { checks, errors } = loadUserChecks(dir);
    expect(errors).toEqual([]);
    expect(checks.map((c) => [c.id, c.evaluation.kind, c.source])).toEqual([
      ['fleet-a', 'policy', { origin: 'fleet', file: path.join(dir, 'fleet-cis.json'), set: 'cis', from: '/downloads/cis.yml' }],
      ['fleet-b-manual', 'manual', { origin: 'fleet', file: path.join(dir, 'fleet-cis.json'), set: 'cis', from: '/downloads/cis.yml' }],
    ]);
  });

  it('says once per file, not once per check, that its ids are taken', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `fleet-policy-${i}`);
    const dir = checksDir({ 'fleet-a.json': set('a', ids), 'fleet-b.json': set('b', ids) });
    const { checks, errors } = loadUserChecks(dir);
    expect(checks).toHaveLength(300);
    expect(errors.map((e) => e.message.replace(dir + path.sep, ''))).toEqual([
      'fleet-b.json: 300 checks skipped: their ids are already used by fleet-a.json (fleet-policy-0, fleet-policy-1, fleet-policy-2, …)',
    ]);
  });

  it('refuses a check file that is not UTF-8, in words', () => {
    const dir = checksDir({});
    writeFileSync(path.join(dir, 'windows.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id: x\n', 'utf16le')]));
    expect(loadUserChecks(dir).errors.map((e) => e.message.replace(dir + path.sep, ''))).toEqual([
      'windows.yaml: is UTF-16 text (or binary), not UTF-8; save it as UTF-8 (in Notepad: Save as › Encoding › UTF-8)',
    ]);
  });
});
