import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, copyDemoLaptop, laptopFile, removeTempDirs, runCli, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

afterEach(removeTempDirs);

function laptop() {
  const dir = tempDir();
  const { fixture, edit } = copyDemoLaptop(dir);
  const dataDir = path.join(dir, 'data');
  const env = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: dataDir };
  const porchlight = (args: string[], extraEnv: Record<string, string> = {}) => runCli(args, { ...env, ...extraEnv });
  return { porchlight, edit, dataDir, dir, env };
}

interface CheckJson {
  schemaVersion: number;
  scan: { osquery: string; platform: string; via: string };
  counts: Record<string, number>;
  results: {
    id: string;
    status: string;
    summary: string;
    confirmation: { statement: string } | null;
    findings: { id: string; title: string; acknowledged: boolean }[];
  }[];
  changes: { new: { id: string; title: string }[]; resolved: { id: string; title: string }[] };
}

describe('porchlight check', () => {
  it('reports the core checks of a realistic laptop as a table and exits 1 when something fails', async () => {
    const { porchlight } = laptop();
    const result = await porchlight(['check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^pass\s+Disk encryption\s+The startup disk is encrypted$/m);
    expect(result.stdout).toMatch(/^FAIL\s+Browser extensions\s+5 findings need attention \(3 listed for you to see\)$/m);
    expect(result.stdout).toContain('Coupon Finder Pro (chrome)');
    expect(result.stdout).toContain('can read and change every site, with cookies, webRequest');
    expect(result.stdout).toMatch(/^FAIL\s+Services open to the network\s+5 findings need attention$/m);
    // avahi's mDNS socket is a discovery protocol every Linux desktop runs, not a service to count.
    expect(result.stdout).not.toContain('udp port 5353');
    expect(result.stdout).toMatch(/^n\/a\s+Screen lock\s+Not checked on Linux$/m);
    expect(result.stdout).toContain('Changes since the last scan: 17 new, 0 resolved');
  });

  it('prints the versioned JSON report, and the next scan says what changed', async () => {
    const { porchlight, edit } = laptop();
    const first = JSON.parse((await porchlight(['check', '--json'])).stdout) as CheckJson;
    expect(first.schemaVersion).toBe(3);
    expect(first.scan).toMatchObject({ osquery: 'own', platform: 'linux' });
    expect(first.counts).toEqual({ pass: 2, fail: 9, unknown: 0, not_applicable: 4, error: 0, manual: 0 });

    edit((data) => {
      data.tables.process_open_sockets = data.tables.process_open_sockets!.filter((row) => row.local_port !== 3000);
      data.tables.user_ssh_keys = [];
      data.tables.suid_bin!.push({ path: '/tmp/.hidden/rootshell', username: 'root', groupname: 'root', permissions: 'S' });
    });
    const second = JSON.parse((await porchlight(['check', '--json'])).stdout) as CheckJson;
    expect(second.changes.new.map((f) => f.title)).toEqual(['/tmp/.hidden/rootshell runs as root']);
    expect(second.changes.resolved.map((f) => f.title).sort()).toEqual([
      '/home/ann/.ssh/id_ed25519 has no passphrase',
      'node listens on tcp port 3000 (all interfaces)',
    ]);
    expect(second.results.find((r) => r.id === 'ssh-keys-without-passphrase')?.status).toBe('pass');
  });

  it('acknowledging a finding takes it out of the failing count; findings and history show it', async () => {
    const { porchlight } = laptop();
    const report = JSON.parse((await porchlight(['check', '--json', '--only', 'administrator-accounts'])).stdout) as CheckJson;
    expect(report.results.map((r) => [r.id, r.status])).toEqual([['administrator-accounts', 'fail']]);
    const bob = report.results[0]!.findings.find((f) => f.title === 'bob is an administrator')!;

    const findings = await porchlight(['findings']);
    expect(findings.stdout).toContain(`${bob.id}  administrator-accounts  bob is an administrator`);

    const ack = await porchlight(['ack', bob.id, '--until', '2099-01-01']);
    expect(ack.stdout).toBe('Acknowledged until 2099-01-01T00:00:00.000Z: bob is an administrator\n');

    const after = await porchlight(['check', '--only', 'administrator-accounts']);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^pass\s+Administrator accounts\s+Nothing needs attention \(1 acknowledged, 1 listed for you to see\)$/m);
    expect((await porchlight(['findings'])).stdout).toContain('acknowledged until 2099-01-01');

    const history = await porchlight(['history', '--check', 'administrator-accounts', '--json']);
    expect((JSON.parse(history.stdout) as { status: string }[]).map((h) => h.status)).toEqual(['fail', 'pass']);

    expect((await porchlight(['ack', bob.id, '--remove'])).stdout).toBe('No longer acknowledged: bob is an administrator\n');
    expect((await porchlight(['check', '--only', 'administrator-accounts'])).code).toBe(1);
  });

  it('judges another OS’s checks with --platform, and keeps the owner’s confirmation of what osquery cannot see', async () => {
    const dir = tempDir();
    const fixture = path.join(dir, 'windows.json');
    copyFileSync(laptopFile('windows-default'), fixture);
    const env = { STANDIN_FIXTURE: fixture, STANDIN_PLATFORM: 'windows', PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: path.join(dir, 'data') };
    const porchlight = (args: string[]) => runCli(args, env);

    const first = JSON.parse((await porchlight(['check', '--json', '--platform', 'windows'])).stdout) as CheckJson;
    expect(first.scan.platform).toBe('windows');
    const status = (report: CheckJson, id: string) => report.results.find((r) => r.id === id);
    expect(status(first, 'disk-encryption')).toMatchObject({ status: 'unknown', confirmation: null });
    expect(status(first, 'firewall')?.status).toBe('pass');
    const hint = await porchlight(['check', '--platform', 'windows', '--only', 'disk-encryption']);
    expect(hint.stdout).toContain('Disk encryption: see for yourself — Open Settings → Privacy & security → Device encryption');
    expect(hint.stdout).toContain('Then `porchlight confirm disk-encryption` records "BitLocker (Device encryption) protects drive C:" as your word.');

    const confirm = await porchlight(['confirm', 'disk-encryption', '--platform', 'windows']);
    expect(confirm.code).toBe(0);
    expect(confirm.stdout).toMatch(/^Recorded as confirmed by you: BitLocker \(Device encryption\) protects drive C:\nPorchlight will ask again after \d{4}-\d\d-\d\d\.\n$/);
    const text = await porchlight(['check', '--platform', 'windows', '--only', 'disk-encryption']);
    expect(text.stdout).toMatch(/^unknown\s+Disk encryption\s+Confirmed by you on \d{4}-\d\d-\d\d: BitLocker \(Device encryption\) protects drive C:$/m);
    const after = JSON.parse((await porchlight(['check', '--json', '--platform', 'windows'])).stdout) as CheckJson;
    expect(status(after, 'disk-encryption')).toMatchObject({ status: 'unknown', confirmation: { statement: 'BitLocker (Device encryption) protects drive C:' } });

    const refused = await porchlight(['confirm', 'firewall', '--platform', 'windows']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"Firewall" takes no confirmation here');
    expect((await porchlight(['confirm', 'disk-encryption', '--remove'])).stdout).toBe('Your confirmation of disk-encryption is removed.\n');
    const wrong = await porchlight(['check', '--platform', 'beos']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--platform takes darwin, linux, windows, not "beos"');
  });

  it('refuses unknown checks, bad dates and unknown findings with a clear message', async () => {
    const { porchlight } = laptop();
    const only = await porchlight(['check', '--only', 'no-such-check']);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('unknown check no-such-check; `porchlight checks list` shows them');
    const until = await porchlight(['ack', 'abc', '--until', 'next week']);
    expect(until.code).toBe(2);
    expect(until.stderr).toContain('--until takes a date like 2026-12-31');
    const missing = await porchlight(['ack', 'abcdef1234']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no finding "abcdef1234"');
  });

  it('exits 2 when the scan cannot run', async () => {
    const { porchlight } = laptop();
    const crash = await porchlight(['check'], { STANDIN_FAULT: 'crash-after-queries=3' });
    expect(crash.code).toBe(2);
    expect(crash.stderr).toContain('the scan could not run: osqueryd closed the connection');
    const noDaemon = await porchlight(['check', '--osqueryd', '/nonexistent']);
    expect(noDaemon.code).toBe(2);
  });
});

describe('porchlight checks', () => {
  it('imports Fleet policies as a set, lists them under it, and runs them', async () => {
    const { porchlight, dir } = laptop();
    const file = path.join(dir, 'family-policies.yml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: policy
spec:
  name: Firewall service active
  query: SELECT 1 FROM systemd_units WHERE id = 'ufw.service' AND active_state = 'active'
  resolution: Run sudo ufw enable
  platform: linux
---
apiVersion: v1
kind: label
spec:
  name: laptops
  query: SELECT 1
`,
    );
    const imported = await porchlight(['checks', 'import', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`Imported 1 of 1 policy from ${file} as "family-policies".`);
    expect(imported.stdout).toContain('Skipped 1 document that is not a policy here: 1 label.');
    expect(imported.stdout).toMatch(/^ {2}fleet-firewall-service-active {2}Firewall service active$/m);
    const list = await porchlight(['checks', 'list']);
    expect(list.stdout).toContain(`\nfamily-policies — 1 check imported from ${file}\nfleet-firewall-service-active  Firewall service active\n`);
    expect(list.stdout).toMatch(/^gatekeeper\s+Gatekeeper {2}\(not on this OS\)$/m);
    const run = await porchlight(['check', '--only', 'fleet-firewall-service-active']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^pass\s+Firewall service active\s+Passed$/m);
  });

  it('refuses a broken policy by document, name and field, and imports nothing when nothing is left', async () => {
    const { porchlight, dir } = laptop();
    const file = path.join(dir, 'bad.yml');
    writeFileSync(file, 'apiVersion: v1\nkind: policy\nspec:\n  name: No query here\n');
    const result = await porchlight(['checks', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`Nothing was imported from ${file}.\nRefused 1 document:\n  document 1 "No query here": spec.query: missing (a policy needs its SQL)\n`);
  });
});

describe('porchlight daemon', () => {
  it('runs osqueryd and a first scan, logs events as JSON lines, serves other commands, and stops cleanly', async () => {
    const { env, porchlight } = laptop();
    const child = spawn(process.execPath, [CLI, 'daemon'], { env: standinEnv(env) });
    const events: { event: string; results?: { id: string; status: string }[] }[] = [];
    const scanned = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        events.push(JSON.parse(line) as (typeof events)[number]);
        if (events.filter((e) => e.event === 'finding-new').length === 17) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await scanned;
    const finished = events.find((e) => e.event === 'scan-finished')!;
    expect(finished.results?.find((r) => r.id === 'disk-encryption')?.status).toBe('pass');
    expect(events.filter((e) => e.event === 'finding-new')).toHaveLength(17);

    // A check while the daemon runs is the daemon's scan: it prints that scan's events.
    const through = await porchlight(['check', '--json', '--only', 'firewall']);
    expect((JSON.parse(through.stdout) as CheckJson).scan).toMatchObject({ via: 'agent', osquery: 'agent' });
    await expect.poll(() => events.some((e) => e.event === 'scan-started' && (e as { trigger?: string }).trigger === 'cli')).toBe(true);
    await expect.poll(() => events.filter((e) => e.event === 'scan-finished').length).toBe(2);
    expect(through.stderr).not.toContain('Starting osqueryd');

    // So is an acknowledgement: the daemon re-judges its latest results at once.
    const bob = (JSON.parse((await porchlight(['findings', '--json'])).stdout) as { id: string; title: string }[]).find(
      (f) => f.title === 'bob is an administrator',
    )!;
    expect((await porchlight(['ack', bob.id])).code).toBe(0);
    await expect
      .poll(() =>
        events.some(
          (e) =>
            e.event === 'results-changed' &&
            e.results?.find((r) => r.id === 'administrator-accounts')?.status === 'pass',
        ),
      )
      .toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(events.at(-1)?.event).toBe('stopped');
    expect(events.map((e) => e.event)).toContain('osquery-state');
  });
});
