import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { errorMessage } from '../core/error-message.js';

/**
 * `GET /metrics` in Prometheus' text format on 127.0.0.1, for a local Prometheus to scrape;
 * everything else is 404. The Host header is checked, as the HTTP bridge does, so a web page
 * cannot read it through DNS rebinding.
 */
export class MetricsServer {
  private readonly server: http.Server;
  private port = 0;

  constructor(
    private readonly registry: Registry,
    private readonly requestedPort: number,
  ) {
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, `Metrics could not be collected: ${errorMessage(error)}\n`);
        else response.destroy();
      });
    });
  }

  async start(): Promise<{ url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`the metrics port ${this.requestedPort} on 127.0.0.1 is taken by another program; choose another`)
            : error,
        ),
      );
      this.server.listen(this.requestedPort, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${this.port}/metrics` };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (![`127.0.0.1:${this.port}`, `localhost:${this.port}`].includes(request.headers.host ?? '')) {
      send(response, 403, 'Forbidden: unexpected Host header.\n');
      return;
    }
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (pathname !== '/metrics') {
      send(response, 404, 'Not found: Porchlight serves /metrics only.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, 405, 'Method not allowed.\n');
      return;
    }
    const text = await this.registry.metrics();
    response.writeHead(200, { 'Content-Type': this.registry.contentType, 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : text);
  }
}

function send(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
