import { rmSync } from 'node:fs';
import net from 'node:net';
import type { CallResult } from '../api/call-result.js';
import type { ApiTransport } from '../api/client.js';
import { trustedSocket } from '../core/paths/private-sockets.js';
import { readLines } from './control-socket.js';

/** The running agent's control socket, from the CLI's side: the contract's calls and events over it. */
export class ControlSocketTransport implements ApiTransport {
  private nextId = 1;
  private readonly pending = new Map<number, (result: CallResult) => void>();

  private constructor(
    private readonly socketPath: string,
    private readonly socket: net.Socket,
  ) {
    readLines(socket, () => socket.destroy(), (line) => {
      const message = JSON.parse(line) as { id?: number; result?: CallResult };
      if (typeof message.id !== 'number') return;
      this.pending.get(message.id)?.(message.result ?? lost('the agent sent no result'));
      this.pending.delete(message.id);
    });
    socket.on('close', () => {
      for (const resolve of this.pending.values()) resolve(lost('the agent closed the connection'));
      this.pending.clear();
    });
    socket.on('error', () => socket.destroy());
  }

  /**
   * Connects to the agent serving this socket, or says none does. A socket left by a killed agent
   * is removed; a socket or folder another user could have made is refused (UnsafeSocketDirectoryError).
   */
  static async connect(socketPath: string, timeoutMs = 2_000): Promise<ControlSocketTransport | undefined> {
    if (!trustedSocket(socketPath)) return undefined;
    const socket = await openSocket(socketPath, timeoutMs).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && process.platform !== 'win32') rmSync(socketPath, { force: true });
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') return undefined;
      throw error;
    });
    return socket && new ControlSocketTransport(socketPath, socket);
  }

  call(method: string, payload: unknown): Promise<CallResult> {
    if (this.socket.destroyed) return Promise.resolve(lost('the agent closed the connection'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.write(`${JSON.stringify({ id, method, payload })}\n`);
    });
  }

  /** Events on a connection of their own, so a long call never holds them up. */
  subscribe(listener: (name: string, payload: unknown) => void, onConnected?: () => void): () => void {
    let socket: net.Socket | undefined;
    let closed = false;
    void openSocket(this.socketPath, 2_000).then(
      (opened) => {
        if (closed) return opened.destroy();
        socket = opened;
        readLines(opened, () => opened.destroy(), (line) => {
          const message = JSON.parse(line) as { event?: string; payload?: unknown; subscribed?: boolean };
          if (message.subscribed) onConnected?.();
          else if (message.event) listener(message.event, message.payload);
        });
        opened.on('error', () => opened.destroy());
        opened.write(`${JSON.stringify({ subscribe: true })}\n`);
      },
      () => undefined,
    );
    return () => {
      closed = true;
      socket?.destroy();
    };
  }

  close(): void {
    this.socket.end();
  }
}

function openSocket(socketPath: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`the agent did not answer on ${socketPath} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function lost(why: string): CallResult {
  return { ok: false, error: { code: 'unavailable', message: `${why}; run the command again` } };
}
