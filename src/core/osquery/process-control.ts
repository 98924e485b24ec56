import { execFile, type ExecFileOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What process control needs from the OS; tests pass another platform and a recording execFile. */
export interface ProcessHost {
  platform: NodeJS.Platform;
  execFile(file: string, args: string[], options: ExecFileOptions, callback: (error: Error | null, stdout: string) => void): void;
}

export const HOST: ProcessHost = {
  platform: process.platform,
  execFile: (file, args, options, callback) =>
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout) => callback(error, String(stdout))),
};

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * POSIX: sends a signal to a process and everything it started. Our daemon is spawned as the
 * leader of its own process group (osquery's watchdog forks a worker), so the group gets it. With
 * `orLoneProcess`, a process that leads no group (one started by something else) gets it alone.
 */
export function signalProcessTree(pid: number, signal: 'SIGTERM' | 'SIGKILL', orLoneProcess = false): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (!orLoneProcess) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Windows: ends a process and its descendants at once, `taskkill /T /F`. Without /F taskkill only
 * asks the process's windows to close, and osqueryd, a console program started hidden, has none;
 * osquery has no other way to be asked to stop there. taskkill is taken from System32 (not looked
 * up in the working directory or PATH) and runs hidden, so no console window flashes.
 */
export function endProcessTreeNow(pid: number, host: ProcessHost = HOST): Promise<void> {
  const taskkill = path.win32.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'taskkill.exe');
  return new Promise((resolve) => host.execFile(taskkill, ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => resolve()));
}

/** The command line of a running process, or undefined where it cannot be read (Windows). */
export async function processCommandLine(pid: number, host: ProcessHost = HOST): Promise<string | undefined> {
  if (host.platform === 'linux') {
    try {
      return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
    } catch {
      return undefined;
    }
  }
  if (host.platform === 'darwin') {
    return new Promise((resolve) => {
      host.execFile('ps', ['-o', 'command=', '-p', String(pid)], { windowsHide: true }, (error, stdout) =>
        resolve(error ? undefined : stdout.trim()),
      );
    });
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `pid` is gone or `timeoutMs` passes; true when it is gone. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}
