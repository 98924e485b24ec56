import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { APP_ID } from '../src/main/app-id.js';
import { REPO_ROOT } from './helpers/standin.js';

const require = createRequire(import.meta.url);
/** electron-builder's own validation, against its own scheme.json. */
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};
const debug = { isEnabled: false, add: () => undefined };
const config = parse(readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    await expect(validateConfiguration(config, debug)).resolves.toBeUndefined();
  });

  it('is checked for real: a misspelt option fails the same validation', async () => {
    await expect(validateConfiguration({ ...config, extraResourcez: [] }, debug)).rejects.toThrow(/extraResourcez/);
  });

  it('packages what the app needs and keeps the native and bundled binaries usable', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe('Porchlight');
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*');
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'vendor/osquery/${os}-${arch}', to: 'osquery' })]);
    const mac = config.mac as Record<string, unknown>;
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.extendInfo).toEqual({ LSUIElement: true });
    expect(mac.binaries).toEqual(['Contents/Resources/osquery/osquery.app/Contents/MacOS/osqueryd']);
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb', 'rpm']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/src/main/main.js');
  });
});
