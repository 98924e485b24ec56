import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/helpers/standin.js';
import { CheckFileError } from '../check-file.js';
import { MAX_POLICIES_PER_FILE, MAX_POLICY_SQL, parseFleetPolicyFile } from './fleet-policies.js';

const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'fleet', name), 'utf8');
const policy = (name: string, lines = 'query: SELECT 1 FROM users') => `apiVersion: v1\nkind: policy\nspec:\n  name: ${name}\n  ${lines}\n`;

describe("Fleet's policy YAML", () => {
  const library = parseFleetPolicyFile('standard-library.yml', fixture('standard-library.yml'));

  it('imports the valid policies of a library and refuses each bad document by number, name and reason', () => {
    expect(library.policies.map((p) => p.document)).toEqual([1, 2, 4, 5, 6, 7, 15]);
    expect(library.refused).toEqual([
      {
        document: 9,
        name: 'CIS - Ensure screen saver: locks after 20 minutes',
        reason: 'not valid YAML: Nested mappings are not allowed in compact mappings (line 89, column 9); a value with ": " in it needs quotes',
      },
      { document: 10, name: 'SSH keys have a passphrase', reason: 'spec.query: missing (a policy needs its SQL)' },
      { document: 12, name: 'Firewall enabled (maybe)', reason: 'spec.critical: use true or false' },
    ]);
    expect(library.skipped.map((s) => [s.document, s.kind])).toEqual([
      [3, 'report'],
      [8, 'ChromeOS policy'],
      [11, 'query'],
      [13, 'label'],
      [14, 'report'],
    ]);
  });

  it("keeps Fleet's fields: empty ones as nothing, critical as a bool or a string, tags as a comma list or a YAML list", () => {
    const byName = new Map(library.policies.map((p) => [p.name, p]));
    expect(byName.get('Gatekeeper enabled (macOS)')).toMatchObject({
      id: 'fleet-gatekeeper-enabled-macos',
      platforms: ['darwin'],
      critical: true,
      tags: ['compliance', 'hardening', 'built-in', 'CIS', 'critical'],
      resolution: 'Run this in Terminal on the failing Mac: sudo spctl --master-enable',
    });
    expect(byName.get('Full disk encryption enabled (Linux)')).toMatchObject({ critical: true, resolution: '', tags: ['compliance', 'hardening', 'built-in'] });
    expect(byName.get('Root filesystem is mounted')).toMatchObject({ critical: false, description: '', resolution: '', tags: [], platforms: ['darwin', 'linux'], purpose: 'Informational' });
    expect(byName.get('No unencrypted SSH keys')?.tags).toEqual(['compliance', 'ssh']);
  });

  it('runs a policy without a platform where osquery can run its SQL, and says where a table exists only in Fleet', () => {
    const byName = new Map(library.policies.map((p) => [p.name, p]));
    expect(byName.get('Print spooler disabled on a domain controller')).toMatchObject({ platforms: ['windows'], problems: {} });
    expect(byName.get('Ubuntu Pro attached')?.problems).toEqual({ linux: "needs Fleet's `parse_json` extension table, which a plain osqueryd does not have" });
  });

  it('takes "Manual Validation Required" and queries that can never match as checks by hand', () => {
    const file = [
      policy('Ensure GPG keys are configured (Manual)', 'query: SELECT 1 WHERE 0;\n  purpose: Manual Validation Required\n  platform: linux'),
      policy('Ensure bootloader password is set', 'query: "select 1 where 1 = 0"\n  platform: linux'),
      policy('Ensure /tmp is a separate partition', "query: SELECT 1 FROM mounts WHERE path = '/tmp'\n  platform: linux"),
    ].join('---\n');
    expect(parseFleetPolicyFile('cis.yml', file).policies.map((p) => [p.name, p.manual, p.problems])).toEqual([
      ['Ensure GPG keys are configured (Manual)', true, {}],
      ['Ensure bootloader password is set', true, {}],
      ['Ensure /tmp is a separate partition', false, {}],
    ]);
  });

  it('imports a name once: a second document with the same name, or the same id, is refused', () => {
    const file = [policy('Firewall enabled'), policy('Firewall enabled'), policy('Firewall: enabled')].join('---\n');
    expect(parseFleetPolicyFile('p.yml', file).refused).toEqual([
      { document: 2, name: 'Firewall enabled', reason: "has the name of document 1; a policy's name is its identity, so only the first is imported" },
      { document: 3, name: 'Firewall: enabled', reason: 'not valid YAML: Nested mappings are not allowed in compact mappings (line 16, column 9); a value with ": " in it needs quotes' },
    ]);
    const quoted = [policy('Firewall enabled'), policy('"Firewall: enabled"')].join('---\n');
    expect(parseFleetPolicyFile('p.yml', quoted).refused[0]?.reason).toBe('has the same id (fleet-firewall-enabled) as document 1 "Firewall enabled"; rename one of them');
  });

  it('refuses a YAML alias bomb in words, without reading it, and keeps the other documents', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const parsed = parseFleetPolicyFile('bomb.yml', `${bomb}\n---\n${policy('Still imported')}`);
    expect(parsed.refused).toEqual([
      { document: 1, name: undefined, reason: 'expands YAML aliases more than 100 times, as a "billion laughs" file does to exhaust memory; it is not read' },
    ]);
    expect(parsed.policies.map((p) => p.name)).toEqual(['Still imported']);
  });

  it('refuses SQL longer than osquery is ever asked, an unknown platform and a document that is not Fleet’s', () => {
    const long = policy('Long one', `query: "SELECT 1 WHERE '${'x'.repeat(MAX_POLICY_SQL)}' != ''"`);
    const file = [long, policy('Solaris', 'query: SELECT 1\n  platform: darwin, solaris'), '- just\n- a list\n', 'apiVersion: v1\nspec:\n  name: No kind\n'].join('---\n');
    expect(parseFleetPolicyFile('p.yml', file).refused.map((r) => [r.document, r.reason])).toEqual([
      [1, 'spec.query: is longer than 100,000 characters'],
      [2, 'spec.platform: Fleet\'s platforms are darwin, linux, windows, chrome, not "solaris"'],
      [3, 'is not a Fleet document (apiVersion, kind and spec)'],
      [4, 'kind: missing (a policy says kind: policy)'],
    ]);
  });

  it('refuses a file of more policies than any library has, as a whole', () => {
    const many = Array.from({ length: MAX_POLICIES_PER_FILE + 1 }, (_, i) => policy(`Policy ${i}`)).join('---\n');
    const refusal = (() => {
      try {
        parseFleetPolicyFile('many.yml', many);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(CheckFileError);
    expect((refusal as Error).message).toBe('many.yml: has 2,001 policies; Porchlight imports at most 2,000 from one file');
  });
});
