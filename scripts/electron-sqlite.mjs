// better-sqlite3 is built for Node (CLI, tests). Electron has another ABI, so the tray app in a
// checkout loads a second build, kept beside it and picked with better-sqlite3's nativeBinding
// option: one checkout serves both without rebuilding back and forth. (Packaged apps are rebuilt
// for Electron by electron-builder and need none of this.)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Where the Electron build of better-sqlite3 lives for this Electron's ABI. */
export function electronSqlitePath(root, abi, platform = process.platform, arch = process.arch) {
  return path.join(root, 'vendor', 'better-sqlite3', `electron-${abi}-${platform}-${arch}`, 'better_sqlite3.node');
}

/** Builds it when missing (node-gyp against Electron's headers); returns its path. */
export function prepareElectronSqlite(root, electron) {
  const electronVersion = require('electron/package.json').version;
  const abi = execFileSync(electron, ['-e', 'process.stdout.write(process.versions.modules)'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  }).trim();
  const target = electronSqlitePath(root, abi);
  if (existsSync(target)) return target;
  mkdirSync(path.join(root, 'vendor'), { recursive: true });
  console.log(`porchlight: building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}); this takes a minute…`);
  // Built in a copy inside the checkout, so `npm run` finds prebuild-install and node-gyp on its PATH.
  const work = mkdtempSync(path.join(root, 'vendor', '.sqlite-electron-'));
  try {
    const source = path.dirname(require.resolve('better-sqlite3/package.json'));
    cpSync(source, work, { recursive: true, filter: (p) => !p.startsWith(path.join(source, 'build')) });
    execFileSync('npm', ['run', 'install', '--silent'], {
      cwd: work,
      stdio: 'inherit',
      env: {
        ...process.env,
        npm_config_runtime: 'electron',
        npm_config_target: electronVersion,
        npm_config_disturl: 'https://electronjs.org/headers',
      },
    });
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
