import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, copyDemoLaptop, REPO_ROOT, runCli, STANDIN_OSQUERYD, standinEnv, tempDir, removeTempDirs } from '../helpers/standin.js';

afterEach(removeTempDirs);

const FLEET = path.join(REPO_ROOT, 'test', 'fixtures', 'fleet');
const LIBRARY = path.join(FLEET, 'standard-library.yml');
const LINUX = path.join(FLEET, 'linux', 'cis-policy-queries.yml');
const WINDOWS = path.join(FLEET, 'windows', 'cis-policy-queries.yml');
const LINUX_2026 = path.join(FLEET, 'linux-2026', 'cis-policy-queries.yml');

function laptop() {
  const dir = tempDir();
  const { fixture, edit } = copyDemoLaptop(dir);
  const env = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: path.join(dir, 'data') };
  const porchlight = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });
  return { porchlight, edit, dir, env };
}

/** Text with its line wrapping undone, for what is said rather than where the terminal breaks it. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

interface CheckJson {
  schemaVersion: number;
  counts: Record<string, number>;
  results: { id: string; title: string; status: string; reason: string; resolution: string; source: { kind: string; name: string } }[];
  changes: { failing: { id: string; title: string; source: { name: string } }[] };
}

describe("Fleet's policy libraries through the CLI", () => {
  it('imports a library and CIS files whole, keeps files of the same name apart, and says what it did', async () => {
    const { porchlight } = laptop();
    const library = await porchlight(['checks', 'import', LIBRARY]);
    expect(library.code).toBe(3);
    expect(flat(library.stdout)).toContain(`Imported 7 of 10 policies from ${LIBRARY} as "standard-library".`);
    expect(library.stdout).toContain('Skipped 5 documents that are not a policy here: 2 reports, 1 ChromeOS policy, 1 query, 1 label.');
    expect(library.stdout).toContain(
      [
        'Refused 3 documents:',
        '  document 9 "CIS - Ensure screen saver: locks after 20 minutes": not valid YAML: Nested mappings are not allowed in',
        '    compact mappings (line 89, column 9); a value with ": " in it needs quotes',
        '  document 10 "SSH keys have a passphrase": spec.query: missing (a policy needs its SQL)',
        '  document 12 "Firewall enabled (maybe)": spec.critical: use true or false',
      ].join('\n'),
    );

    const linux = await porchlight(['checks', 'import', LINUX]);
    expect(linux.code).toBe(3);
    expect(flat(linux.stdout)).toContain(`Imported 49 of 52 policies from ${LINUX} as "cis-policy-queries".`);
    expect(linux.stdout).toContain(`16 to check by hand (Fleet's "Manual Validation Required"): listed, never failing.`);
    expect(linux.stdout).toContain(
      [
        'Will not run on a plain osqueryd as written (imported; each says why when scanned):',
        "  8 uses `sysctl`: osquery's table is system_controls, not sysctl",
        "  6 needs Fleet's `file_lines` extension table, which a plain osqueryd does not have",
        "  5 systemd_units has no column name; osquery's is id",
        "  2 system_controls has no column value; osquery's is current_value",
      ].join('\n'),
    );
    expect(linux.stdout).toMatch(/^ {2}fleet-cis-ubuntu-24-04-1-1-1-1-ensure-cramfs-kernel-[0-9a-f]{6} +CIS Ubuntu 24\.04 - 1\.1\.1\.1 Ensure cramfs/m);

    const windows = await porchlight(['checks', 'import', WINDOWS]);
    expect(flat(windows.stdout)).toContain(`Imported 7 of 9 policies from ${WINDOWS} as "cis-policy-queries (windows)".`);
    expect(flat(windows.stdout)).toContain('Not imported: 1 policy is in "standard-library" already (the same queries); --replace takes them over:');

    const again = await porchlight(['checks', 'import', LINUX]);
    expect(again.code).toBe(0);
    expect(flat(again.stdout)).toMatch(/is imported already, as "cis-policy-queries" on \d{4}-\d\d-\d\d; nothing changed\. $/);

    const newer = JSON.parse((await porchlight(['checks', 'import', LINUX_2026, '--json'])).stdout) as {
      outcome: string;
      set: { name: string };
      alreadyImported: { set: string; policies: unknown[] }[];
    };
    expect(newer).toMatchObject({ outcome: 'partial', set: { name: 'cis-policy-queries (linux-2026)' } });
    expect(newer.alreadyImported.map((a) => [a.set, a.policies.length])).toEqual([['cis-policy-queries', 9]]);

    const list = await porchlight(['checks', 'list', '--source', LINUX, '--json']);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(49);
  });

  it('scans an imported benchmark grouped by source, each cause of errors said once, fitting the terminal', async () => {
    const { porchlight, edit } = laptop();
    await porchlight(['checks', 'import', LINUX]);
    await porchlight(['checks', 'import', LIBRARY]);
    const text = await porchlight(['check'], { COLUMNS: '80' });
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n').filter((line) => [...line].length > 80)).toEqual([]);
    expect(flat(text.stdout)).toContain(' cis-policy-queries — 49 checks: 7 pass, 5 fail, 21 could not run, 16 to check by hand FAIL ');
    expect(text.stdout.match(/no such table: file_lines/g)).toHaveLength(1);
    expect(text.stdout).toContain("ERROR    6 checks could not run:\n           needs Fleet's `file_lines` extension table, which a plain osqueryd\n           does not have");
    expect(text.stdout).toContain('         7 pass, 16 to check by hand (not listed; --all lists them)');
    expect(text.stdout).toMatch(/^FAIL {5}CIS Ubuntu 24\.04 - 1\.1\.2\.1\.1 Ensure \/tmp is a separate partiti… {2}Failed\n {11}fix: Mount \/tmp as tmpfs/m);
    expect(flat(text.stdout)).toContain(' Total: 71 checks — 10 pass, 16 fail, 22 could not run, 16 to check by hand, 7 not on this OS ');

    const json = JSON.parse((await porchlight(['check', '--json'])).stdout) as CheckJson;
    expect(json.schemaVersion).toBe(3);
    expect(json.counts).toMatchObject({ manual: 16, error: 22 });
    const tmp = json.results.find((r) => r.title.includes('1.1.2.1.1 Ensure /tmp'))!;
    expect(tmp).toMatchObject({ status: 'fail', source: { kind: 'fleet', name: 'cis-policy-queries' } });
    expect(tmp.resolution).toBe('Mount /tmp as tmpfs: sudo systemctl unmask tmp.mount && sudo systemctl enable --now tmp.mount');
    expect(json.results.find((r) => r.title.includes('1.2.1.1 Ensure GPG keys'))?.status).toBe('manual');

    // ufw goes: the imported policy that checks for it starts failing, and the scan says so.
    edit((data) => {
      data.tables.deb_packages = data.tables.deb_packages!.filter((row) => row.name !== 'ufw');
    });
    const after = await porchlight(['check']);
    expect(after.stdout).toContain('Changes since the last scan: 0 new, 0 resolved; 1 started failing');
    expect(after.stdout).toContain('  ✗ CIS Ubuntu 24.04 - 4.2.1 Ensure ufw is installed (Automated) started failing (cis-policy-queries)');
  });

  it('turns an imported set off by its file, through the running agent, and back on', async () => {
    const { env, porchlight } = laptop();
    await porchlight(['checks', 'import', LINUX]);
    const child = spawn(process.execPath, [CLI, 'daemon'], { env: standinEnv(env) });
    const events: { event: string; results?: { id: string }[] }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line) as (typeof events)[number]));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => events.some((e) => e.event === 'scan-finished'), { timeout: 20_000 }).toBe(true);
      const ids = new Set((JSON.parse((await porchlight(['checks', 'list', '--source', LINUX, '--json'])).stdout) as { id: string }[]).map((c) => c.id));
      expect(events.find((e) => e.event === 'scan-finished')!.results!.filter((r) => ids.has(r.id))).toHaveLength(49);
      const off = await porchlight(['checks', 'disable', '--source', LINUX]);
      expect(off.stdout).toBe('Disabled 49 checks of "cis-policy-queries".\n`porchlight checks enable --source "cis-policy-queries"` turns them back on.\n');
      // The agent drops the set from its latest results at once, and its next scan leaves it out.
      await expect
        .poll(() => events.some((e) => e.event === 'results-changed' && !e.results!.some((r) => ids.has(r.id))))
        .toBe(true);
      const scanned = JSON.parse((await porchlight(['check', '--json'])).stdout) as CheckJson;
      expect(scanned.results.filter((r) => r.source.name === 'cis-policy-queries')).toEqual([]);
      expect((await porchlight(['checks', 'enable', '--source', 'cis-policy-queries'])).stdout).toBe('Enabled 49 checks of "cis-policy-queries".\n');
      const back = JSON.parse((await porchlight(['check', '--json'])).stdout) as CheckJson;
      expect(back.results.filter((r) => r.source.name === 'cis-policy-queries')).toHaveLength(49);
      const unknown = await porchlight(['checks', 'disable', '--source', 'no-such-set']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no checks come from "no-such-set"; the sources are "Built-in", "cis-policy-queries"');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('stops quietly when its reader goes away, has help for `checks`, and says a wrong --only id briefly', async () => {
    const { porchlight, env } = laptop();
    await porchlight(['checks', 'import', LINUX]);
    // `porchlight checks list --json | head -3`: head exits after three lines, and the list is longer than a pipe holds.
    const piped = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile('sh', ['-c', `"${process.execPath}" "${CLI}" checks list --json | head -3`], { env: standinEnv(env) }, (_error, stdout, stderr) =>
        resolve({ stdout, stderr }),
      );
    });
    expect(piped.stdout.split('\n')).toHaveLength(4);
    expect(piped.stderr).toBe('');
    // A reader that is gone before the first line: nothing is written, nothing is said, the exit code is the command's.
    const closed = spawn(process.execPath, [CLI, 'checks', 'list'], { env: standinEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    closed.stdout.destroy();
    let stderr = '';
    closed.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => closed.once('exit', resolve))).toBe(0);
    expect(stderr).toBe('');

    const help = await porchlight(['checks', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: porchlight checks <command> \[options\]$/m);
    expect(help.stdout).toMatch(/^ {2}checks disable {2}turn checks off, one by one or a whole source \(an imported set\)$/m);
    expect((await porchlight(['checks'])).code).toBe(2);

    const only = await porchlight(['check', '--only', 'fleet-cis-ubuntu-24-04-1-1-1-1']);
    expect(only.code).toBe(2);
    expect(only.stderr.length).toBeLessThan(400);
    expect(only.stderr).toMatch(
      /^porchlight check: unknown check fleet-cis-ubuntu-24-04-1-1-1-1; `porchlight checks list` shows them \(did you mean fleet-cis-ubuntu-24-04-1-1-1-1-ensure-cramfs-kernel-[0-9a-f]{6}, fleet-cis-ubuntu-24-04-1-1-1-10-ensure-unused-[0-9a-f]{6}\?\)$/m,
    );
  });

  it('refuses files it cannot read as policies in words, without a stack trace, and imports nothing', async () => {
    const { porchlight, dir } = laptop();
    const utf16 = path.join(dir, 'utf16.yml');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\nkind: policy\n', 'utf16le')]));
    const latin1 = path.join(dir, 'latin1.yml');
    writeFileSync(latin1, Buffer.from('apiVersion: v1\nkind: policy\nspec:\n  name: Café\n  query: SELECT 1\n', 'latin1'));
    const bomb = path.join(dir, 'bomb.yml');
    writeFileSync(bomb, ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n'));
    const huge = path.join(dir, 'huge.yml');
    writeFileSync(huge, Buffer.alloc(8 * 1024 * 1024 + 1, 0x20));

    const results = await Promise.all([utf16, latin1, bomb, huge].map((file) => porchlight(['checks', 'import', file])));
    expect(results.map((r) => r.code)).toEqual([2, 2, 1, 2]);
    expect(results[0]!.stderr).toBe(`porchlight: ${utf16}: is UTF-16 text (or binary), not UTF-8; save it as UTF-8 (in Notepad: Save as › Encoding › UTF-8)\nNothing was imported.\n`);
    expect(results[1]!.stderr).toBe(`porchlight: ${latin1}: is not valid UTF-8 (line 4 has the byte 0xE9); save it as UTF-8\nNothing was imported.\n`);
    expect(results[2]!.stdout).toContain(`Nothing was imported from ${bomb}.\nRefused 1 document:\n  document 1: expands YAML aliases more than 100 times, as a "billion laughs" file`);
    expect(results[3]!.stderr).toContain(`${huge}: is 8.0 MB; Porchlight imports files of up to 8 MB. Nothing was imported.`);
    for (const result of results) expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    const listed = JSON.parse((await porchlight(['checks', 'list', '--json'])).stdout) as { source: { kind: string } }[];
    expect(listed.filter((check) => check.source.kind !== 'builtin')).toEqual([]);
  });
});
