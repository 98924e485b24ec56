import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, type AgentEvents } from '../../src/core/agent.js';
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
    expect(again.changes).toEqual({ new: [], resolved: [] });
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
