import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it arrived on the wire, for assertions and for the record of what a sink sent. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Header names as sent, with their values, in order. */
  rawHeaders: [string, string][];
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

export function describeRequest(request: ReceivedRequest): string {
  return [`${request.method} ${request.path} HTTP/1.1`, ...request.rawHeaders.map(([name, value]) => `${name}: ${value}`), '', request.body].join('\n');
}

/** What a test server answers one request with; `hang` holds it open until the server stops. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

interface RunningServer {
  url: string;
  requests: ReceivedRequest[];
  /** Requests still held open (hanging). */
  open(): number;
  stop(): Promise<void>;
}

async function serve(handle: (request: ReceivedRequest) => Answer): Promise<RunningServer> {
  const requests: ReceivedRequest[] = [];
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawHeaders: [string, string][] = [];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) rawHeaders.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        rawHeaders,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        bytes: Buffer.concat(chunks),
      };
      requests.push(request);
      const answer = handle(request);
      if (answer === 'hang') {
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      }
      response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    open: () => [...held].filter((response) => !response.destroyed && !response.writableEnded).length,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A message as ntfy stores it after parsing a publish request. */
export interface NtfyMessage {
  id: string;
  event: 'message';
  topic: string;
  title: string;
  message: string;
  priority: number;
  tags: string[];
  click: string;
}

const TOPIC_PATH = /^\/([-_A-Za-z0-9]{1,64})$/;
const PRIORITIES: Record<string, number> = { '': 0, '1': 1, min: 1, '2': 2, low: 2, '3': 3, default: 3, '4': 4, high: 4, '5': 5, max: 5, urgent: 5 };
const MESSAGE_LIMIT_BYTES = 4096;

/**
 * An ntfy-compatible server for tests, parsing a publish as ntfy's server does (server.go,
 * util.go at v2): PUT/POST to /<topic> (its topic regex), parameters from headers first (X-Title,
 * Title, t, …; RFC 2047 encoded words decoded, the HTTP "Priority: u=…" header ignored) then the
 * query, the body as the message (valid UTF-8, trimmed, at most 4096 bytes, else it would be an
 * attachment, which this server, like one without an attachment cache, refuses), and an access
 * token as `Authorization: Bearer`. It answers with the message as JSON, and ntfy's error JSON.
 */
export async function startNtfyServer(options: { token?: string; answer?: (request: ReceivedRequest) => Answer | undefined } = {}) {
  const messages: NtfyMessage[] = [];
  const error = (status: number, code: number, text: string): Answer => ({ status, body: JSON.stringify({ code, http: status, error: text }) });
  const server = await serve((request) => {
    const scripted = options.answer?.(request);
    if (scripted) return scripted;
    const url = new URL(request.path, 'http://ntfy.test');
    const topic = TOPIC_PATH.exec(url.pathname)?.[1];
    if (!topic || (request.method !== 'POST' && request.method !== 'PUT')) return error(404, 40401, 'page not found');
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) return error(401, 40101, 'unauthorized');
    const param = (...names: string[]) => readParam(request, url, names);
    const priority = PRIORITIES[param('x-priority', 'priority', 'prio', 'p').toLowerCase()];
    if (priority === undefined) return error(400, 40007, 'invalid priority');
    if (request.bytes.length > MESSAGE_LIMIT_BYTES || !isUtf8(request.bytes)) return error(400, 40014, 'attachments not allowed');
    const message: NtfyMessage = {
      id: randomBytes(6).toString('hex'),
      event: 'message',
      topic,
      title: param('x-title', 'title', 't'),
      message: request.body.trim() || param('x-message', 'message', 'm') || 'triggered',
      priority,
      tags: param('x-tags', 'tags', 'tag', 'ta')
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
      click: param('x-click', 'click'),
    };
    messages.push(message);
    return { status: 200, body: JSON.stringify({ ...message, time: Math.floor(Date.now() / 1000) }) };
  });
  return { ...server, messages };
}

function readParam(request: ReceivedRequest, url: URL, names: string[]): string {
  for (const name of names) {
    const header = request.headers[name.toLowerCase()];
    const value = decodeHeader(name, typeof header === 'string' ? header : '').trim();
    if (value) return value;
  }
  for (const name of names) {
    const value = url.searchParams.get(name.toLowerCase())?.trim();
    if (value) return value;
  }
  return '';
}

/** Go's mime.WordDecoder for =?charset?B|Q?…?= words, and ntfy's rule for the HTTP Priority header (RFC 9218). */
function decodeHeader(name: string, value: string): string {
  if (name.toLowerCase() === 'priority' && /^u=\d,\s*(i|\d)$|^u=\d$/.test(value.trim())) return '';
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_word, charset: string, encoding: string, text: string) => {
    if (!/^utf-8$/i.test(charset)) return _word;
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    return bytes.toString('utf8');
  });
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A webhook receiver that checks X-Porchlight-Signature against its secret, as the docs tell receivers to. */
export async function startWebhookServer(options: { secret?: string; answer?: (request: ReceivedRequest) => Answer | undefined } = {}) {
  const verified: { request: ReceivedRequest; payload: Record<string, unknown> }[] = [];
  const server = await serve((request) => {
    const scripted = options.answer?.(request);
    if (scripted) return scripted;
    if (options.secret !== undefined) {
      const expected = Buffer.from(`sha256=${createHmac('sha256', options.secret).update(request.body, 'utf8').digest('hex')}`);
      const given = Buffer.from(String(request.headers['x-porchlight-signature'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 401, body: '{"error":"bad signature"}' };
    }
    verified.push({ request, payload: JSON.parse(request.body) as Record<string, unknown> });
    return { status: 204 };
  });
  return { ...server, verified };
}
