import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths/project-assets.js';

export type BinarySource = 'flag' | 'env' | 'bundled' | 'vendor' | 'system';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

export interface ResolveBinaryOptions {
  /** `--osqueryd PATH`. */
  explicitPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Electron's process.resourcesPath when packaged. */
  resourcesPath?: string | undefined;
  checkoutRoot?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  isExecutable?: (file: string) => boolean;
}

export class OsquerydNotFoundError extends Error {
  override name = 'OsquerydNotFoundError';
  constructor(readonly searched: string[]) {
    super(
      `osqueryd was not found. Looked in:\n${searched.map((p) => `  - ${p}`).join('\n')}\n` +
        'Run `npm run fetch-osquery` in a checkout, install osquery from osquery.io, ' +
        'or pass --osqueryd PATH (or set PORCHLIGHT_OSQUERYD).',
    );
  }
}

export class OsquerydPathError extends Error {
  override name = 'OsquerydPathError';
}

/** The osqueryd that ships with Porchlight: in the app's resources, or a checkout's vendor folder. */
export function shipsWithPorchlight(source: BinarySource): boolean {
  return source === 'bundled' || source === 'vendor';
}

/** The folder beside a shipped osqueryd that holds the augeas lenses its release ships (Linux). */
export const AUGEAS_LENSES_FOLDER = 'lenses';

/**
 * The augeas lenses that ship with Porchlight's own osqueryd, when there are any: osquery reads
 * them from /opt/osquery/share/osquery/lenses by default, where only a system install puts them.
 */
export function augeasLenses(binary: ResolvedBinary, exists: (folder: string) => boolean = existsSync): string | undefined {
  if (!shipsWithPorchlight(binary.source)) return undefined;
  const folder = path.join(path.dirname(binary.path), AUGEAS_LENSES_FOLDER);
  return exists(folder) ? folder : undefined;
}

/** electron-builder's `${os}` names, used for vendor/osquery/<os>-<arch>/. */
export function builderOs(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'mac';
  if (platform === 'win32') return 'win';
  return platform;
}

/** Where osqueryd sits inside an extracted release for a platform, relative to its vendor folder. */
export function osquerydRelativePath(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return path.join('osquery.app', 'Contents', 'MacOS', 'osqueryd');
  if (platform === 'win32') return 'osqueryd.exe';
  return 'osqueryd';
}

/** One platform's extracted release under `vendorRoot` (vendor/osquery in a checkout): `<os>-<arch>`, named as electron-builder names them. */
export function vendorDir(vendorRoot: string, platform: NodeJS.Platform, arch: string): string {
  return path.join(vendorRoot, `${builderOs(platform)}-${arch}`);
}

const SYSTEM_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/opt/osquery/bin/osqueryd', '/usr/bin/osqueryd'],
  darwin: ['/opt/osquery/lib/osquery.app/Contents/MacOS/osqueryd'],
  win32: ['C:\\Program Files\\osquery\\osqueryd\\osqueryd.exe'],
};

function defaultIsExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds osqueryd: --osqueryd / PORCHLIGHT_OSQUERYD, then the copy bundled with the app
 * (or vendored in a checkout by fetch-osquery), then a system install.
 * A path the owner named explicitly must work; it never falls through to another binary.
 */
export function resolveOsqueryd(options: ResolveBinaryOptions = {}): ResolvedBinary {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const isExecutable = options.isExecutable ?? defaultIsExecutable;

  const named: [BinarySource, string | undefined][] = [
    ['flag', options.explicitPath],
    ['env', env.PORCHLIGHT_OSQUERYD],
  ];
  for (const [source, candidate] of named) {
    if (!candidate) continue;
    const full = path.resolve(candidate);
    if (!isExecutable(full)) {
      const from = source === 'flag' ? '--osqueryd' : 'PORCHLIGHT_OSQUERYD';
      throw new OsquerydPathError(`${from} names ${full}, which is not an executable file.`);
    }
    return { path: full, source };
  }

  const candidates: [BinarySource, string][] = [];
  if (options.resourcesPath) {
    candidates.push(['bundled', path.join(options.resourcesPath, 'osquery', osquerydRelativePath(platform))]);
  }
  const root = options.checkoutRoot ?? projectRoot();
  candidates.push(['vendor', path.join(vendorDir(path.join(root, 'vendor', 'osquery'), platform, arch), osquerydRelativePath(platform))]);
  for (const system of SYSTEM_PATHS[platform] ?? []) candidates.push(['system', system]);

  for (const [source, candidate] of candidates) {
    if (isExecutable(candidate)) return { path: candidate, source };
  }
  throw new OsquerydNotFoundError(candidates.map(([, candidate]) => candidate));
}
