import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { dispatch } from '../api/dispatch.js';
import type { ApiHandlers } from '../api/contract.js';

export interface EventSource {
  /** Subscribes to every event; returns a function that unsubscribes. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export interface HttpBridgeOptions {
  handlers: ApiHandlers;
  events: EventSource;
  /** The built renderer (index.html + assets). */
  staticDir: string;
  /** 0 (default): a free port chosen by the OS. */
  port?: number;
  token?: string;
}

export const TOKEN_HEADER = 'x-porchlight-token';
const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 25_000;
/**
 * Limits that keep a flood (a thousand event streams, headers sent a byte at a time) from starving
 * the real window: more streams than this and the oldest is closed (a live window reconnects and
 * reloads what it shows); a client gets a few seconds for its headers; only so many sockets at once.
 */
export const MAX_EVENT_STREAMS = 16;
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_CONNECTIONS = 256;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The Agent's API and the built renderer over HTTP, for browsers: 127.0.0.1 only, a random token
 * per start required on every request, the Host header checked (against DNS rebinding) and no CORS.
 */
export class HttpBridge {
  readonly token: string;
  private readonly server: http.Server;
  private readonly streams = new Set<http.ServerResponse>();
  private port = 0;

  constructor(private readonly options: HttpBridgeOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    // Node checks those timeouts every connectionsCheckingInterval (30 s by default): every second here.
    const limits = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1_000 };
    this.server = http.createServer(limits, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `Internal error: ${String(error)}`);
        else response.destroy();
      });
    });
    this.server.maxConnections = MAX_CONNECTIONS;
  }

  async start(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${this.port}/t/${this.token}/`, port: this.port };
  }

  async stop(): Promise<void> {
    for (const stream of this.streams) stream.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cache-Control', 'no-store');
    const allowedHosts = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      send(response, 403, 'text/plain; charset=utf-8', 'Forbidden: unexpected Host header.');
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`)) {
      send(response, 403, 'text/plain; charset=utf-8', 'Forbidden: cross-origin requests are not accepted.');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', `http://${request.headers.host}`).pathname);
    } catch {
      send(response, 400, 'text/plain; charset=utf-8', 'Bad request: the path is not valid.');
      return;
    }
    const route = this.route(request, pathname);
    if (route === undefined) {
      send(
        response,
        401,
        'text/plain; charset=utf-8',
        'Porchlight needs the link with its token. Open the URL `porchlight serve` printed (it changes at every start).',
      );
      return;
    }
    if (route === '') {
      // Relative asset and API URLs resolve against the token folder, so it needs its slash.
      response.writeHead(308, { Location: `${pathname}/` });
      response.end();
      return;
    }

    if (route.startsWith('/api/call/') && request.method === 'POST') {
      await this.call(route.slice('/api/call/'.length), request, response);
    } else if (route === '/api/events' && request.method === 'GET') {
      this.stream(response);
    } else if (request.method === 'GET' || request.method === 'HEAD') {
      this.serveFile(route, response);
    } else {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
    }
  }

  /**
   * The path inside Porchlight for an authorised request, or undefined. The token travels in the
   * path (`/t/<token>/…`, so the page's relative URLs carry it on every request without a cookie,
   * which browsers would also send to other servers on 127.0.0.1) or in the X-Porchlight-Token header.
   */
  private route(request: http.IncomingMessage, pathname: string): string | undefined {
    const match = /^\/t\/([^/]+)(\/.*)?$/.exec(pathname);
    if (match) return this.isToken(match[1]!) ? (match[2] ?? '') : undefined;
    const header = request.headers[TOKEN_HEADER];
    return typeof header === 'string' && this.isToken(header) ? pathname : undefined;
  }

  private isToken(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async call(method: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      send(response, 415, 'text/plain; charset=utf-8', 'Calls must be JSON (Content-Type: application/json).');
      return;
    }
    let body: string;
    try {
      body = await readBody(request);
    } catch {
      send(response, 413, 'text/plain; charset=utf-8', `A call may carry at most ${MAX_BODY_BYTES} bytes.`);
      return;
    }
    let payload: unknown;
    try {
      payload = body ? JSON.parse(body) : {};
    } catch {
      sendJson(response, 400, { ok: false, error: { code: 'invalid-request', message: 'the request body is not valid JSON' } });
      return;
    }
    const result = await dispatch(this.options.handlers, method, payload);
    sendJson(response, result.ok || result.error.code !== 'invalid-request' ? 200 : 400, result);
  }

  private stream(response: http.ServerResponse): void {
    const oldest = this.streams.size >= MAX_EVENT_STREAMS ? this.streams.values().next().value : undefined;
    if (oldest) {
      this.streams.delete(oldest);
      oldest.end();
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    response.on('error', () => response.destroy());
    this.streams.add(response);
    const write = (text: string) => {
      if (response.writableEnded || response.destroyed) return;
      // A client that does not keep up is dropped rather than buffered without bound; it reconnects.
      if (!response.write(text)) response.end();
    };
    write(': connected\n\n');
    const unsubscribe = this.options.events.subscribe((name, payload) => write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`));
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    response.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(response);
    });
  }

  private serveFile(pathname: string, response: http.ServerResponse): void {
    const root = path.resolve(this.options.staticDir);
    const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
    const file = path.resolve(root, relative);
    if (file !== root && !file.startsWith(root + path.sep)) {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
      return;
    }
    const target = existsSync(file) && statSync(file).isFile() ? file : path.join(root, 'index.html');
    if (!existsSync(target)) {
      send(
        response,
        503,
        'text/plain; charset=utf-8',
        `The Porchlight window is not built (${root} is missing). Run \`npm run build\`, then start again.`,
      );
      return;
    }
    const type = CONTENT_TYPES[path.extname(target)] ?? 'application/octet-stream';
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': type };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    if (target.includes(`${path.sep}assets${path.sep}`)) headers['Cache-Control'] = 'private, max-age=31536000, immutable';
    response.writeHead(200, headers);
    pipeline(createReadStream(target), response).catch(() => response.destroy());
  }
}

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type });
  response.end(body);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too large'));
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
