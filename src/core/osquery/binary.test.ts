import { describe, expect, it } from 'vitest';
import { augeasLenses, OsquerydNotFoundError, OsquerydPathError, resolveOsqueryd } from './binary.js';

const only = (...present: string[]) => (file: string) => present.includes(file);

describe('resolveOsqueryd', () => {
  const base = { env: {}, checkoutRoot: '/src/porchlight', platform: 'linux' as const, arch: 'x64' };

  it('prefers --osqueryd, then PORCHLIGHT_OSQUERYD', () => {
    const isExecutable = only('/a/osqueryd', '/b/osqueryd', '/opt/osquery/bin/osqueryd');
    expect(resolveOsqueryd({ ...base, explicitPath: '/a/osqueryd', env: { PORCHLIGHT_OSQUERYD: '/b/osqueryd' }, isExecutable }))
      .toEqual({ path: '/a/osqueryd', source: 'flag' });
    expect(resolveOsqueryd({ ...base, env: { PORCHLIGHT_OSQUERYD: '/b/osqueryd' }, isExecutable }))
      .toEqual({ path: '/b/osqueryd', source: 'env' });
  });

  it('refuses a named path that is not executable instead of falling through', () => {
    expect(() => resolveOsqueryd({ ...base, explicitPath: '/missing', isExecutable: only('/opt/osquery/bin/osqueryd') }))
      .toThrow(OsquerydPathError);
  });

  it('uses the bundled binary, then the vendored one, then a system install', () => {
    const bundled = '/app/resources/osquery/osqueryd';
    const vendored = '/src/porchlight/vendor/osquery/linux-x64/osqueryd';
    const system = '/opt/osquery/bin/osqueryd';
    expect(resolveOsqueryd({ ...base, resourcesPath: '/app/resources', isExecutable: only(bundled, vendored, system) }).source).toBe('bundled');
    expect(resolveOsqueryd({ ...base, isExecutable: only(vendored, system) })).toEqual({ path: vendored, source: 'vendor' });
    expect(resolveOsqueryd({ ...base, isExecutable: only(system) })).toEqual({ path: system, source: 'system' });
  });

  it("uses electron-builder's os names and the app bundle layout on macOS", () => {
    const vendored = '/src/porchlight/vendor/osquery/mac-arm64/osquery.app/Contents/MacOS/osqueryd';
    expect(resolveOsqueryd({ ...base, platform: 'darwin', arch: 'arm64', isExecutable: only(vendored) }).path).toBe(vendored);
  });

  it('lists where it looked and what to do when nothing is found', () => {
    try {
      resolveOsqueryd({ ...base, isExecutable: () => false });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OsquerydNotFoundError);
      expect((error as Error).message).toContain('/opt/osquery/bin/osqueryd');
      expect((error as Error).message).toContain('npm run fetch-osquery');
    }
  });
});

describe('augeasLenses', () => {
  it('points osqueryd at the lenses that ship beside Porchlight’s own osqueryd, and leaves others to osquery’s default', () => {
    const vendored = { path: '/app/vendor/osquery/linux-x64/osqueryd', source: 'vendor' } as const;
    const present = (folder: string) => folder === '/app/vendor/osquery/linux-x64/lenses';
    expect(augeasLenses(vendored, present)).toBe('/app/vendor/osquery/linux-x64/lenses');
    expect(augeasLenses(vendored, () => false)).toBeUndefined();
    expect(augeasLenses({ path: '/opt/osquery/bin/osqueryd', source: 'system' }, () => true)).toBeUndefined();
  });
});
