/**
 * Stands in for the `electron` module when the built tray app (dist/src/main/main.js) runs in
 * plain Node (see register.ts). It drives the app the way a person would and says what it sees as
 * JSON lines on stdout: once the first scan shows in the tray, {"event":"tray",...}; then, with
 * FAKE_ELECTRON_PLAN=quit, it clicks "Quit Porchlight" (with =wait it waits for a signal); when
 * the app quits, {"event":"quit"} and the process exits as Electron's would.
 */
import { createFakeElectron } from './fake-electron.js';

const say = (event: string, detail: object = {}) => process.stdout.write(`${JSON.stringify({ event, ...detail })}\n`);

const fake = createFakeElectron({
  // Unpackaged, the app finds its files from its own location, not from this.
  appPath: process.cwd(),
  onQuit: () => {
    say('quit');
    // Electron ends the process once the app has quit.
    setImmediate(() => process.exit(0));
  },
});

const watch = setInterval(() => {
  const tray = fake.trays.at(-1);
  if (!tray || tray.isDestroyed() || !tray.menu.some((item) => item.label?.startsWith('Last scan'))) return;
  clearInterval(watch);
  const state = (globalThis as { porchlightTray?: () => { osquery: { pid?: number } } }).porchlightTray?.();
  say('tray', {
    tooltip: tray.tooltip,
    labels: tray.menu.map((item) => item.label ?? ''),
    osqueryPid: state?.osquery.pid,
    privilegedSchemes: fake.log.filter((line) => line.startsWith('privileged schemes')),
  });
  if (process.env.FAKE_ELECTRON_PLAN === 'quit') fake.clickMenu('Quit Porchlight');
}, 20);

export const { app, BrowserWindow, ipcMain, Menu, nativeImage, net, Notification, powerMonitor, protocol, safeStorage, session, shell, Tray } = fake.electron;
export default fake.electron;
