import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

/**
 * Local sockets only this user may use: unix sockets in 0700 folders the user owns (both sides
 * check), and named pipes on Windows whose names no other account can work out.
 */

/** Longest unix socket path osqueryd and Node can bind (sun_path is 104 bytes on macOS, with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 103;

export class UnsafeSocketDirectoryError extends Error {
  override name = 'UnsafeSocketDirectoryError';
}

export interface SocketPathOptions {
  platform?: NodeJS.Platform;
  user?: string;
  uid?: number;
  /** Where short socket folders go when the data dir is too deep (POSIX); `/tmp` by default. */
  shortSocketBase?: string;
  /** Windows: the random part of the pipe names; the data dir's own (pipeSecret) by default. */
  pipeSecret?: string;
}

/** True when something listens at `address` (a unix socket or a pipe) and takes a connection. */
export function acceptsConnections(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(address);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Windows: the random part of a data dir's pipe names, made once and kept where only its user can
 * read it (<data dir>/osquery/pipe-secret). Pipe names are one namespace shared by every account
 * of the machine, and osqueryd does not insist on creating its pipe's first instance (Thrift's
 * TPipeServer passes no FILE_FLAG_FIRST_PIPE_INSTANCE): a name another account can work out from
 * the user name and the data dir would let it create the pipe before osqueryd and answer
 * Porchlight's queries, or hold the supervisor's lock and keep it from starting. Once osqueryd
 * runs, its pipe admits only SYSTEM, Administrators and the user (osquery
 * extensions/impl_thrift.cpp:328-349), so no one else can add an instance; anyone can list a
 * pipe's name while it exists, though, so an account that read it could still take it in the
 * moment between two osqueryd runs.
 */
export function pipeSecret(dataDir: string): string {
  const file = path.join(dataDir, 'osquery', 'pipe-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(16).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: theirs is the one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/** A Windows pipe name for `use`, unguessable without the data dir's secret. */
export function pipeName(use: string, scope: string, secret: string, user: string = safeUsername()): string {
  const unguessable = createHash('sha256').update(secret).update(scope).digest('hex').slice(0, 32);
  return `\\\\.\\pipe\\porchlight-${user.replace(/[^A-Za-z0-9_.-]/g, '_')}-${use}-${unguessable}`;
}

/**
 * Unix socket paths for `names` in `folder`, or, when one would be too long to bind, in a short
 * per-user folder under /tmp named by a hash of `folder`.
 */
export function unixSocketPaths<K extends string>(folder: string, names: Record<K, string>, options: SocketPathOptions = {}): Record<K, string> {
  const entries = Object.entries(names) as [K, string][];
  const inFolder = Object.fromEntries(entries.map(([key, name]) => [key, path.posix.join(folder, name)])) as Record<K, string>;
  if (Object.values<string>(inFolder).every((socket) => Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES)) return inFolder;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const short = path.posix.join(options.shortSocketBase ?? '/tmp', `porchlight-${uid}`, shortHash(folder));
  return Object.fromEntries(entries.map(([key, name]) => [key, `${short}${path.posix.extname(name)}`])) as Record<K, string>;
}

export function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'user';
  }
}

/** Creates `dir` (0700) if needed, and refuses it unless it is a plain folder of this user's alone. */
export function makePrivateDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  checkPrivateDir(dir);
  if ((lstatSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/**
 * Refuses a socket's folder that is a symlink, not a folder, or owned by another user: whoever
 * owns it could put their own socket there and answer in Porchlight's place.
 */
export function checkPrivateDir(dir: string): void {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new UnsafeSocketDirectoryError(`${dir} is not a plain folder; remove it and try again.`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UnsafeSocketDirectoryError(`${dir} belongs to another user (uid ${stat.uid}); remove it and try again.`);
  }
}

/**
 * Before connecting to a socket someone else may have made: its folder must be private and ours
 * and the socket ours (POSIX; a pipe's name is the guard on Windows). False when it is not there.
 */
export function trustedSocket(socketPath: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') return true;
  const folder = path.dirname(socketPath);
  if (!existsSync(folder)) return false;
  checkPrivateDir(folder);
  if ((lstatSync(folder).mode & 0o077) !== 0) {
    throw new UnsafeSocketDirectoryError(`${folder} can be entered by other users; remove it and try again.`);
  }
  if (!existsSync(socketPath)) return false;
  const stat = lstatSync(socketPath);
  const uid = process.getuid?.();
  if (!stat.isSocket() || (uid !== undefined && stat.uid !== uid)) {
    throw new UnsafeSocketDirectoryError(`${socketPath} is not this user's socket; remove it and try again.`);
  }
  return true;
}

/**
 * Where a running agent serves its API to the CLI: `<data dir>/run/agent.sock` (or the short
 * fallback when that is too deep to bind), or a pipe only this data dir's user can name on Windows.
 */
export function controlSocketPath(dataDir: string, options: SocketPathOptions = {}): string {
  if ((options.platform ?? process.platform) === 'win32') {
    return pipeName('agent', dataDir, options.pipeSecret ?? pipeSecret(dataDir), options.user);
  }
  return unixSocketPaths(path.join(dataDir, 'run'), { socket: 'agent.sock' }, options).socket;
}
