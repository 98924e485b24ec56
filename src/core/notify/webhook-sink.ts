import { createHmac } from 'node:crypto';
import type { AlertSinkSetting } from '../settings/alert-sink-settings.js';
import type { Alert } from './alert.js';
import type { AlertSink } from './alert-sink.js';
import { checkEndpoint } from './endpoint.js';
import { httpAlertSink, type AlertRequest } from './http-post.js';
import type { SecretStore } from './secret-store.js';

type WebhookSetting = Extract<AlertSinkSetting, { kind: 'webhook' }>;

/** Names the body's shape; a change that breaks receivers gets a new one. */
export const WEBHOOK_SCHEMA = 'porchlight.alert.v1';
export const SIGNATURE_HEADER = 'X-Porchlight-Signature';

/** The JSON a webhook receives (documented in docs/alerts.md). */
export interface WebhookBody {
  schema: typeof WEBHOOK_SCHEMA;
  kind: Alert['kind'];
  title: string;
  body: string;
  severity: Alert['severity'];
  checkId: string | null;
  findingId: string | null;
  key: string;
  /** ISO 8601, when Porchlight decided to send it. */
  at: string;
  /** This computer's host name, for a receiver that hears from several. */
  device: string;
}

/** `sha256=` and the hex HMAC-SHA256 of the exact body bytes, keyed with the secret. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function webhookRequest(setting: WebhookSetting, alert: Alert, device: string, secret: string | undefined): AlertRequest {
  const payload: WebhookBody = {
    schema: WEBHOOK_SCHEMA,
    kind: alert.kind,
    title: alert.title,
    body: alert.body,
    severity: alert.severity,
    checkId: alert.checkId ?? null,
    findingId: alert.findingId ?? null,
    key: alert.key,
    at: new Date(alert.at).toISOString(),
    device,
  };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Porchlight' };
  if (secret) headers[SIGNATURE_HEADER] = webhookSignature(body, secret);
  return { url: checkEndpoint(setting.url).url, headers, body };
}

export function webhookSink(setting: WebhookSetting, secrets: SecretStore, device: string, now: () => number): AlertSink {
  return httpAlertSink(setting, secrets, now, (alert, secret) => webhookRequest(setting, alert, device, secret));
}
