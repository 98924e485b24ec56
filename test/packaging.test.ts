import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_ID } from '../src/main/app-id.js';
import { removeTempDirs, REPO_ROOT, tempDir } from './helpers/standin.js';

const require = createRequire(import.meta.url);
/** electron-builder's own validation, against its own scheme.json. */
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};
type IconFormat = 'icns' | 'ico' | 'set';
interface IconInfo {
  file: string;
  size: number;
}
/** electron-builder's own icon lookup: what MacPackager (icns) and WinPackager (ico) run for the app icon. */
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { getOrConvertIcon(format: IconFormat): Promise<string | null>; resolveIcon: unknown } };
};
/** …and what LinuxTargetHelper runs for the desktop icons of AppImage, deb and rpm. */
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
  LinuxTargetHelper: { prototype: { computeDesktopIcons(): Promise<IconInfo[]> } };
};

interface SignOptions {
  ignore(file: string): boolean;
  binaries: string[] | undefined;
}
/** electron-builder's options for @electron/osx-sign (MacPackager.sign passes them to signAsync)… */
const { MacTargetHelper } = require('app-builder-lib/out/mac/MacTargetHelper.js') as {
  MacTargetHelper: new (packager: unknown) => {
    buildSignOptions(app: string, identity: unknown, type: string, isMas: boolean, config: unknown): Promise<SignOptions>;
  };
};
/** electron-builder turns electronFuses into @electron/fuses' config (PlatformPackager, before signing)… */
const { generateFuseConfig } = PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> };
/** …which flips them in the Electron binary. */
const fuses = require('@electron/fuses') as {
  FuseV1Options: Record<string, number>;
  flipFuses(binary: string, config: Record<string, unknown>): Promise<number>;
  getCurrentFuseWire(binary: string): Promise<Record<number, number>>;
};
/** The marker @electron/fuses looks for in the binary. */
const { SENTINEL } = require('@electron/fuses/dist/constants.js') as { SENTINEL: string };
/** …and how osx-sign finds what to sign: every binary file and every .app or .framework under Contents. */
const { walkAsync } = require('@electron/osx-sign/dist/cjs/util.js') as { walkAsync(dir: string): Promise<string[]> };

const debug = { isEnabled: false, add: () => undefined };
const config = parse(readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const platformConfig = (name: 'mac' | 'win' | 'linux') => config[name] as Record<string, unknown>;

afterEach(removeTempDirs);

/**
 * The part of a platform packager that electron-builder's icon code reads, around its own methods.
 * Conversions (a PNG into icns/ico) would need its icons toolset, downloaded at build time: the
 * files given here need none, so the whole lookup runs as it does in a build.
 */
function packager(platformOptions: Record<string, unknown>) {
  const output = tempDir();
  const directories = config.directories as { buildResources: string };
  return {
    platformSpecificBuildOptions: platformOptions,
    config,
    projectDir: REPO_ROOT,
    buildResourcesDir: path.join(REPO_ROOT, directories.buildResources),
    info: { framework: { name: 'electron' } },
    expandMacro: () => output,
    getDefaultFrameworkIcon: () => null,
    resolveIcon: PlatformPackager.prototype.resolveIcon,
    getOrConvertIcon: PlatformPackager.prototype.getOrConvertIcon,
  };
}

/** Each element of an ICNS file: its type and the PNG's width and height. */
function icnsElements(file: string): { type: string; width: number; height: number }[] {
  const data = readFileSync(file);
  expect(data.toString('ascii', 0, 4)).toBe('icns');
  expect(data.readUInt32BE(4)).toBe(data.length);
  const elements = [];
  for (let offset = 8; offset < data.length; offset += data.readUInt32BE(offset + 4)) {
    const body = data.subarray(offset + 8, offset + data.readUInt32BE(offset + 4));
    expect(body.subarray(1, 4).toString('ascii')).toBe('PNG');
    elements.push({ type: data.toString('ascii', offset, offset + 4), width: body.readUInt32BE(16), height: body.readUInt32BE(20) });
  }
  return elements;
}

/** Each image of an ICO file: its size and how it is stored. */
function icoImages(file: string): { size: number; format: string }[] {
  const data = readFileSync(file);
  return Array.from({ length: data.readUInt16LE(4) }, (_, index) => {
    const entry = 6 + index * 16;
    const image = data.subarray(data.readUInt32LE(entry + 12));
    const size = data[entry] || 256;
    if (image.subarray(1, 4).toString('ascii') === 'PNG') return { size: image.readUInt32BE(16), format: 'png' };
    // A BMP image in an ICO: BITMAPINFOHEADER with the height doubled (pixels, then the AND mask).
    expect([image.readUInt32LE(0), image.readInt32LE(4), image.readInt32LE(8), image.readUInt16LE(14)]).toEqual([40, size, size * 2, 32]);
    return { size, format: 'bmp' };
  });
}

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
    const mac = platformConfig('mac');
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.extendInfo).toEqual({ LSUIElement: true });
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb', 'rpm']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/src/main/main.js');
  });
});

/**
 * An Electron binary as @electron/fuses sees it: code, then the sentinel, the wire's version and
 * length, and one byte per fuse ('0' off, '1' on) at Electron's defaults.
 */
function electronBinaryWithDefaultFuses(): string {
  const file = path.join(tempDir(), 'Porchlight');
  const wire = Buffer.from('10110001', 'ascii');
  writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, wire.length]), wire, Buffer.alloc(64)]));
  return file;
}

describe("Electron's fuses, through electron-builder's fuse config and @electron/fuses", () => {
  async function flipped(electronFuses: unknown): Promise<Record<string, 'on' | 'off'>> {
    const binary = electronBinaryWithDefaultFuses();
    if (electronFuses) await fuses.flipFuses(binary, await generateFuseConfig(electronFuses));
    const wire = await fuses.getCurrentFuseWire(binary);
    return Object.fromEntries(
      Object.entries(fuses.FuseV1Options)
        .filter(([name]) => Number.isNaN(Number(name)))
        .map(([name, index]) => [name, wire[index] === '1'.charCodeAt(0) ? 'on' : 'off']),
    );
  }

  it('leave the packaged app no way to run as Node, take NODE_OPTIONS or --inspect, or load code from outside its checked app.asar', async () => {
    expect(await flipped(config.electronFuses)).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
      GrantFileProtocolExtraPrivileges: 'off',
    });
    // Only-from-asar needs an asar: it is electron-builder's default, and nothing here turns it off.
    expect(config.asar).toBeUndefined();
  });

  it('is checked for real: without electronFuses the binary keeps all of that on', async () => {
    expect(await flipped(undefined)).toMatchObject({ RunAsNode: 'on', EnableNodeOptionsEnvironmentVariable: 'on', OnlyLoadAppFromAsar: 'off' });
  });
});

describe("the app icon, through electron-builder's own icon code", () => {
  it('macOS (dmg, zip): an .icns from 16×16 to 1024×1024', async () => {
    const icon = await packager(platformConfig('mac')).getOrConvertIcon('icns');
    expect(icon).toBe(path.join(REPO_ROOT, 'assets', 'app', 'icon.icns'));
    expect(icnsElements(icon!).map(({ type, width, height }) => `${type} ${width}x${height}`)).toEqual([
      'icp4 16x16',
      'icp5 32x32',
      'ic11 32x32',
      'ic12 64x64',
      'ic07 128x128',
      'ic13 256x256',
      'ic08 256x256',
      'ic14 512x512',
      'ic09 512x512',
      'ic10 1024x1024',
    ]);
  });

  it('is checked for real: a PNG under 512×512 for macOS fails as it did with the old 256×256 icon', async () => {
    const small = packager({ icon: 'assets/app/icons/256x256.png' });
    await expect(small.getOrConvertIcon('icns')).rejects.toMatchObject({ code: 'ERR_ICON_TOO_SMALL' });
  });

  it('Windows (nsis, the exe): an .ico up to 256×256 that passes its size check', async () => {
    const icon = await packager(platformConfig('win')).getOrConvertIcon('ico');
    expect(icon).toBe(path.join(REPO_ROOT, 'assets', 'app', 'icon.ico'));
    expect(icoImages(icon!)).toEqual([
      ...[16, 24, 32, 48, 64, 128].map((size) => ({ size, format: 'bmp' })),
      { size: 256, format: 'png' },
    ]);
  });

  it('Linux (AppImage, deb, rpm): one PNG per freedesktop size', async () => {
    const icons = await LinuxTargetHelper.prototype.computeDesktopIcons.call({ packager: packager(platformConfig('linux')) });
    expect(icons.map(({ file, size }) => [path.relative(REPO_ROOT, file), size])).toEqual(
      [16, 24, 32, 48, 64, 128, 256, 512].map((size) => [path.join('assets', 'app', 'icons', `${size}x${size}.png`), size]),
    );
  });

  it('has its 1024×1024 source beside them', () => {
    const png = readFileSync(path.join(REPO_ROOT, 'assets', 'app', 'icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });
});

/** Porchlight.app as electron-builder lays it out, a placeholder Mach-O for each binary, osquery.app as osquery ships it. */
function layOutMacApp(): string {
  const app = path.join(tempDir(), 'Porchlight.app');
  const machO = Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(60)]);
  const files: [string, Buffer | string][] = [
    ['Contents/Info.plist', '<?xml version="1.0"?><plist><dict/></plist>'],
    ['Contents/MacOS/Porchlight', machO],
    ['Contents/Frameworks/Electron Framework.framework/Versions/A/Electron Framework', machO],
    ['Contents/Frameworks/Porchlight Helper.app/Contents/MacOS/Porchlight Helper', machO],
    ['Contents/Resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node', machO],
    ['Contents/Resources/osquery/osquery.app/Contents/Info.plist', '<?xml version="1.0"?><plist><dict/></plist>'],
    ['Contents/Resources/osquery/osquery.app/Contents/MacOS/osqueryd', machO],
    ['Contents/Resources/osquery/osquery.app/Contents/embedded.provisionprofile', machO],
    ['Contents/Resources/osquery/osquery.app/Contents/_CodeSignature/CodeResources', '<?xml version="1.0"?><plist><dict/></plist>'],
  ];
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
    writeFileSync(path.join(app, file), content);
  }
  return app;
}

describe('macOS signing, through electron-builder\'s sign options and osx-sign\'s own walk', () => {
  it("re-signs Porchlight's code and leaves osquery.app with osquery's signature and entitlements", async () => {
    const app = layOutMacApp();
    const mac = platformConfig('mac');
    const helper = new MacTargetHelper({
      expandArch: (pattern: string) => [pattern],
      resourceList: Promise.resolve([]),
      info: { buildResourcesDir: path.join(REPO_ROOT, 'assets') },
      platformSpecificBuildOptions: mac,
      config,
    });
    const options = await helper.buildSignOptions(app, { name: 'Developer ID Application: Porchlight', hash: 'ABC' }, 'distribution', false, mac);
    expect(options.binaries).toBeUndefined();
    const signed = [...(await walkAsync(path.join(app, 'Contents'))), app]
      .filter((file) => !options.ignore(file))
      .map((file) => path.relative(app, file) || '.')
      .sort();
    expect(signed).toEqual([
      '.',
      'Contents/Frameworks/Electron Framework.framework',
      'Contents/Frameworks/Electron Framework.framework/Versions/A/Electron Framework',
      'Contents/Frameworks/Porchlight Helper.app',
      'Contents/Frameworks/Porchlight Helper.app/Contents/MacOS/Porchlight Helper',
      'Contents/MacOS/Porchlight',
      'Contents/Resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    ]);
  });
});
