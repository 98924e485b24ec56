import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { create } from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers/standin.js';
import { artifactFor, fetchOsquery, FetchOsqueryError, type ReleaseManifest, type RunProgram } from './osquery-release.js';

const PACKAGE = 'osquery-5.23.1_1.linux_x86_64.tar.gz';
const MSI = 'osquery-5.23.1.msi';
const msi = Buffer.from('an msi package, unpacked here by the msiexec stand-in below');
let archive: Buffer;
let served: { mode: 'good' | 'corrupt' | 'truncated' } = { mode: 'good' };
let requests = 0;
let server: http.Server;
let baseUrl: string;

/** A release-shaped tarball: osqueryd in opt/osquery/bin among other files. */
async function makeArchive(): Promise<Buffer> {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'opt', 'osquery', 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'opt', 'osquery', 'share'), { recursive: true });
  writeFileSync(path.join(dir, 'opt', 'osquery', 'bin', 'osqueryd'), '#!/bin/sh\necho osqueryd version 5.23.1\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'opt', 'osquery', 'share', 'README'), 'docs');
  mkdirSync(path.join(dir, 'opt', 'osquery', 'share', 'osquery', 'lenses'), { recursive: true });
  writeFileSync(path.join(dir, 'opt', 'osquery', 'share', 'osquery', 'lenses', 'aptconf.aug'), 'module AptConf =\n');
  const file = path.join(dir, PACKAGE);
  await create({ gzip: true, cwd: dir, file }, ['opt']);
  return readFileSync(file);
}

function manifestFor(bytes: Buffer): ReleaseManifest {
  return {
    version: '5.23.1',
    url: 'https://pkg.example.invalid',
    downloads: {
      official: [
        { type: 'Linux (x86_64)', package: PACKAGE, platform: 'linux', content: createHash('sha256').update(bytes).digest('hex') },
      ],
    },
  };
}

beforeAll(async () => {
  archive = await makeArchive();
  server = http.createServer((request, response) => {
    requests++;
    if (request.url === `/${MSI}`) {
      response.writeHead(200, { 'content-length': String(msi.length) }).end(msi);
      return;
    }
    if (request.url !== `/${PACKAGE}`) {
      response.writeHead(404).end();
      return;
    }
    if (served.mode === 'truncated') {
      response.writeHead(200, { 'content-length': String(archive.length) });
      response.write(archive.subarray(0, 100));
      setTimeout(() => response.destroy(), 20);
      return;
    }
    const body = served.mode === 'corrupt' ? Buffer.from(archive).fill(7, 50, 60) : archive;
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  served = { mode: 'good' };
  requests = 0;
  removeTempDirs();
});

const options = (vendorRoot: string) => ({
  manifest: manifestFor(archive),
  baseUrl,
  vendorRoot,
  platform: 'linux' as const,
  arch: 'x64',
});

const leftovers = (vendorRoot: string) => readdirSync(vendorRoot).filter((name) => name.startsWith('.'));

describe('fetchOsquery against a local HTTP server', () => {
  it('downloads, verifies and installs an executable osqueryd, then does nothing the second time', async () => {
    const vendorRoot = path.join(tempDir(), 'vendor', 'osquery');
    const first = await fetchOsquery(options(vendorRoot));
    expect(first).toEqual({ status: 'installed', binary: path.join(vendorRoot, 'linux-x64', 'osqueryd') });
    expect(statSync(first.binary).mode & 0o111).not.toBe(0);
    expect(readFileSync(first.binary, 'utf8')).toContain('osqueryd version 5.23.1');
    expect(existsSync(path.join(vendorRoot, 'linux-x64', 'share'))).toBe(false);
    // The augeas lenses osqueryd's augeas table needs, beside it (passed with --augeas_lenses).
    expect(readFileSync(path.join(vendorRoot, 'linux-x64', 'lenses', 'aptconf.aug'), 'utf8')).toBe('module AptConf =\n');
    expect(leftovers(vendorRoot)).toEqual([]);

    requests = 0;
    expect((await fetchOsquery(options(vendorRoot))).status).toBe('already-present');
    expect(requests).toBe(0);
  });

  it('refuses a corrupt download, installs nothing and leaves no partial files', async () => {
    const vendorRoot = path.join(tempDir(), 'vendor', 'osquery');
    served = { mode: 'corrupt' };
    const error = await fetchOsquery(options(vendorRoot)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchOsqueryError);
    expect((error as Error).message).toMatch(/checksum mismatch for osquery-5\.23\.1.*nothing was installed/);
    expect(existsSync(path.join(vendorRoot, 'linux-x64'))).toBe(false);
    expect(leftovers(vendorRoot)).toEqual([]);
  });

  it('reports a truncated download and keeps the copy already installed', async () => {
    const vendorRoot = path.join(tempDir(), 'vendor', 'osquery');
    const installed = await fetchOsquery(options(vendorRoot));
    served = { mode: 'truncated' };
    const error = await fetchOsquery({ ...options(vendorRoot), force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchOsqueryError);
    expect((error as Error).message).toMatch(/cut short/);
    expect(readFileSync(installed.binary, 'utf8')).toContain('osqueryd version 5.23.1');
    expect(leftovers(vendorRoot)).toEqual([]);
  });

  it('says what to do when the server cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const vendorRoot = path.join(tempDir(), 'vendor', 'osquery');
    const error = await fetchOsquery({ ...options(vendorRoot), baseUrl: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchOsqueryError);
    expect((error as Error).message).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*--base-url/);
  });
});

/** The command line Windows hands a program: verbatim, or each argument quoted as Node (libuv) quotes it. */
function windowsCommandLine(args: string[], verbatim: boolean): string {
  return args.map((arg) => (verbatim || !/[\s"]/.test(arg) ? arg : `"${arg.replace(/"/g, '\\"')}"`)).join(' ');
}

/** msiexec /a as far as fetch-osquery needs it: reads TARGETDIR from its command line and unpacks osqueryd there. */
function msiexecStandin(calls: { file: string; line: string; options: object }[]): RunProgram {
  return async (file, args, options) => {
    const line = windowsCommandLine(args, options.windowsVerbatimArguments === true);
    calls.push({ file, line, options });
    // msiexec takes PROPERTY=value or PROPERTY="value with spaces"; anything else is error 1639.
    const target = /(?:^| )TARGETDIR=(?:"([^"]*)"|(\S+))(?: |$)/.exec(line);
    if (file !== 'msiexec' || !target) throw new Error(`msiexec: invalid command line argument (1639): ${line}`);
    const dir = path.join(target[1] ?? target[2]!, 'PFiles', 'osquery', 'osqueryd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'osqueryd.exe'), 'MZ osqueryd');
  };
}

describe('fetchOsquery for Windows', () => {
  it('unpacks the msi with msiexec /a into a folder whose path has spaces, hidden', async () => {
    const vendorRoot = path.join(tempDir(), 'My Projects', 'porchlight', 'vendor', 'osquery');
    const calls: { file: string; line: string; options: object }[] = [];
    const manifest: ReleaseManifest = {
      version: '5.23.1',
      url: 'https://pkg.example.invalid',
      downloads: { official: [{ type: 'Windows', package: MSI, platform: 'windows', content: createHash('sha256').update(msi).digest('hex') }] },
    };
    const result = await fetchOsquery({ manifest, baseUrl, vendorRoot, platform: 'win32', arch: 'x64', run: msiexecStandin(calls) });
    expect(result).toEqual({ status: 'installed', binary: path.join(vendorRoot, 'win-x64', 'osqueryd.exe') });
    expect(readFileSync(result.binary, 'utf8')).toBe('MZ osqueryd');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.line).toMatch(/^\/a ".*My Projects.*\.msi" \/qn TARGETDIR=".*My Projects.*\/msi"$/);
    expect(calls[0]!.options).toEqual({ windowsVerbatimArguments: true, windowsHide: true });
  });
});

describe('artifactFor the pinned manifest', () => {
  const manifest = JSON.parse(readFileSync('assets/osquery/packages-5.23.1.json', 'utf8')) as ReleaseManifest;
  it.each([
    ['linux', 'x64', 'osquery-5.23.1_1.linux_x86_64.tar.gz'],
    ['linux', 'arm64', 'osquery-5.23.1_1.linux_aarch64.tar.gz'],
    ['darwin', 'arm64', 'osquery-5.23.1.pkg'],
    ['win32', 'x64', 'osquery-5.23.1.msi'],
  ] as const)('%s-%s → %s', (platform, arch, pkg) => {
    expect(artifactFor(manifest, platform, arch).package).toBe(pkg);
  });
  it('says when there is no release for the machine', () => {
    expect(() => artifactFor(manifest, 'freebsd', 'x64')).toThrow('osquery 5.23.1 has no release for freebsd-x64.');
  });
});
