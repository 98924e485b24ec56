import { afterEach, describe, expect, it } from 'vitest';
import { startNtfyServer } from '../../../test/helpers/alert-servers.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import type { Alert } from './alert.js';
import { DeliveryError } from './delivery-queue.js';
import { ntfySink } from './ntfy-sink.js';
import { SecretStore } from './secret-store.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  removeTempDirs();
});

const finding: Alert = {
  key: 'finding:ab12',
  kind: 'new-finding',
  title: 'Neuer Dienst im Netz — prüfen',
  body: 'python3 listens on tcp port 8080 (all interfaces): reachable from other machines',
  severity: 'critical',
  checkId: 'listening-ports',
  findingId: 'ab12',
  at: 1_800_000_000_000,
};

async function ntfy(token?: string) {
  const server = await startNtfyServer({ token });
  stops.push(server.stop);
  return server;
}

describe('the ntfy sink', () => {
  it("publishes as ntfy's docs say: the topic in the path, Title, Priority by severity, Tags, Click, the message as the body", async () => {
    const server = await ntfy('tk_test_token_1');
    const secrets = new SecretStore(tempDir());
    await secrets.write('ntfy-1', 'tk_test_token_1');
    const sink = ntfySink({ id: 'ntfy-1', kind: 'ntfy', url: `${server.url}/porchlight-ann`, click: 'https://ann.example/porchlight' }, secrets, Date.now);
    await sink.send(finding, new AbortController().signal);
    await sink.send({ ...finding, kind: 'test', severity: 'low', title: 'Porchlight test alert', checkId: undefined }, new AbortController().signal);
    expect(server.messages.map(({ id: _id, ...message }) => message)).toEqual([
      {
        event: 'message',
        topic: 'porchlight-ann',
        title: 'Neuer Dienst im Netz — prüfen',
        message: 'python3 listens on tcp port 8080 (all interfaces): reachable from other machines',
        priority: 5,
        tags: ['rotating_light', 'porchlight', 'listening-ports'],
        click: 'https://ann.example/porchlight',
      },
      expect.objectContaining({ title: 'Porchlight test alert', priority: 2, tags: ['test_tube', 'porchlight'] }),
    ]);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tk_test_token_1');
  });

  it.each([
    ['low', 2],
    ['medium', 3],
    ['high', 4],
    ['critical', 5],
  ] as const)('gives a %s check ntfy priority %i', async (severity, priority) => {
    const server = await ntfy();
    const sink = ntfySink({ id: 'ntfy-2', kind: 'ntfy', url: `${server.url}/t`, click: null }, new SecretStore(tempDir()), Date.now);
    await sink.send({ ...finding, severity }, new AbortController().signal);
    expect(server.messages[0]).toMatchObject({ priority, click: '' });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("says what ntfy answered when it refuses, and does not retry that", async () => {
    const server = await ntfy('tk_right');
    const secrets = new SecretStore(tempDir());
    await secrets.write('ntfy-3', 'tk_wrong');
    const sink = ntfySink({ id: 'ntfy-3', kind: 'ntfy', url: `${server.url}/t`, click: null }, secrets, Date.now);
    const failure = sink.send(finding, new AbortController().signal);
    await expect(failure).rejects.toThrow(DeliveryError);
    await expect(failure).rejects.toMatchObject({
      retryable: false,
      message: `${new URL(server.url).host} answered 401 Unauthorized: {"code":40101,"http":401,"error":"unauthorized"}`,
    });
  });
});
