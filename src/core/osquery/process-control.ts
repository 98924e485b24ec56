import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sends a signal to a process and everything it started. Our daemon is spawned as the leader of
 * its own process group (osquery's watchdog forks a worker), so the group gets it. With
 * `orLoneProcess`, a process that leads no group (one started by something else) gets it alone.
 */
export function signalProcessTree(pid: number, signal: 'SIGTERM' | 'SIGKILL', orLoneProcess = false): void {
  if (process.platform === 'win32') {
    const args = ['/pid', String(pid), '/T'];
    if (signal === 'SIGKILL') args.push('/F');
    execFile('taskkill', args, () => undefined);
    return;
  }
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

/** The command line of a running process, or undefined where it cannot be read. */
export async function processCommandLine(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    try {
      return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'darwin') {
    return new Promise((resolve) => {
      execFile('ps', ['-o', 'command=', '-p', String(pid)], (error, stdout) => resolve(error ? undefined : stdout.trim()));
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
