import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers/standin.js';
import { appFileHandler, isAppPage } from './app-protocol.js';

afterEach(removeTempDirs);

function renderer() {
  const dir = tempDir();
  const root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<div id="root"></div>');
  writeFileSync(path.join(root, 'assets', 'index.js'), 'export {}');
  writeFileSync(path.join(dir, 'secret.txt'), 'private');
  const handler = appFileHandler(root);
  const get = (url: string, init?: RequestInit) => handler(new Request(url, init));
  return { get };
}

describe('app://porchlight/, the window’s own scheme', () => {
  it('serves the built page and its scripts with their types, and nosniff', async () => {
    const { get } = renderer();
    for (const url of ['app://porchlight/', 'app://porchlight/index.html']) {
      const page = await get(url);
      expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([200, 'text/html; charset=utf-8', '<div id="root"></div>']);
    }
    const script = await get('app://porchlight/assets/index.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves nothing outside the renderer folder, however the path is written', async () => {
    const { get } = renderer();
    for (const url of [
      'app://porchlight/..%2fsecret.txt',
      'app://porchlight/assets/..%2f..%2fsecret.txt',
      'app://porchlight/%2e%2e/secret.txt',
      'app://porchlight/..%5csecret.txt',
      'app://porchlight/index.html%00.png',
      'app://porchlight/assets',
      'app://porchlight/missing.js',
      'app://elsewhere/index.html',
    ]) {
      const answer = await get(url);
      expect(answer.status, url).toBe(404);
      expect(await answer.text()).not.toContain('private');
    }
    expect((await get('app://porchlight/%E0%A4%A')).status).toBe(400);
  });

  it('is read-only', async () => {
    const { get } = renderer();
    expect((await get('app://porchlight/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await get('app://porchlight/index.html', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });
});

describe('isAppPage', () => {
  it('trusts our page on any route, and nothing that only looks like it', () => {
    expect(isAppPage('app://porchlight/index.html')).toBe(true);
    expect(isAppPage('app://porchlight/index.html#/check/firewall')).toBe(true);
    for (const url of [
      'app://evil/index.html',
      'app://porchlight.evil.example/index.html',
      'app://user:pass@porchlight/index.html',
      'app://porchlight:8080/index.html',
      'app://porchlight/other.html',
      'https://porchlight/index.html',
      'file:///opt/Porchlight/resources/app.asar/dist/renderer/index.html',
      'file://evil-host/opt/Porchlight/resources/app.asar/dist/renderer/index.html',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
    ]) {
      expect(isAppPage(url), url).toBe(false);
    }
  });
});
