import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeTempDirs, tempDir } from '../../../../test/helpers/standin.js';
import { loadChecks } from '../loader.js';
import { importFleetPolicies } from './fleet-import.js';

afterEach(removeTempDirs);

const FLEET = path.join(REPO_ROOT, 'test', 'fixtures', 'fleet');
const linux = path.join(FLEET, 'linux', 'cis-policy-queries.yml');
const windows = path.join(FLEET, 'windows', 'cis-policy-queries.yml');
const linux2026 = path.join(FLEET, 'linux-2026', 'cis-policy-queries.yml');

function importFile(dataDir: string, file: string, replace = false) {
  return importFleetPolicies(dataDir, file, readFileSync(file), { replace, now: Date.UTC(2026, 10, 28) });
}

const setsOf = (dataDir: string) => {
  const bySet = new Map<string, string[]>();
  for (const check of loadChecks(dataDir).checks) {
    if (check.source.origin === 'fleet') bySet.set(check.source.set!, [...(bySet.get(check.source.set!) ?? []), check.id]);
  }
  return bySet;
};

describe('importing Fleet policy files', () => {
  it('keeps each file as a named set of checks, mode 0600, and says what could not be imported and what will not run', () => {
    const dataDir = tempDir();
    const summary = importFile(dataDir, linux);
    expect(summary).toMatchObject({ outcome: 'partial', set: { name: 'cis-policy-queries' } });
    expect(summary.imported).toHaveLength(49);
    expect(summary.imported.filter((p) => p.manual)).toHaveLength(16);
    expect(summary.refused.map((r) => r.document)).toEqual([48, 49, 51]);
    expect(summary.cannotRun.map((c) => [c.reason, c.policies.length])).toEqual([
      ["uses `sysctl`: osquery's table is system_controls, not sysctl", 8],
      ["needs Fleet's `file_lines` extension table, which a plain osqueryd does not have", 6],
      ["systemd_units has no column name; osquery's is id", 5],
      ["system_controls has no column value; osquery's is current_value", 2],
    ]);
    expect(statSync(summary.set!.file).mode & 0o777).toBe(0o600);
    const checks = loadChecks(dataDir).checks.filter((c) => c.source.origin === 'fleet');
    expect(checks).toHaveLength(49);
    const byHand = checks.find((c) => c.title.startsWith('CIS Ubuntu 24.04 - 1.2.1.1 Ensure GPG keys'))!;
    expect(byHand).toMatchObject({ evaluation: { kind: 'manual' }, severity: 'medium', fleet: { purpose: 'Manual Validation Required' } });
    expect(byHand.source).toMatchObject({ origin: 'fleet', set: 'cis-policy-queries', from: linux });
  });

  it('imports the same file once: its content identifies it', () => {
    const dataDir = tempDir();
    importFile(dataDir, linux);
    const again = importFile(dataDir, linux);
    expect(again).toMatchObject({ outcome: 'unchanged', set: { name: 'cis-policy-queries', importedAt: '2026-11-28T00:00:00.000Z' }, imported: [] });
    const copy = path.join(tempDir(), 'renamed.yml');
    writeFileSync(copy, readFileSync(linux));
    expect(importFile(dataDir, copy).outcome).toBe('unchanged');
    expect([...setsOf(dataDir).keys()]).toEqual(['cis-policy-queries']);
  });

  it('keeps two files of the same name apart instead of one replacing the other', () => {
    const dataDir = tempDir();
    importFile(dataDir, linux);
    const second = importFile(dataDir, windows);
    expect(second.set?.name).toBe('cis-policy-queries (windows)');
    expect(second.imported).toHaveLength(8);
    const sets = setsOf(dataDir);
    expect([...sets].map(([name, ids]) => [name, ids.length])).toEqual([
      ['cis-policy-queries (windows)', 8],
      ['cis-policy-queries', 49],
    ]);
    expect(readdirSync(path.join(dataDir, 'checks')).sort()).toEqual(['fleet-cis-policy-queries-windows.json', 'fleet-cis-policy-queries.json']);
  });

  it('does not import a policy another set has; --replace takes it over, and replaces the set of the same file', () => {
    const dataDir = tempDir();
    importFile(dataDir, linux);
    const newer = importFile(dataDir, linux2026);
    expect(newer.outcome).toBe('partial');
    expect(newer.imported.map((p) => p.name)).toEqual([
      'CIS Ubuntu 24.04 - 1.3.1.1 Ensure AppArmor is installed (Automated)',
      'CIS Ubuntu 24.04 - 5.1.15 Ensure sshd MaxAuthTries is configured (Automated)',
    ]);
    expect(newer.alreadyImported).toHaveLength(1);
    expect(newer.alreadyImported[0]!.set).toBe('cis-policy-queries');
    expect(newer.alreadyImported[0]!.policies.map((p) => p.sameQuery)).toEqual([true, true, true, false, false, false, false, true, true]);
    // The corrected sysctl policies stay as the first set had them until the owner says otherwise.
    expect(setsOf(dataDir).get('cis-policy-queries')).toHaveLength(49);

    const fresh = tempDir();
    importFile(fresh, linux);
    const takeOver = importFile(fresh, linux2026, true);
    expect(takeOver).toMatchObject({ outcome: 'imported', set: { name: 'cis-policy-queries (linux-2026)' }, replaced: [{ set: 'cis-policy-queries', policies: 9, whole: false }] });
    expect([...setsOf(fresh)].map(([name, ids]) => [name, ids.length])).toEqual([
      ['cis-policy-queries (linux-2026)', 11],
      ['cis-policy-queries', 40],
    ]);
  });

  it('replaces the set imported from the same file, once it changed and --replace says so, saying what changed', () => {
    const dataDir = tempDir();
    const file = path.join(tempDir(), 'cis-policy-queries.yml');
    writeFileSync(file, readFileSync(linux));
    importFile(dataDir, file);
    // Fleet publishes a new version, downloaded to the same place.
    writeFileSync(file, readFileSync(linux2026));
    const update = importFile(dataDir, file, true);
    expect(update).toMatchObject({ outcome: 'imported', set: { name: 'cis-policy-queries' }, update: { added: 2, changed: 4, removed: 40, unchanged: 5 } });
    expect([...setsOf(dataDir)].map(([name, ids]) => [name, ids.length])).toEqual([['cis-policy-queries', 11]]);
  });

  it('refuses a policy whose id is a check of the owner’s own, which an import never overwrites', () => {
    const dataDir = tempDir();
    mkdirSync(path.join(dataDir, 'checks'));
    writeFileSync(path.join(dataDir, 'checks', 'mine.yaml'), 'id: fleet-ufw-on\ntitle: Mine\nqueries: {linux: {sql: SELECT 1}}\n');
    const file = path.join(tempDir(), 'ufw.yml');
    writeFileSync(file, 'apiVersion: v1\nkind: policy\nspec:\n  name: UFW on\n  query: SELECT 1 FROM deb_packages\n  platform: linux\n');
    const summary = importFile(dataDir, file);
    expect(summary).toMatchObject({ outcome: 'nothing', set: undefined });
    expect(summary.refused).toEqual([{ document: 1, name: 'UFW on', reason: `its id fleet-ufw-on is used by your check in ${path.join(dataDir, 'checks', 'mine.yaml')}` }]);
  });
});
