import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Porchlight } from '../../src/app/porchlight.js';
import { openConfSettings } from '../../src/core/settings/conf-settings.js';
import { copyDemoLaptop, FAST_TIMINGS, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

async function listening(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Porchlight as the tray app composes it: no --metrics-port, so the metricsPort setting decides. */
async function withMetricsSetting(metricsPort: number) {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  openConfSettings(dataDir).store.update({ metricsPort });
  const porchlight = new Porchlight({
    dataDir,
    openSettings: openConfSettings,
    osquerydPath: STANDIN_OSQUERYD,
    env: standinEnv({ STANDIN_FIXTURE: copyDemoLaptop(dir).fixture, STANDIN_PLATFORM: 'linux' }),
    timings: FAST_TIMINGS,
  });
  cleanups.push(() => porchlight.stop());
  await porchlight.start();
  return porchlight;
}

describe('the metricsPort setting (how the tray app serves metrics)', () => {
  it('serves /metrics on the port it names', async () => {
    const free = await listening();
    await free.close();
    const porchlight = await withMetricsSetting(free.port);
    expect(porchlight.metricsUrl()).toBe(`http://127.0.0.1:${free.port}/metrics`);
    await expect.poll(async () => (await fetch(porchlight.metricsUrl()!)).text()).toContain('porchlight_osqueryd_up 1');
  });

  it('warns, and runs on, when another program holds that port', async () => {
    const holder = await listening();
    cleanups.push(holder.close);
    const porchlight = await withMetricsSetting(holder.port);
    expect(porchlight.metricsUrl()).toBeUndefined();
    expect(porchlight.agent.status().warnings).toContain(
      `Metrics are not served: the metrics port ${holder.port} on 127.0.0.1 is taken by another program; choose another`,
    );
    expect(porchlight.agent.status().osquery.state).toBe('running');
  });
});
