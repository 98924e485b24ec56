import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookServer } from '../../../test/helpers/alert-servers.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { testAlert } from './alert.js';
import { SecretStore } from './secret-store.js';
import { WEBHOOK_SCHEMA, webhookSignature, webhookSink } from './webhook-sink.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  removeTempDirs();
});

describe('the webhook sink', () => {
  it('POSTs the documented JSON, signed with the HMAC-SHA256 of the body when a secret is set', async () => {
    const server = await startWebhookServer({ secret: 'whsec-0123456789' });
    stops.push(server.stop);
    const secrets = new SecretStore(tempDir());
    await secrets.write('webhook-1', 'whsec-0123456789');
    const sink = webhookSink({ id: 'webhook-1', kind: 'webhook', url: `${server.url}/hooks/porchlight` }, secrets, os.hostname(), Date.now);
    const alert = { ...testAlert(1_800_000_000_000), kind: 'check-failing' as const, title: 'Firewall: needs attention', body: 'The firewall is off', severity: 'high' as const, checkId: 'firewall' };
    await sink.send(alert, new AbortController().signal);
    expect(server.verified).toHaveLength(1);
    const { request, payload } = server.verified[0]!;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/porchlight', headers: { 'content-type': 'application/json' } });
    expect(request.headers['x-porchlight-signature']).toBe(webhookSignature(request.body, 'whsec-0123456789'));
    expect(payload).toEqual({
      schema: WEBHOOK_SCHEMA,
      kind: 'check-failing',
      title: 'Firewall: needs attention',
      body: 'The firewall is off',
      severity: 'high',
      checkId: 'firewall',
      findingId: null,
      key: alert.key,
      at: '2027-01-15T08:00:00.000Z',
      device: os.hostname(),
    });
  });

  it('sends no signature without a secret, and a receiver expecting one refuses it (not retried)', async () => {
    const server = await startWebhookServer({ secret: 'expected' });
    stops.push(server.stop);
    const sink = webhookSink({ id: 'webhook-2', kind: 'webhook', url: server.url }, new SecretStore(tempDir()), 'laptop', Date.now);
    await expect(sink.send(testAlert(0), new AbortController().signal)).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('answered 401') });
    expect(server.requests[0]!.headers['x-porchlight-signature']).toBeUndefined();
  });
});
