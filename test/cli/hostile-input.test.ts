import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { removeTempDirs, runCli, STANDIN_OSQUERYD, tempDir } from '../helpers/standin.js';

afterEach(removeTempDirs);

/** Words a person can act on, and an exit code; never a stack trace. */
function expectSentence(result: { code: number; stderr: string }, label: string): void {
  expect(result.stderr, label).not.toMatch(/\n\s+at .+\(?.+:\d+:\d+\)?/);
  expect(result.stderr, label).toMatch(/^porchlight/);
  expect([1, 2, 3], label).toContain(result.code);
}

/** Arguments each command needs to get as far as its work. */
const ARGUMENTS: Record<string, string[]> = {
  'checks import': ['policies.yml'],
  ack: ['abcdef123456'],
  confirm: ['disk-encryption'],
  query: ['SELECT 1'],
  'alerts add': ['webhook', 'https://example.com/porchlight'],
  'alerts remove': ['webhook-abc123'],
  'checks enable': ['--source', 'cis-policy-queries'],
  'checks disable': ['firewall'],
  'fleet enroll': ['--url', 'https://127.0.0.1:9/', '--secret-file', 'secret.txt', '--yes'],
};

/** Files in the test's folder that ARGUMENTS name. */
const FILES: Record<string, string> = {
  'policies.yml': 'apiVersion: v1\nkind: policy\nspec:\n  name: x\n  query: SELECT 1\n',
  'secret.txt': 'family-fleet-secret\n',
};

describe('every command, given hostile input, answers in words', () => {
  // osquery status only reads: with nothing there it says osqueryd is not running (exit 3).
  it.each(COMMANDS.map((command) => command.name).filter((name) => name !== 'osquery status'))('%s with a data dir under a file', async (name) => {
    const dir = tempDir();
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, '');
    for (const [fileName, content] of Object.entries(FILES)) writeFileSync(path.join(dir, fileName), content);
    const args = (ARGUMENTS[name] ?? []).map((arg) => (arg in FILES ? path.join(dir, arg) : arg));
    const result = await runCli([...name.split(' '), ...args, '--data-dir', path.join(file, 'data')], { PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD });
    expectSentence(result, name);
    expect(result.stderr).toContain('is not a folder (or lies under a file)');
  });

  it.each(COMMANDS.map((command) => command.name))('%s with an unknown option and a 10 kB argument', async (name) => {
    const result = await runCli([...name.split(' '), '--no-such-option', 'x'.repeat(10_000)]);
    expectSentence(result, name);
    expect(result.stderr.length).toBeLessThan(2_000);
  });

  it('an unsafe socket folder, and a settings file that is a folder (kept aside, with a warning)', async () => {
    const dataDir = path.join(tempDir(), 'data');
    mkdirSync(path.join(dataDir, 'config.json'), { recursive: true });
    const kept = await runCli(['findings', '--data-dir', dataDir]);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toMatch(/^warning: Settings in .* could not be used \(not valid JSON \(EISDIR/);

    const unsafe = path.join(tempDir(), 'data');
    mkdirSync(path.join(unsafe, 'run'), { recursive: true, mode: 0o777 });
    writeFileSync(path.join(unsafe, 'run', 'agent.sock'), '');
    const refused = await runCli(['findings', '--data-dir', unsafe]);
    expectSentence(refused, 'unsafe socket folder');
    expect(refused.stderr).toContain('can be entered by other users');
  });
});
