import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../../src/core/osquery/process-control.js';

/**
 * The osqueryd that holds a pidfile: the live process it names when that process is an osqueryd
 * (osquery's pidfile is locked by the osqueryd that wrote it, so a stale file naming any other
 * process holds nothing back).
 */
export function pidfileHolder(pidfile: string): number | undefined {
  if (!existsSync(pidfile)) return undefined;
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  if (!(pid > 0) || pid === process.pid || !processAlive(pid)) return undefined;
  return isOsqueryd(pid) ? pid : undefined;
}

/** osquery asks `name LIKE 'osqueryd%'`; a stand-in's name is its script's (osqueryd*.js). */
function isOsqueryd(pid: number): boolean {
  let commandLine: string[];
  try {
    commandLine =
      process.platform === 'linux'
        ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        : execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(' ');
  } catch {
    return false;
  }
  return commandLine.slice(0, 2).some((argument) => path.basename(argument).startsWith('osqueryd'));
}

/**
 * `--force`: osqueryd kills the osqueryd holding its pidfile and waits for it to go (osquery
 * 5.23.1 core/init.cpp:429-470, 498-515; PlatformProcess::kill is SIGKILL).
 */
export function killHolder(pid: number): void {
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (processAlive(pid) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}
