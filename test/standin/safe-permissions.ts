import { lstatSync, statSync } from 'node:fs';

const S_ISVTX = 0o1000;
const S_IXUSR = 0o100;
const S_IWOTH = 0o002;

/**
 * osquery's safePermissions(dir, path, executable = true) on POSIX, as its watcher applies it to
 * its own binary before starting a worker (osquery 5.23.1: filesystem/filesystem.cpp:570-613 with
 * filesystem/posix/fileops.cpp:105-162, 321-340). Safe means: the file exists and is not a
 * directory, its folder is not sticky (/tmp-like), it is owned by root or by the user osqueryd runs
 * as, executable by its owner and not writable by everyone. `--allow_unsafe` skips all of it.
 *
 * Windows (filesystem/windows/fileops.cpp:833-1066) asks more: the owner must be Administrators,
 * SYSTEM or the user, and neither the file nor its folder may grant write to anyone but
 * Administrators, SYSTEM and TrustedInstaller (lowPrivWriteDenied) — so a binary the user can
 * write, as in a per-user install or a checkout, is unsafe there. The stand-in cannot model ACLs.
 */
export function safePermissions(dir: string, file: string, uid = process.getuid?.() ?? 0): boolean {
  if (!lstatSync(file, { throwIfNoEntry: false })) return false;
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder || (folder.mode & S_ISVTX) !== 0) return false;
  const stat = statSync(file);
  if (stat.isDirectory()) return false;
  if (stat.uid !== 0 && stat.uid !== uid) return false;
  return (stat.mode & S_IXUSR) !== 0 && (stat.mode & S_IWOTH) === 0;
}
