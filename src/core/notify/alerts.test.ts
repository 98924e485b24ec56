import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startNtfyServer, startWebhookServer } from '../../../test/helpers/alert-servers.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import type { ScanReport } from '../checks/scanner.js';
import { DEFAULT_SETTINGS } from '../settings/settings.js';
import type { Alert } from './alert.js';
import { Alerts, SinkNotRemovableError, UnknownSinkError } from './alerts.js';
import { EndpointError } from './endpoint.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  removeTempDirs();
});

/** A scan that found one new exposed service. */
function scanWithNewPort(scanId = 1): ScanReport {
  const finding = {
    id: 'f00d',
    checkId: 'listening-ports',
    key: 'tcp:8080:python3',
    title: 'python3 listens on tcp port 8080 (all interfaces)',
    reason: 'reachable from other machines',
    detail: {},
    counted: true,
    acknowledged: false,
  };
  return {
    scanId,
    trigger: 'manual',
    platform: 'linux',
    startedAt: 0,
    finishedAt: 0,
    osqueryMs: 0,
    totalMs: 0,
    results: [
      {
        checkId: 'listening-ports',
        title: 'Services open to the network',
        category: 'network',
        severity: 'high',
        source: { kind: 'builtin', name: 'Built-in' },
        resolution: '',
        status: 'fail',
        summary: '1 finding needs attention',
        reason: '',
        findings: [finding],
        confirmation: null,
        queryMs: 0,
      },
    ],
    changes: { new: [{ ...finding, firstSeen: 0, lastSeen: 0, resolvedAt: null, acknowledgedUntil: null }], resolved: [], failing: [], fixed: [] },
  };
}

describe('Alerts', () => {
  it('hands the same alerts to every sink, and a sink that hangs holds up no other', async () => {
    const ntfy = await startNtfyServer();
    const hanging = await startWebhookServer({ answer: () => 'hang' });
    stops.push(ntfy.stop, hanging.stop);
    const alerts = new Alerts({ dataDir: tempDir(), stopGraceMs: 0 });
    stops.push(() => alerts.stop());
    alerts.configure([
      { id: 'slow', kind: 'webhook', url: hanging.url },
      { id: 'phone', kind: 'ntfy', url: `${ntfy.url}/ann`, click: null },
    ]);
    const shown: Alert[] = [];
    alerts.register({ id: 'desktop', kind: 'desktop', target: 'notifications on this computer', send: async (alert) => void shown.push(alert) });

    const decided = alerts.afterScan(scanWithNewPort(), DEFAULT_SETTINGS.notifications);
    expect(decided.map((a) => a.title)).toEqual(['New service open to the network']);
    await expect.poll(() => ntfy.messages.length).toBe(1);
    await expect.poll(() => hanging.open()).toBe(1);
    expect(shown).toEqual(decided);
    expect(ntfy.messages[0]).toMatchObject({ title: 'New service open to the network', message: 'python3 listens on tcp port 8080 (all interfaces): reachable from other machines', priority: 4 });
    await expect.poll(() => alerts.list().map(({ id, queued, lastDelivery }) => ({ id, queued, ok: lastDelivery?.ok ?? null }))).toEqual([
      { id: 'slow', queued: 1, ok: null },
      { id: 'phone', queued: 0, ok: true },
      { id: 'desktop', queued: 0, ok: true },
    ]);
  });

  it('lists each sink with whether a secret is set, never the secret, and the warning of plain http', async () => {
    const dataDir = tempDir();
    const alerts = new Alerts({ dataDir });
    const phone = await alerts.prepare({ kind: 'ntfy', url: 'https://ntfy.sh/ann-laptop', token: 'tk_list_secret' }, []);
    const hook = await alerts.prepare({ kind: 'webhook', url: 'http://192.168.1.20:8080/porchlight' }, [phone]);
    alerts.configure([phone, hook]);
    const listed = alerts.list();
    expect(listed).toEqual([
      { id: phone.id, kind: 'ntfy', target: 'https://ntfy.sh/ann-laptop', secret: 'set', warning: null, removable: true, queued: 0, lastDelivery: null },
      {
        id: hook.id,
        kind: 'webhook',
        target: 'http://192.168.1.20:8080/porchlight',
        secret: 'none',
        warning: expect.stringContaining('http://192.168.1.20:8080 is plain http'),
        removable: true,
        queued: 0,
        lastDelivery: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain('tk_list_secret');
    expect(phone.id).toMatch(/^ntfy-[0-9a-f]{6}$/);
  });

  it('refuses a bad address before writing anything, unknown ids, and removing a shell\'s own sink', async () => {
    const dataDir = tempDir();
    const alerts = new Alerts({ dataDir });
    await expect(alerts.prepare({ kind: 'webhook', url: 'http://203.0.113.5/hook', secret: 'x' }, [])).rejects.toThrow(EndpointError);
    const hook = await alerts.prepare({ kind: 'webhook', url: 'https://example.com/hook' }, []);
    await expect(alerts.prepare({ kind: 'webhook', url: 'https://example.com/hook#again', secret: 'y' }, [hook])).rejects.toThrow(
      `alerts already go to https://example.com/hook (${hook.id}); remove it first to change its token or secret`,
    );
    expect(readdirSync(dataDir)).toEqual([]);
    alerts.register({ id: 'stdout', kind: 'stdout', target: "porchlight daemon's output", send: async () => undefined });
    await expect(alerts.test('nope')).rejects.toThrow(UnknownSinkError);
    expect(() => alerts.checkRemovable('nope')).toThrow(/no alert destination "nope"; `porchlight alerts list` shows them/);
    expect(() => alerts.checkRemovable('stdout')).toThrow(SinkNotRemovableError);
  });

  it('sends a test to each sink at once and says how each went', async () => {
    const ntfy = await startNtfyServer({ token: 'tk_right' });
    stops.push(ntfy.stop);
    const alerts = new Alerts({ dataDir: tempDir() });
    const good = await alerts.prepare({ kind: 'ntfy', url: `${ntfy.url}/good`, token: 'tk_right' }, []);
    const bad = await alerts.prepare({ kind: 'ntfy', url: `${ntfy.url}/bad`, token: 'tk_wrong' }, [good]);
    alerts.configure([good, bad]);
    const results = await alerts.test();
    expect(results.map(({ id, ok, message }) => ({ id, ok, message }))).toEqual([
      { id: good.id, ok: true, message: 'delivered' },
      { id: bad.id, ok: false, message: expect.stringContaining('answered 401 Unauthorized') },
    ]);
    expect(ntfy.messages.map((m) => [m.topic, m.title])).toEqual([['good', 'Porchlight test alert']]);
    expect(alerts.list().find((s) => s.id === bad.id)?.lastDelivery).toMatchObject({ ok: false });
  });

  it('says once that a sink started failing, not at every failure after', async () => {
    const ntfy = await startNtfyServer({ answer: () => ({ status: 403, body: '{"error":"forbidden"}' }) });
    stops.push(ntfy.stop);
    const failing: string[] = [];
    const alerts = new Alerts({ dataDir: tempDir(), onFailing: (sink, result) => failing.push(`${sink.id}: ${result.message}`) });
    alerts.configure([{ id: 'phone', kind: 'ntfy', url: `${ntfy.url}/t`, click: null }]);
    await alerts.test();
    await alerts.test();
    expect(failing).toEqual([expect.stringMatching(/^phone: .* answered 403 Forbidden: \{"error":"forbidden"\}$/)]);
  });
});
