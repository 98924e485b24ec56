import http from 'node:http';
import https from 'node:https';
import type { AlertSinkSetting } from '../settings/alert-sink-settings.js';
import { errorMessage } from '../error-message.js';
import type { Alert } from './alert.js';
import type { AlertSink } from './alert-sink.js';
import { DeliveryError } from './delivery-queue.js';
import type { SecretStore } from './secret-store.js';

export interface AlertRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

const EXCERPT_CHARS = 200;
const MAX_ANSWER_BYTES = 4096;

/**
 * POSTs one alert. 2xx is delivered; network trouble, 5xx and 429 may pass (retryable, with the
 * server's Retry-After); other answers will not. Redirects are not followed: the address was
 * checked (https, or http on this network) and a redirect could lead anywhere.
 */
export async function postAlert(request: AlertRequest, signal: AbortSignal, now: () => number, secret?: string): Promise<void> {
  try {
    await post(request, signal, now);
  } catch (error) {
    // A server that echoes the request must not put the token into what Porchlight shows.
    if (secret && error instanceof DeliveryError && error.message.includes(secret)) {
      throw new DeliveryError(error.message.replaceAll(secret, '[secret]'), error);
    }
    throw error;
  }
}

function post(request: AlertRequest, signal: AbortSignal, now: () => number): Promise<void> {
  const { url } = request;
  const transport = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(request.body, 'utf8');
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      url,
      { method: 'POST', headers: { ...request.headers, 'Content-Length': String(body.length) }, signal },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', () => undefined);
        response.on('end', () => {
          if (status >= 200 && status < 300) return resolve();
          const answer = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, EXCERPT_CHARS);
          const said = `${url.host} answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
          if (status >= 300 && status < 400) {
            const location = response.headers.location;
            reject(new DeliveryError(`${said}, a redirect${location ? ` to ${location.slice(0, 200)}` : ''}: give Porchlight the final address instead`, { retryable: false }));
            return;
          }
          const retryable = status === 429 || status === 408 || status >= 500;
          const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now());
          reject(new DeliveryError(answer ? `${said}: ${answer}` : said, { retryable, retryAfterMs }));
        });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) return reject(signal.reason as Error);
      reject(new DeliveryError(`could not reach ${url.host}: ${error.code ?? errorMessage(error)}`, { retryable: true }));
    });
    outgoing.end(body);
  });
}

/** A configured destination reached over HTTP: its secret read at each send, the request made by `request`. */
export function httpAlertSink(
  setting: AlertSinkSetting,
  secrets: SecretStore,
  now: () => number,
  request: (alert: Alert, secret: string | undefined) => AlertRequest,
): AlertSink {
  return {
    id: setting.id,
    kind: setting.kind,
    target: setting.url,
    send: async (alert, signal) => {
      const secret = await secrets.read(setting.id);
      await postAlert(request(alert, secret), signal, now, secret);
    },
  };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
