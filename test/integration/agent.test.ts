import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, type AgentEvents } from '../../src/core/agent.js';
import { importFleetPolicies } from '../../src/core/checks/fleet/fleet-import.js';
import { builtinChecks } from '../../src/core/checks/loader.js';
import type { ScanReport } from '../../src/core/checks/scanner.js';
import { processAlive } from '../../src/core/osquery/process-control.js';
import { openConfSettings } from '../../src/core/settings/conf-settings.js';
import { copyDemoLaptop, FAST_TIMINGS, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  removeTempDirs();
});

function makeAgent(options: { settingsText?: string; fault?: string } = {}) {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const { fixture, edit: editFixture } = copyDemoLaptop(dir);
  if (options.settingsText !== undefined) {
    openConfSettings(dataDir);
    writeFileSync(path.join(dataDir, 'config.json'), options.settingsText);
  }
  const settings = openConfSettings(dataDir);
  const agent = new Agent({
    dataDir,
    settings: settings.store,
    settingsWarning: settings.warning,
    osquerydPath: STANDIN_OSQUERYD,
    env: standinEnv({ STANDIN_FIXTURE: fixture, ...(options.fault ? { STANDIN_FAULT: options.fault } : {}) }),
    platform: 'linux',
    timings: FAST_TIMINGS,
  });
  agents.push(agent);
  const events: { name: keyof AgentEvents; payload: unknown }[] = [];
  for (const name of ['osquery-state', 'scan-started', 'scan-finished', 'scan-failed', 'finding-new', 'finding-resolved', 'warning'] as const) {
    agent.on(name, (payload) => events.push({ name, payload }));
  }
  return { agent, events, editFixture, dataDir };
}

function nextEvent<K extends keyof AgentEvents>(agent: Agent, name: K): Promise<AgentEvents[K]> {
  return new Promise((resolve) => {
    const off = agent.on(name, (payload) => {
      off();
      resolve(payload);
    });
  });
}

describe('Agent on the stand-in osqueryd with a realistic laptop', () => {
  it('scans at start and reports the three core checks correctly', async () => {
    const { agent, events } = makeAgent();
    const firstScan = nextEvent(agent, 'scan-finished');
    // The tray redraws from status() on scan-started, so by then the agent must say it is scanning.
    let statusWhenStarted: ReturnType<Agent['status']> | undefined;
    const offStarted = agent.on('scan-started', () => {
      offStarted();
      statusWhenStarted = agent.status();
    });
    await agent.start();
    const report = await firstScan;
    expect(statusWhenStarted).toMatchObject({ scanning: true, overall: 'scanning' });
    const status = Object.fromEntries(report.results.map((r) => [r.checkId, r.status]));
    expect(status).toMatchObject({
      'disk-encryption': 'pass',
      'browser-extensions': 'fail',
      'listening-ports': 'fail',
      firewall: 'fail',
      'screen-lock': 'not_applicable',
    });
    expect(report.trigger).toBe('startup');
    expect(events.filter((e) => e.name === 'osquery-state').map((e) => (e.payload as { state: string }).state)).toEqual([
      'starting',
      'running',
    ]);
    expect(events.filter((e) => e.name === 'finding-new')).toHaveLength(report.changes.new.length);
    expect(agent.status()).toMatchObject({ osquery: { state: 'running' }, scanning: false });
    expect(agent.status().nextScanAt).toBeGreaterThan(Date.now());
  });

  it('reports new and resolved findings when the laptop changes', async () => {
    const { agent, editFixture } = makeAgent();
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    await firstScan;

    editFixture((laptop) => {
      laptop.tables.process_open_sockets = laptop.tables.process_open_sockets!.filter((row) => row.local_port !== 22);
      const profile = '/home/ann/.config/google-chrome/Default';
      laptop.tables.chrome_extensions!.push({
        browser_type: 'chrome',
        uid: 1000,
        name: 'Free VPN Turbo',
        profile: 'Person 1',
        profile_path: profile,
        referenced_identifier: 'freevpnturbodddddddddddddddddddd',
        identifier: 'freevpnturbodddddddddddddddddddd',
        version: '9.9',
        permissions: 'proxy, storage',
        manifest_json: '{"manifest_version":"3","permissions":["proxy","storage"],"host_permissions":["<all_urls>"]}',
        from_webstore: 'true',
        update_url: 'https://clients2.google.com/service/update2/crx',
        state: '',
        referenced: 1,
        path: `${profile}/Extensions/freevpnturbodddddddddddddddddddd/9.9_0`,
      });
    });
    const resolved = nextEvent(agent, 'finding-resolved');
    const report = await agent.scanNow();
    expect(report.changes.new.map((f) => f.title)).toEqual(['Free VPN Turbo (chrome)']);
    expect(report.changes.new[0]).toMatchObject({ counted: true, reason: 'can read and change every site, with proxy; new since Porchlight’s first scan, and can read every site' });
    expect(report.changes.resolved.map((f) => f.title)).toEqual(['unknown process listens on tcp port 22 (all interfaces)']);
    expect((await resolved).checkId).toBe('listening-ports');

    const again = await agent.scanNow();
    expect(again.changes).toEqual({ new: [], resolved: [], failing: [], fixed: [] });
  });

  it('an acknowledged finding stops failing its check but stays listed', async () => {
    const { agent } = makeAgent();
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    const report = await firstScan;
    const admin = report.results.find((r) => r.checkId === 'administrator-accounts')!;
    expect(admin.status).toBe('fail');
    const bob = admin.findings.find((f) => f.title === 'bob is an administrator')!;
    agent.acknowledge(bob.id);
    const next = await agent.scanNow();
    const after = next.results.find((r) => r.checkId === 'administrator-accounts')!;
    expect(after.status).toBe('pass');
    expect(after.summary).toBe('Nothing needs attention (1 acknowledged, 1 listed for you to see)');
    expect(after.findings.map((f) => [f.title, f.acknowledged])).toEqual([
      ['ann is an administrator', false],
      ['bob is an administrator', true],
    ]);
  });

  it('gives a process that has not scanned the latest results from the history, and the daily trend', async () => {
    const { agent, dataDir } = makeAgent();
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    const scanned = await firstScan;
    const bob = scanned.results.find((r) => r.checkId === 'administrator-accounts')!.findings.find((f) => f.title === 'bob is an administrator')!;
    await agent.stop();

    const settings = openConfSettings(dataDir);
    const reader = new Agent({ dataDir, settings: settings.store, platform: 'linux', role: 'one-shot', osquerydPath: '/nonexistent/osqueryd' });
    agents.push(reader);
    await reader.start();
    expect(reader.lastReport()?.scanId).toBe(scanned.scanId);
    const summaries = (results: typeof scanned.results) => results.map((r) => [r.checkId, r.status, r.summary, r.findings.length]);
    expect(summaries(reader.lastReport()!.results)).toEqual(summaries(scanned.results));
    const changed = nextEvent(reader, 'results-changed');
    reader.acknowledge(bob.id);
    const admin = (await changed).results.find((r) => r.checkId === 'administrator-accounts');
    expect(admin).toMatchObject({ status: 'pass', summary: 'Nothing needs attention (1 acknowledged, 1 listed for you to see)' });
    // Reading the history needs no osqueryd (this one names none that exists).
    expect(reader.osqueryStatus().state).toBe('stopped');

    const trend = reader.trend(30);
    expect(trend).toHaveLength(30);
    expect(trend.filter((day) => day.scans > 0)).toEqual([expect.objectContaining({ scans: 1, failed: 9, unknown: 0, passed: 2 })]);
  });

  it('shares one scan between callers instead of overlapping', async () => {
    const { agent } = makeAgent();
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    await firstScan;
    const [a, b] = [agent.scanNow('one'), agent.scanNow('two')];
    expect(a).toBe(b);
    expect((await a).trigger).toBe('one');
  });

  it('stops promptly even while a scan waits for a daemon that keeps failing', async () => {
    const { agent } = makeAgent({ fault: 'crash-at-start' });
    await agent.start().catch(() => undefined);
    const waiting = agent.scanNow('stuck').catch((error: unknown) => error);
    const started = Date.now();
    await agent.stop();
    agents.pop();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await waiting).toBeInstanceOf(Error);
    await expect(agent.scanNow('after-stop')).rejects.toThrow('Porchlight is stopping');
  });

  it('warns about corrupt settings, runs on defaults, and stops osqueryd on stop()', async () => {
    const { agent, events } = makeAgent({ settingsText: '{ nope' });
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    await firstScan;
    const warning = events.find((e) => e.name === 'warning')?.payload as { message: string };
    expect(warning.message).toMatch(/could not be used .*defaults are in use/);
    const pid = agent.status().osquery.pid!;
    await agent.stop();
    agents.pop();
    expect(processAlive(pid)).toBe(false);
  });

  it('fails a scan clearly when osqueryd dies under it, and the next scan runs on the restarted daemon', async () => {
    const { agent } = makeAgent({ fault: 'crash-after-queries=25' }); // a Linux scan asks 21 queries: the second one dies
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    await firstScan;
    const failed = nextEvent(agent, 'scan-failed');
    const restarted = new Promise<void>((resolve) => {
      const off = agent.on('osquery-state', (status) => {
        if (status.state === 'running') {
          off();
          resolve();
        }
      });
    });
    await expect(agent.scanNow('doomed')).rejects.toThrow(/osqueryd closed the connection/);
    expect(await failed).toEqual({ trigger: 'doomed', error: 'osqueryd closed the connection' });
    expect(agent.lastScan()).toMatchObject({ status: 'failed', error: 'osqueryd closed the connection' });

    await restarted;
    const report = await agent.scanNow('after-crash');
    expect(report.results.find((r) => r.checkId === 'disk-encryption')?.status).toBe('pass');
  });
});

describe('Agent with imported Fleet policies', () => {
  /** A set of four policies: one passes, one fails, one needs Fleet's file_lines, one is checked by hand. */
  function importSet(dataDir: string): void {
    const file = path.join(tempDir(), 'family.yml');
    const policy = (name: string, query: string, extra = '') =>
      `apiVersion: v1\nkind: policy\nspec:\n  name: ${name}\n  platform: linux\n  query: ${query}\n  resolution: Fix ${name}.\n${extra}`;
    writeFileSync(
      file,
      [
        policy('ufw is installed', "SELECT 1 FROM deb_packages WHERE name = 'ufw'"),
        policy('Root is on its own device', "SELECT 1 FROM mounts WHERE path = '/' AND device LIKE '/dev/mapper/%'"),
        policy('cramfs is blacklisted', "SELECT 1 FROM file_lines WHERE path = '/etc/modprobe.d/cramfs.conf'"),
        policy('GPG keys are configured (Manual)', 'SELECT 1 WHERE 0', '  purpose: Manual Validation Required\n'),
      ].join('---\n'),
    );
    expect(importFleetPolicies(dataDir, file, readFileSync(file)).imported).toHaveLength(4);
  }

  it('checks by hand are never run nor failing; a policy that starts failing is a change; a set turned off leaves the results at once', async () => {
    const { agent, dataDir, editFixture } = makeAgent();
    importSet(dataDir);
    const firstScan = nextEvent(agent, 'scan-finished');
    await agent.start();
    const first = await firstScan;
    const family = (report: ScanReport) => Object.fromEntries(report.results.filter((r) => r.source.name === 'family').map((r) => [r.title, [r.status, r.reason]]));
    expect(family(first)).toEqual({
      'ufw is installed': ['pass', ''],
      'Root is on its own device': ['pass', ''],
      'cramfs is blacklisted': ['error', "needs Fleet's `file_lines` extension table, which a plain osqueryd does not have (osquery: no such table: file_lines)"],
      'GPG keys are configured (Manual)': ['manual', ''],
    });
    expect(first.results.find((r) => r.title === 'ufw is installed')).toMatchObject({ resolution: 'Fix ufw is installed.', source: { kind: 'fleet', name: 'family' } });
    expect(first.changes.failing).toEqual([]);

    editFixture((laptop) => {
      laptop.tables.deb_packages = laptop.tables.deb_packages!.filter((row) => row.name !== 'ufw');
    });
    const second = await agent.scanNow('manual');
    expect(second.changes.failing).toEqual([expect.objectContaining({ title: 'ufw is installed', source: { kind: 'fleet', name: 'family' } })]);
    expect(second.changes.new).toEqual([]);
    const third = await agent.scanNow('manual');
    expect(third.changes.failing).toEqual([]);

    // Turned off, the set leaves the latest results (and the overall state) at once, without a scan.
    const changed = nextEvent(agent, 'results-changed');
    const ids = agent.checks().filter((check) => check.source.set === 'family').map((check) => check.id);
    agent.setChecksEnabled(ids, false);
    expect((await changed).results.some((r) => r.source.name === 'family')).toBe(false);
    expect(agent.settings().disabledChecks).toEqual(ids);
    expect((await agent.scanNow('manual')).results.some((r) => r.source.name === 'family')).toBe(false);
    agent.setChecksEnabled(ids, true);
    expect(family(await agent.scanNow('manual'))['GPG keys are configured (Manual)']).toEqual(['manual', '']);
  });

  it('a laptop whose only open items are checks by hand is all good', async () => {
    const { agent, dataDir } = makeAgent({ settingsText: JSON.stringify({ disabledChecks: builtinChecks().map((c) => c.id) }) });
    importSet(dataDir);
    const ids = agent.checks().filter((check) => check.source.set === 'family' && !check.title.includes('Manual')).map((check) => check.id);
    agent.setChecksEnabled(ids, false);
    const scanned = nextEvent(agent, 'scan-finished');
    await agent.start();
    expect((await scanned).results.map((r) => r.status)).toEqual(['manual']);
    expect(agent.status().overall).toBe('ok');
  });
});
