import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Mode of every file Porchlight writes in the data dir: the user's alone. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The data dir holds findings, user names, processes and extensions: it is the user's alone. It is
 * made 0700 before anything else (settings, history, osquery) writes into it, and what an earlier
 * version or another tool left looser is tightened: folders to 0700, files to 0600. Symlinks are
 * not followed. On Windows the user profile's default ACLs already keep other users out, so nothing
 * is changed there.
 */
export function ensurePrivateDataDir(dataDir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  tighten(dataDir);
}

function tighten(entry: string): void {
  const stat = lstatSync(entry, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o077) !== 0) chmodSync(entry, (stat.mode & 0o700) | 0o700);
    for (const name of readdirSync(entry)) tighten(path.join(entry, name));
  } else if (stat.isFile() && (stat.mode & 0o077) !== 0) {
    chmodSync(entry, stat.mode & 0o700);
  }
}
