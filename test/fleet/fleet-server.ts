/**
 * A Fleet-compatible HTTPS server for tests: the endpoints osqueryd uses, answered the way Fleet
 * answers them (fleet server/service/osquery.go, handler.go, transport_error.go), plus Fleet's
 * public /version and /healthz. The test drives it as a Fleet admin would: a live query, a new
 * enroll secret, hosts forgotten (their node keys then answer node_invalid), the server down.
 */
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseJsonObject } from '../../src/core/fleet/preflight.js';
import type { TestCa } from './certificates.js';

export interface EnrolledHost {
  nodeKey: string;
  hostIdentifier: string;
  details: Record<string, Record<string, string>>;
  /** Live queries this host has been sent. */
  sent: Set<string>;
  /** Detail queries go out on the host's first check-in after enrolling, as Fleet does for a new host. */
  detailsDue: boolean;
}

export interface QueryResult {
  hostIdentifier: string;
  rows: Record<string, string>[];
  status: number;
  message: string;
}

interface Campaign {
  id: string;
  sql: string;
  results: QueryResult[];
  waiters: ((result: QueryResult) => void)[];
}

export interface FleetServerOptions {
  ca: TestCa;
  secret: string;
  /** Names on the server's certificate (default: 127.0.0.1 and localhost). */
  certificateHosts?: string[];
  /** A certificate whose validity ended yesterday. */
  expiredCertificate?: boolean;
}

/** Fleet's default agent options (fleet server/fleet/agent_options.go), quicker for tests. */
export function fleetAgentOptions(): Record<string, unknown> {
  return {
    options: {
      pack_delimiter: '/',
      logger_tls_period: 1,
      distributed_plugin: 'tls',
      disable_distributed: false,
      logger_tls_endpoint: '/api/osquery/log',
      distributed_interval: 1,
      distributed_tls_max_attempts: 3,
    },
    decorators: { load: ['SELECT uuid AS host_uuid FROM system_info;', 'SELECT hostname AS hostname FROM system_info;'] },
  };
}

/** Two of Fleet's detail queries (fleet server/service/osquery_utils/queries.go), sent to a newly enrolled host. */
const DETAIL_QUERIES: Record<string, string> = {
  fleet_detail_query_osquery_info: 'select * from osquery_info limit 1',
  fleet_detail_query_system_info: 'select * from system_info limit 1',
};

export class FleetTestServer {
  /** The enroll secret the server accepts now. */
  secret: string;
  /** What the config endpoint answers (options, decorators); packs are added from `packs`. */
  agentOptions: Record<string, unknown> = fleetAgentOptions();
  /** Scheduled queries, by pack name then query name. */
  packs: Record<string, Record<string, { query: string; interval: number }>> = {};
  healthy = true;
  readonly hosts = new Map<string, EnrolledHost>();
  readonly enrollments: { secret: string; hostIdentifier: string; accepted: boolean }[] = [];
  readonly logs: { status: Record<string, unknown>[]; result: Record<string, unknown>[] } = { status: [], result: [] };
  /** Every request by path, for what osqueryd asked. */
  readonly requests: { method: string; path: string; nodeKey: string | undefined; at: number }[] = [];
  private readonly campaigns: Campaign[] = [];
  private readonly sockets = new Set<Duplex>();
  private server: https.Server;
  private nextCampaign = 1;
  port = 0;

  private constructor(options: FleetServerOptions) {
    this.secret = options.secret;
    const { certPem, keyPem } = options.ca.issue(options.certificateHosts ?? ['127.0.0.1', 'localhost'], { expired: options.expiredCertificate });
    this.server = https.createServer({ cert: certPem, key: keyPem }, (request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FleetServerOptions): Promise<FleetTestServer> {
    const server = new FleetTestServer(options);
    await server.listen(0);
    return server;
  }

  get hostname(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `https://${this.hostname}`;
  }

  /** The server goes away: connections are cut and the port refuses new ones. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Back on the same port. */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  /** A live query to every enrolled host, as Fleet's "Run query" does; resolves with the first host's answer. */
  liveQuery(sql: string): { id: string; result: Promise<QueryResult> } {
    const campaign: Campaign = { id: `fleet_distributed_query_${this.nextCampaign++}`, sql, results: [], waiters: [] };
    this.campaigns.push(campaign);
    return { id: campaign.id, result: new Promise((resolve) => campaign.waiters.push(resolve)) };
  }

  /** The admin deletes the hosts: their node keys answer node_invalid, and osquery enrolls again. */
  forgetHosts(): void {
    this.hosts.clear();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'https://fleet').pathname;
    const body = await readBody(request);
    const json = parseJsonObject(body);
    this.requests.push({ method: request.method ?? '', path, nodeKey: typeof json?.node_key === 'string' ? json.node_key : undefined, at: Date.now() });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(payload));
    };
    // Fleet's public endpoints (fleet cmd/fleet/serve.go; server/version/version.go; server/health/health.go).
    if (request.method === 'GET' && path === '/version') {
      return send(200, { version: '4.99.0-test', branch: 'main', revision: 'test', go_version: 'go1.24', build_date: '2026-01-01', build_user: 'test' });
    }
    if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(this.healthy ? 200 : 500);
      return void response.end();
    }
    // The osquery endpoints, at /api/osquery/… and the /api/v1/osquery/… alternative (handler.go).
    const endpoint = /^\/api(?:\/v1)?\/osquery\/(enroll|config|distributed\/read|distributed\/write|log)$/.exec(path)?.[1];
    if (request.method !== 'POST' || !endpoint || !json) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return void response.end('404 page not found\n');
    }
    if (endpoint === 'enroll') return this.enroll(json, send);
    // AuthenticateHost: an unknown node key is a 401 with node_invalid (osquery.go; transport_error.go).
    const host = typeof json.node_key === 'string' ? this.hosts.get(json.node_key) : undefined;
    if (!host) return send(401, { error: `authentication error: invalid node key: ${String(json.node_key ?? '')}`, node_invalid: true });
    switch (endpoint) {
      case 'config':
        return send(200, { ...this.agentOptions, packs: this.packConfig() });
      case 'distributed/read':
        return send(200, this.distributedQueries(host));
      case 'distributed/write':
        this.recordResults(host, json);
        return send(200, {});
      case 'log': {
        const type = json.log_type === 'result' ? 'result' : 'status';
        this.logs[type].push(...((json.data as Record<string, unknown>[] | undefined) ?? []));
        return send(200, {});
      }
    }
  }

  /** EnrollAgent (osquery.go): an unknown secret is "enroll failed", 401, node_invalid. */
  private enroll(json: Record<string, unknown>, send: (status: number, payload: unknown) => void): void {
    const secret = typeof json.enroll_secret === 'string' ? json.enroll_secret : '';
    const hostIdentifier = typeof json.host_identifier === 'string' ? json.host_identifier : '';
    const accepted = secret !== '' && secret === this.secret;
    this.enrollments.push({ secret, hostIdentifier, accepted });
    if (!accepted) return send(401, { error: 'enroll failed: no matching secret found', node_invalid: true });
    // A host enrolling again under the same identifier is the same host with a new key.
    for (const [key, host] of this.hosts) if (host.hostIdentifier === hostIdentifier) this.hosts.delete(key);
    const nodeKey = randomBytes(18).toString('base64url');
    const details = (json.host_details ?? {}) as Record<string, Record<string, string>>;
    this.hosts.set(nodeKey, { nodeKey, hostIdentifier, details, sent: new Set(), detailsDue: true });
    send(200, { node_key: nodeKey });
  }

  private packConfig(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.packs).map(([name, queries]) => [name, { queries }]));
  }

  /** GetDistributedQueries (osquery.go): detail, then live queries, each with a "SELECT 1" discovery. */
  private distributedQueries(host: EnrolledHost): { queries: Record<string, string>; discovery: Record<string, string> } {
    const queries: Record<string, string> = {};
    if (host.detailsDue) {
      Object.assign(queries, DETAIL_QUERIES);
      host.detailsDue = false;
    }
    for (const campaign of this.campaigns) {
      if (host.sent.has(campaign.id)) continue;
      host.sent.add(campaign.id);
      queries[campaign.id] = campaign.sql;
    }
    return { queries, discovery: Object.fromEntries(Object.keys(queries).map((name) => [name, 'SELECT 1'])) };
  }

  private recordResults(host: EnrolledHost, json: Record<string, unknown>): void {
    const results = (json.queries ?? {}) as Record<string, unknown>;
    const statuses = (json.statuses ?? {}) as Record<string, number>;
    const messages = (json.messages ?? {}) as Record<string, string>;
    for (const [id, rows] of Object.entries(results)) {
      const campaign = this.campaigns.find((c) => c.id === id);
      if (!campaign) continue;
      const result: QueryResult = {
        hostIdentifier: host.hostIdentifier,
        rows: Array.isArray(rows) ? (rows as Record<string, string>[]) : [],
        status: Number(statuses[id] ?? 0),
        message: messages[id] ?? '',
      };
      campaign.results.push(result);
      for (const waiter of campaign.waiters.splice(0)) waiter(result);
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', () => resolve(text));
  });
}

