import { execFile, type ExecFileOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { extract } from 'tar';
import { AUGEAS_LENSES_FOLDER, osquerydRelativePath, vendorDir } from '../../src/core/osquery/binary.js';

/** Runs a program to its end (execFile, never a shell); tests record the calls instead. */
export type RunProgram = (file: string, args: string[], options: ExecFileOptions) => Promise<unknown>;

export interface ReleaseArtifact {
  type: string;
  package: string;
  platform: string;
  content: string;
}

/** pkg.osquery.io's release description (assets/osquery/packages-<version>.json). */
export interface ReleaseManifest {
  version: string;
  url: string;
  downloads: { official: ReleaseArtifact[] };
}

export interface FetchOptions {
  manifest: ReleaseManifest;
  /** Where packages are downloaded from; the manifest's `url` + `/<platform>/` by default. */
  baseUrl?: string;
  /** vendor/osquery of the checkout. */
  vendorRoot: string;
  platform?: NodeJS.Platform;
  arch?: string;
  force?: boolean;
  /** Seconds without a byte before a download is given up. */
  idleTimeoutMs?: number;
  log?: (message: string) => void;
  progress?: (received: number, total: number | undefined) => void;
  /** How pkgutil and msiexec are run; execFile by default. */
  run?: RunProgram;
}

export interface FetchResult {
  status: 'installed' | 'already-present';
  binary: string;
}

export class FetchOsqueryError extends Error {
  override name = 'FetchOsqueryError';
}

const MARKER = '.release.json';

/** The artifact of the manifest that carries osqueryd for a platform and architecture. */
export function artifactFor(manifest: ReleaseManifest, platform: NodeJS.Platform, arch: string): ReleaseArtifact {
  const official = manifest.downloads.official;
  const pick = (predicate: (a: ReleaseArtifact) => boolean) => official.find(predicate);
  let artifact: ReleaseArtifact | undefined;
  if (platform === 'darwin') artifact = pick((a) => a.package.endsWith('.pkg'));
  else if (platform === 'win32' && arch === 'x64') artifact = pick((a) => a.package.endsWith('.msi'));
  else if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) {
    const machine = arch === 'x64' ? 'x86_64' : 'aarch64';
    artifact = pick((a) => a.platform === 'linux' && a.package.endsWith(`linux_${machine}.tar.gz`));
  }
  if (!artifact) {
    throw new FetchOsqueryError(`osquery ${manifest.version} has no release for ${platform}-${arch}.`);
  }
  return artifact;
}

/** Where a package is served: pkg.osquery.io keeps them in per-OS folders. */
export function downloadUrl(manifest: ReleaseManifest, artifact: ReleaseArtifact, baseUrl?: string): string {
  if (baseUrl) return `${baseUrl.replace(/\/+$/, '')}/${artifact.package}`;
  const folder = artifact.package.endsWith('.pkg') ? 'darwin' : artifact.package.endsWith('.msi') ? 'windows' : 'linux';
  return `${manifest.url}/${folder}/${artifact.package}`;
}

/**
 * Downloads the pinned osquery release for this host, verifies its SHA-256 and places osqueryd in
 * vendor/osquery/<os>-<arch>/. Idempotent; on any failure the previous state is left as it was.
 */
export async function fetchOsquery(options: FetchOptions): Promise<FetchResult> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const log = options.log ?? (() => undefined);
  const artifact = artifactFor(options.manifest, platform, arch);
  const target = vendorDir(options.vendorRoot, platform, arch);
  const binary = path.join(target, osquerydRelativePath(platform));

  if (!options.force && (await alreadyPresent(target, binary, artifact))) {
    log(`osquery ${options.manifest.version} is already in ${target}`);
    return { status: 'already-present', binary };
  }

  await mkdir(options.vendorRoot, { recursive: true });
  const nonce = randomBytes(6).toString('hex');
  const download = path.join(options.vendorRoot, `.download-${nonce}-${artifact.package}`);
  const staging = path.join(options.vendorRoot, `.staging-${nonce}`);
  const url = downloadUrl(options.manifest, artifact, options.baseUrl);
  try {
    log(`Downloading ${url}`);
    await downloadTo(url, download, options);
    const actual = await sha256(download);
    if (actual !== artifact.content) {
      throw new FetchOsqueryError(
        `checksum mismatch for ${artifact.package}: expected ${artifact.content}, got ${actual}. ` +
          'The download is corrupt or not the pinned release; nothing was installed. Run `npm run fetch-osquery` again, ' +
          'and if it keeps failing check the mirror (--base-url).',
      );
    }
    log(`Verified SHA-256 ${actual}`);
    await mkdir(staging, { recursive: true });
    await unpack(download, staging, platform, options.run ?? promisify(execFile));
    await writeFile(
      path.join(staging, MARKER),
      JSON.stringify({ version: options.manifest.version, package: artifact.package, sha256: artifact.content }, null, 2) + '\n',
    );
    await replaceDirectory(staging, target);
    log(`Installed osqueryd ${options.manifest.version} at ${binary}`);
    return { status: 'installed', binary };
  } finally {
    await rm(download, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

async function alreadyPresent(target: string, binary: string, artifact: ReleaseArtifact): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(path.join(target, MARKER), 'utf8')) as { sha256?: string };
    return marker.sha256 === artifact.content && (await stat(binary)).isFile();
  } catch {
    return false;
  }
}

async function downloadTo(url: string, file: string, options: FetchOptions): Promise<void> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(), idleTimeoutMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), idleTimeoutMs);
  };
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (error) {
      throw new FetchOsqueryError(
        `cannot reach ${new URL(url).host} (${causeOf(error)}). Check the network connection, ` +
          'or point --base-url (PORCHLIGHT_OSQUERY_MIRROR) at a mirror holding the package.',
      );
    }
    if (!response.ok || !response.body) {
      throw new FetchOsqueryError(`download of ${url} failed: HTTP ${response.status} ${response.statusText}`);
    }
    const header = response.headers.get('content-length');
    const total = header ? Number(header) : undefined;
    let received = 0;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      touch();
      options.progress?.(received, total);
    });
    try {
      await pipeline(body, createWriteStream(file, { mode: 0o600 }));
    } catch (error) {
      throw new FetchOsqueryError(
        `the download of ${url} was cut short after ${received} bytes (${causeOf(error)}); nothing was installed. Run it again.`,
      );
    }
    if (total !== undefined && received !== total) {
      throw new FetchOsqueryError(
        `the download of ${url} was cut short: ${received} of ${total} bytes; nothing was installed. Run it again.`,
      );
    }
  } finally {
    clearTimeout(idle);
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
    return error.name === 'AbortError' ? 'no data for too long' : error.message;
  }
  return String(error);
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Puts osqueryd (macOS: the whole osquery.app, which it needs for its signature) into `staging`. */
async function unpack(pkg: string, staging: string, platform: NodeJS.Platform, run: RunProgram): Promise<void> {
  const work = path.join(staging, '.unpack');
  await mkdir(work, { recursive: true });
  if (platform === 'darwin') {
    await run('pkgutil', ['--expand-full', pkg, path.join(work, 'pkg')], { windowsHide: true });
    const app = await findPath(work, (p) => p.endsWith(path.join('opt', 'osquery', 'lib', 'osquery.app')));
    await rename(app, path.join(staging, 'osquery.app'));
  } else if (platform === 'win32') {
    // msiexec reads its command line itself and wants a value with spaces quoted after the `=`
    // (TARGETDIR="C:\My Projects\…"); Node would quote the whole argument instead, which msiexec
    // rejects, so the line goes verbatim, quoted here (a Windows path cannot hold a `"`).
    const quoted = (value: string) => `"${value}"`;
    await run('msiexec', ['/a', quoted(pkg), '/qn', `TARGETDIR=${quoted(path.join(work, 'msi'))}`], {
      windowsVerbatimArguments: true,
      windowsHide: true,
    });
    const exe = await findPath(work, (p) => path.basename(p).toLowerCase() === 'osqueryd.exe');
    await rename(exe, path.join(staging, 'osqueryd.exe'));
  } else {
    // osqueryd, and the augeas lenses its `augeas` table reads configuration files with (the
    // automatic-updates check reads apt's settings through them): osquery looks for them in
    // /opt/osquery/share/osquery/lenses unless --augeas_lenses says where (tables/system/posix/augeas.cpp:36-39).
    const wanted = (entryPath: string) => /^(\.\/)?\/?opt\/osquery\/(bin\/osqueryd|share\/osquery\/lenses\/[^/]+\.aug)$/.test(entryPath);
    await extract({ file: pkg, cwd: work, filter: (entryPath, entry) => wanted(entryPath) && 'type' in entry && entry.type === 'File' });
    const extracted = path.join(work, 'opt', 'osquery', 'bin', 'osqueryd');
    if (!existsSync(extracted)) {
      throw new FetchOsqueryError(`${path.basename(pkg)} holds no opt/osquery/bin/osqueryd; nothing was installed.`);
    }
    await rename(extracted, path.join(staging, 'osqueryd'));
    const lenses = path.join(work, 'opt', 'osquery', 'share', 'osquery', 'lenses');
    if (existsSync(lenses)) await rename(lenses, path.join(staging, AUGEAS_LENSES_FOLDER));
  }
  await chmod(path.join(staging, osquerydRelativePath(platform)), 0o755);
  await rm(work, { recursive: true, force: true });
}

async function findPath(root: string, match: (p: string) => boolean): Promise<string> {
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (match(full)) return full;
      if (entry.isDirectory()) queue.push(full);
    }
  }
  throw new FetchOsqueryError(`the package does not contain osqueryd where expected (under ${root})`);
}

/** Swaps `staging` in for `target` so a reader never sees a half-written folder. */
async function replaceDirectory(staging: string, target: string): Promise<void> {
  const old = `${target}.old-${randomBytes(4).toString('hex')}`;
  const hadOld = existsSync(target);
  if (hadOld) await rename(target, old);
  try {
    await rename(staging, target);
  } catch (error) {
    if (hadOld) await rename(old, target);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}
