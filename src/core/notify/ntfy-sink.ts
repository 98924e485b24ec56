import type { Severity } from '../checks/definition.js';
import type { AlertSinkSetting } from '../settings/alert-sink-settings.js';
import type { Alert } from './alert.js';
import type { AlertSink } from './alert-sink.js';
import { checkNtfyTopicUrl } from './endpoint.js';
import { httpAlertSink, type AlertRequest } from './http-post.js';
import type { SecretStore } from './secret-store.js';

type NtfySetting = Extract<AlertSinkSetting, { kind: 'ntfy' }>;

/** ntfy's priorities (1 min … 5 max/urgent), by the check's severity. */
const PRIORITY: Record<Severity, string> = { low: 'low', medium: 'default', high: 'high', critical: 'urgent' };
/** ntfy shows a tag that names an emoji as that emoji before the title. */
const EMOJI: Record<Severity, string> = { low: 'information_source', medium: 'mag', high: 'warning', critical: 'rotating_light' };
/** ntfy turns a longer message into an attachment. */
const MAX_MESSAGE_BYTES = 4000;

/**
 * The request ntfy's publish API takes (docs.ntfy.sh/publish): POST to the topic's address, the
 * message as the body, Title / Priority / Tags / Click as headers, an access token as Bearer.
 */
export function ntfyRequest(setting: NtfySetting, alert: Alert, token: string | undefined): AlertRequest {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    Title: headerValue(alert.title),
    Priority: PRIORITY[alert.severity],
    Tags: [alert.kind === 'test' ? 'test_tube' : EMOJI[alert.severity], 'porchlight', ...(alert.checkId ? [alert.checkId] : [])].join(','),
  };
  if (setting.click) headers.Click = setting.click;
  if (token) headers.Authorization = `Bearer ${token}`;
  return { url: checkNtfyTopicUrl(setting.url).url, headers, body: truncateUtf8(alert.body, MAX_MESSAGE_BYTES) };
}

export function ntfySink(setting: NtfySetting, secrets: SecretStore, now: () => number): AlertSink {
  return httpAlertSink(setting, secrets, now, (alert, token) => ntfyRequest(setting, alert, token));
}

/**
 * One line; beyond ASCII as an RFC 2047 encoded word, which ntfy decodes (and Node refuses raw in
 * a header).
 */
function headerValue(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut, 'utf8') > maxBytes - 3) cut = cut.slice(0, -1);
  return `${cut}…`;
}
