import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, type AgentEvents } from '../../src/core/agent.js';
import { openConfSettings } from '../../src/core/settings/conf-settings.js';
import { startNtfyServer, startWebhookServer } from '../helpers/alert-servers.js';
import { copyDemoLaptop, FAST_TIMINGS, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir, type Laptop } from '../helpers/standin.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

/** The agent on the stand-in's demo laptop, its first scan done, alerting nowhere yet. */
async function scannedAgent() {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const { fixture, edit } = copyDemoLaptop(dir);
  const agent = new Agent({
    dataDir,
    settings: openConfSettings(dataDir).store,
    osquerydPath: STANDIN_OSQUERYD,
    env: standinEnv({ STANDIN_FIXTURE: fixture }),
    platform: 'linux',
    timings: FAST_TIMINGS,
    alertDelivery: { stopGraceMs: 200, delivery: { maxAttempts: 1 } },
  });
  cleanups.push(() => agent.stop());
  const warnings: string[] = [];
  agent.on('warning', ({ message }) => warnings.push(message));
  const firstScan = new Promise<AgentEvents['scan-finished']>((resolve) => {
    const off = agent.on('scan-finished', (report) => {
      off();
      resolve(report);
    });
  });
  await agent.start();
  await firstScan;
  return { agent, edit, warnings, dataDir };
}

/** python3 starts listening on every interface: one new counted finding for the next scan. */
const newListener = (laptop: Laptop) => {
  laptop.tables.processes!.push({ pid: 5151, name: 'python3', path: '/usr/bin/python3', uid: 1000 });
  laptop.tables.process_open_sockets!.push({ pid: 5151, socket: 30001, family: 2, protocol: 6, local_address: '0.0.0.0', local_port: 8080, remote_port: 0, state: 'LISTEN' });
};

describe('alerts from the agent on the stand-in', () => {
  it('a sink that hangs neither delays nor fails a scan: the scan finishes while its request is still open', async () => {
    const { agent, edit, warnings } = await scannedAgent();
    const hanging = await startWebhookServer({ answer: () => 'hang' });
    cleanups.push(hanging.stop);
    const ntfy = await startNtfyServer();
    cleanups.push(ntfy.stop);
    await agent.addAlertSink({ kind: 'webhook', url: `${hanging.url}/hook` });
    await agent.addAlertSink({ kind: 'ntfy', url: `${ntfy.url}/laptop` });

    edit(newListener);
    const report = await agent.scanNow('manual');
    expect(report.changes.new.map((f) => f.title)).toEqual(['python3 listens on tcp port 8080 (all interfaces)']);
    await expect.poll(() => hanging.open()).toBe(1);
    await expect.poll(() => ntfy.messages.length).toBe(1);

    // The next scan runs and finishes while the hanging request is still open.
    edit((laptop) => laptop.tables.suid_bin!.push({ path: '/tmp/.hidden/rootshell', username: 'root', groupname: 'root', permissions: 'S' }));
    const second = await agent.scanNow('manual');
    expect(hanging.open()).toBe(1);
    expect(second.changes.new.map((f) => f.title)).toEqual(['/tmp/.hidden/rootshell runs as root']);
    await expect.poll(() => ntfy.messages.map((m) => m.title)).toEqual(['New service open to the network', 'New finding']);
    const webhook = agent.alertSinks().find((sink) => sink.kind === 'webhook')!;
    expect(webhook).toMatchObject({ queued: 2, lastDelivery: null });
    expect(hanging.requests).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it("a sink that fails leaves the scan alone; its last delivery and one warning say why", async () => {
    const { agent, edit, warnings } = await scannedAgent();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await agent.addAlertSink({ kind: 'webhook', url: `http://127.0.0.1:${port}/hook` });

    edit(newListener);
    const report = await agent.scanNow('manual');
    expect(report.results.find((r) => r.checkId === 'listening-ports')?.status).toBe('fail');
    await expect.poll(() => agent.alertSinks()[0]?.lastDelivery).toMatchObject({
      ok: false,
      message: `could not reach 127.0.0.1:${port}: ECONNREFUSED (gave up after 1 attempt)`,
    });
    expect(warnings).toEqual([`Alerts to http://127.0.0.1:${port}/hook are not getting through: could not reach 127.0.0.1:${port}: ECONNREFUSED (gave up after 1 attempt)`]);
    expect(agent.status().warnings).toContain(warnings[0]);
  });
});
