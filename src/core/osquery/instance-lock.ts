import { rmSync } from 'node:fs';
import net from 'node:net';
import { acceptsConnections } from '../paths/private-sockets.js';

/**
 * A lock the OS lets go of when its holder ends, however it ends: a listening unix socket, or on
 * Windows a named pipe. A pid written to a file outlives its process, and Windows soon gives that
 * pid to another one, which would then pass for the holder and keep every start refused.
 */
export class InstanceLock {
  private constructor(private readonly server: net.Server) {}

  /** Takes the lock at `address`, or gives undefined when a live process holds it. */
  static async acquire(address: string, platform: NodeJS.Platform = process.platform): Promise<InstanceLock | undefined> {
    const taken = await listen(address);
    if (taken) return new InstanceLock(taken);
    // A pipe name is free again once its holder is gone (libuv creates it first-instance-only);
    // a socket file stays behind a killed holder, and then nothing answers on it.
    if (platform === 'win32' || (await lockHeld(address))) return undefined;
    rmSync(address, { force: true });
    const retaken = await listen(address);
    return retaken ? new InstanceLock(retaken) : undefined;
  }

  release(): void {
    this.server.close();
  }
}

/** True when a live process holds the lock at `address`. */
export function lockHeld(address: string): Promise<boolean> {
  return acceptsConnections(address);
}

/** A server listening at `address`, or undefined when the address is in use. */
function listen(address: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)));
    server.listen(address, () => {
      // Holding the lock must not keep the process alive by itself.
      server.unref();
      resolve(server);
    });
  });
}
