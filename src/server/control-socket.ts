import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { dispatch } from '../api/dispatch.js';
import type { ApiHandlers } from '../api/contract.js';
import { acceptsConnections, makePrivateDir } from '../core/paths/private-sockets.js';
import type { EventSource } from './http-bridge.js';

/**
 * The running agent's API on a local socket, for the CLI: a unix socket in a 0700 folder of the
 * data dir, or a named pipe with an unguessable name on Windows. One JSON object per line:
 *
 *   → {"id":1,"method":"scanNow","payload":{}}     ← {"id":1,"result":<CallResult>}
 *   → {"subscribe":true}                            ← {"event":"scan-started","payload":{…}} …
 *
 * Calls go through the same dispatch as IPC and HTTP: the method must exist and the payload must
 * fit the contract. A line longer than MAX_LINE_BYTES, or one that is not a JSON object, ends the
 * connection with an error line.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface ControlSocketOptions {
  handlers: ApiHandlers;
  events: EventSource;
  socketPath: string;
}

export class ControlSocketServer {
  private readonly server: net.Server;
  private readonly connections = new Set<net.Socket>();

  constructor(private readonly options: ControlSocketOptions) {
    this.server = net.createServer((socket) => this.serve(socket));
  }

  /**
   * Listens on the socket path, in a private folder of this user's. A socket file a killed agent
   * left is replaced; one another agent still answers on is not.
   */
  async start(): Promise<void> {
    const { socketPath } = this.options;
    if (process.platform !== 'win32') {
      makePrivateDir(path.dirname(socketPath));
      if (existsSync(socketPath)) {
        if (await acceptsConnections(socketPath)) throw new Error(`another Porchlight agent already serves this data dir on ${socketPath}`);
        rmSync(socketPath, { force: true });
      }
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.connections.add(socket);
    let unsubscribe: (() => void) | undefined;
    const write = (message: object) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    const refuse = (message: string) => {
      write({ error: message });
      socket.end();
    };
    socket.on('close', () => {
      unsubscribe?.();
      this.connections.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    readLines(socket, refuse, (line) => {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        refuse('each line must be one JSON object');
        return;
      }
      if (!message || typeof message !== 'object' || Array.isArray(message)) {
        refuse('each line must be one JSON object');
        return;
      }
      const { id, method, payload, subscribe } = message as Record<string, unknown>;
      if (subscribe === true) {
        unsubscribe ??= this.options.events.subscribe((event, eventPayload) => write({ event, payload: eventPayload }));
        write({ subscribed: true });
        return;
      }
      void dispatch(this.options.handlers, method, payload).then((result) => write({ id, result }));
    });
  }
}

/** Calls `onLine` with each complete line; a line over MAX_LINE_BYTES goes to `onTooLong` instead. */
export function readLines(socket: net.Socket, onTooLong: (message: string) => void, onLine: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim()) onLine(line);
    }
    if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
      buffered = '';
      onTooLong(`a line may hold at most ${MAX_LINE_BYTES} bytes`);
    }
  });
}
