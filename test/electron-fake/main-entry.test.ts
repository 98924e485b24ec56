import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/core/osquery/process-control.js';
import { copyDemoLaptop, REPO_ROOT, removeTempDirs, STANDIN_OSQUERYD, standinEnv, tempDir } from '../helpers/standin.js';

afterEach(removeTempDirs);

interface Line {
  event: string;
  tooltip?: string;
  labels?: string[];
  osqueryPid?: number;
  privilegedSchemes?: string[];
}

/** The built tray app (dist/src/main/main.js) in plain Node, with `electron` replaced by the fake. */
function runTrayApp(plan: 'quit' | 'wait') {
  const dir = tempDir();
  const { fixture } = copyDemoLaptop(dir);
  const child = spawn(
    process.execPath,
    ['--import', path.join(REPO_ROOT, 'dist', 'test', 'electron-fake', 'register.js'), path.join(REPO_ROOT, 'dist', 'src', 'main', 'main.js'), '--data-dir', path.join(dir, 'data'), '--osqueryd', STANDIN_OSQUERYD, '--hidden'],
    { env: standinEnv({ STANDIN_FIXTURE: fixture, STANDIN_PLATFORM: 'linux', FAKE_ELECTRON_PLAN: plan }), cwd: REPO_ROOT },
  );
  const lines: Line[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

describe('the tray app’s real entry file, on a fake Electron', () => {
  it('starts, shows the first scan in the tray, and quits from its menu with osqueryd stopped and no error', async () => {
    const app = runTrayApp('quit');
    expect(await app.exited).toBe(0);
    const tray = app.lines.find((line) => line.event === 'tray')!;
    expect(tray.tooltip).toBe('Porchlight — Needs attention');
    expect(tray.labels).toContain('✗ Services open to the network — 5 findings need attention');
    // Electron accepts it only before the app is ready; after, the window's scheme would have no origin.
    expect(tray.privilegedSchemes).toEqual(['privileged schemes app']);
    expect(app.lines.at(-1)?.event).toBe('quit');
    expect(app.stderr()).not.toMatch(/Object has been destroyed|Error/);
    expect(processAlive(tray.osqueryPid!)).toBe(false);
  });

  it('quits cleanly on SIGTERM, as a session logout sends it, and stops osqueryd', async () => {
    const app = runTrayApp('wait');
    await expect.poll(() => app.lines.some((line) => line.event === 'tray'), { timeout: 20_000 }).toBe(true);
    const { osqueryPid } = app.lines.find((line) => line.event === 'tray')!;
    expect(processAlive(osqueryPid!)).toBe(true);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.lines.at(-1)?.event).toBe('quit');
    expect(processAlive(osqueryPid!)).toBe(false);
  });
});
