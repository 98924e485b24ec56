import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Porchlight } from '../../src/app/porchlight.js';
import { openConfSettings } from '../../src/core/settings/conf-settings.js';
import { TrayApp } from '../../src/main/tray-app.js';
import { makeCa } from '../fleet/certificates.js';
import { FleetTestServer } from '../fleet/fleet-server.js';
import { copyDemoLaptop, FAST_TIMINGS, REPO_ROOT, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';
import { createFakeElectron, fakeElectronPort } from './fake-electron.js';

const apps: TrayApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
  removeTempDirs();
});

function trayApp(options: { showWindowAtStart?: boolean } = {}) {
  const dir = tempDir();
  const laptop = copyDemoLaptop(dir);
  let quit = false;
  const fake = createFakeElectron({ appPath: REPO_ROOT, onQuit: () => (quit = true) });
  const porchlight = new Porchlight({
    dataDir: path.join(dir, 'data'),
    openSettings: openConfSettings,
    osquerydPath: STANDIN_OSQUERYD,
    env: standinEnv({ STANDIN_FIXTURE: laptop.fixture, STANDIN_PLATFORM: 'linux' }),
    timings: FAST_TIMINGS,
  });
  const app = new TrayApp(fakeElectronPort(fake), porchlight, {
    rendererDir: path.join(REPO_ROOT, 'dist', 'renderer'),
    preload: path.join(REPO_ROOT, 'dist', 'preload', 'preload.cjs'),
    assetsDir: path.join(REPO_ROOT, 'assets'),
    showWindowAtStart: options.showWindowAtStart ?? false,
    platform: 'linux',
    rescanDebounceMs: 50,
    onlinePollMs: 20,
  });
  apps.push(app);
  const tray = () => fake.trays.at(-1)!;
  const labels = () => tray().menu.map((item) => item.label ?? '');
  return { app, fake, porchlight, laptop, tray, labels, quit: () => quit };
}

describe('the tray app, on a fake Electron and the stand-in osqueryd', () => {
  it('shows itself checking, then a line per check, and notifies about what needs attention', async () => {
    const { app, fake, tray, labels } = trayApp();
    const start = app.start();
    expect(tray().tooltip).toBe('Porchlight — osquery is not running');
    await start;
    await expect.poll(() => labels()).toContain('✗ Services open to the network — 5 findings need attention');
    expect(tray().tooltip).toBe('Porchlight — Needs attention');
    expect(tray().image).toBe(path.join(REPO_ROOT, 'assets', 'tray', 'failing.png'));
    expect(labels()).toContain('✓ Disk encryption');
    expect(labels()).toContain('Needs attention (13)');

    // The first scan's new findings come as one summary rather than a burst.
    await expect.poll(() => fake.notifications.filter((n) => n.shown).map((n) => n.options.title)).toEqual(['13 things need your attention']);
    fake.notifications[0]!.click();
    expect(fake.windows).toHaveLength(1);
    await expect.poll(() => fake.windows[0]!.loaded?.url).toBe('app://porchlight/index.html#/');
  });

  it('serves its window from app://porchlight/ (the built page, nothing beside it) and grants the page no permission', async () => {
    const { app, fake } = trayApp({ showWindowAtStart: true });
    await app.start();
    await expect.poll(() => fake.windows[0]?.loaded?.status).toBe(200);
    const page = fake.windows[0]!.loaded!;
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<div id="root"></div>');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    const served = await fake.fetchScheme(`app://porchlight/${script}`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await fake.fetchScheme('app://porchlight/..%2f..%2fpackage.json')).status).toBe(404);

    expect(fake.windows[0]!.tryToLeave('will-navigate', 'app://porchlight/index.html#/settings')).toBe(true);
    for (const how of ['will-navigate', 'will-redirect', 'will-frame-navigate'] as const) {
      expect(fake.windows[0]!.tryToLeave(how, 'https://evil.example/')).toBe(false);
    }
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(await fake.requestPermission(permission)).toBe(false);
      expect(fake.checkPermission(permission)).toBe(false);
    }
  });

  it('opens the check a notification is about, in the window already open', async () => {
    const { app, fake, porchlight, laptop } = trayApp({ showWindowAtStart: true });
    await app.start();
    await expect.poll(() => porchlight.agent.lastReport()).toBeDefined();
    laptop.edit((l) => {
      l.tables.processes!.push({ pid: 5151, name: 'python3', path: '/usr/bin/python3', uid: 1000 });
      l.tables.process_open_sockets!.push({ pid: 5151, socket: 31001, family: 2, protocol: 6, local_address: '0.0.0.0', local_port: 8080, remote_port: 0, state: 'LISTEN' });
    });
    await porchlight.agent.scanNow('test');
    const notification = fake.notifications.find((n) => n.options.title === 'New service open to the network')!;
    expect(notification.options.body).toBe('python3 listens on tcp port 8080 (all interfaces): reachable from other machines on the network');
    notification.click();
    expect(fake.windows).toHaveLength(1);
    expect(fake.log).toContain('window runs location.hash = "#/check/listening-ports"');
  });

  it('shows a program name that carries markup as text in a Linux notification', async () => {
    const { app, fake, porchlight, laptop } = trayApp();
    await app.start();
    await expect.poll(() => porchlight.agent.lastReport()).toBeDefined();
    laptop.edit((l) => {
      l.tables.processes!.push({ pid: 5252, name: '<a href="https://x.example">update</a>', path: '/tmp/u', uid: 1000 });
      l.tables.process_open_sockets!.push({ pid: 5252, socket: 31002, family: 2, protocol: 6, local_address: '0.0.0.0', local_port: 8081, remote_port: 0, state: 'LISTEN' });
    });
    await porchlight.agent.scanNow('test');
    const notification = fake.notifications.find((n) => n.options.title === 'New service open to the network')!;
    expect(notification.options.body).toMatch(/^&lt;a href="https:\/\/x\.example"&gt;update&lt;\/a&gt; listens on tcp port 8081/);
  });

  it('scans once, a little after waking up or unlocking, however many times that happens', async () => {
    const { app, fake, porchlight } = trayApp();
    await app.start();
    await expect.poll(() => porchlight.agent.lastReport()).toBeDefined();
    const triggers: string[] = [];
    porchlight.agent.on('scan-started', ({ trigger }) => triggers.push(trigger));
    fake.emitPower('resume');
    fake.emitPower('unlock-screen');
    fake.emitPower('resume');
    await expect.poll(() => triggers).toEqual(['resume']);
    await expect.poll(() => porchlight.agent.status().scanning).toBe(false);
    fake.setOnline(false);
    await expect.poll(() => triggers).toEqual(['resume', 'resume']);
  });

  it('says in one line whether Fleet has this laptop, as soon as that changes: none while local only, connected, not reachable', { timeout: 60_000 }, async () => {
    const ca = makeCa('Family Fleet CA');
    const server = await FleetTestServer.start({ ca, secret: 'tray-fleet-secret' });
    try {
      const { app, porchlight, labels } = trayApp();
      await app.start();
      await expect.poll(() => porchlight.agent.lastReport()).toBeDefined();
      expect(labels().filter((label) => label.startsWith('Fleet'))).toEqual([]);

      await porchlight.api.enrollFleet({ url: server.url, secret: 'tray-fleet-secret', ca: ca.certPem, consent: true });
      await expect.poll(() => labels(), { timeout: 20_000 }).toContain(`Fleet: connected to ${server.hostname}`);

      await server.stop();
      await porchlight.api.getFleetStatus({});
      await expect.poll(() => labels().find((label) => label.startsWith('Fleet')), { timeout: 20_000 }).toMatch(/^Fleet: not reachable since /);
    } finally {
      await server.stop();
    }
  });

  it('quits from its menu: the tray goes, nothing draws on it again, osqueryd stops', async () => {
    const { app, fake, porchlight, tray, quit } = trayApp();
    await app.start();
    await expect.poll(() => porchlight.agent.lastReport()).toBeDefined();
    const errors: unknown[] = [];
    process.on('warning', (warning) => errors.push(warning));
    fake.clickMenu('Quit Porchlight');
    await expect.poll(() => quit()).toBe(true);
    expect(tray().isDestroyed()).toBe(true);
    expect(porchlight.agent.osqueryStatus().state).toBe('stopped');
    // Redrawing a destroyed tray would have thrown in a listener ("Object has been destroyed").
    expect(errors).toEqual([]);
    expect(fake.log.filter((line) => line === 'tray destroyed')).toHaveLength(1);
  });
});
