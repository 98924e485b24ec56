import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRequest, startNtfyServer, startWebhookServer, type ReceivedRequest } from '../helpers/alert-servers.js';
import { CLI, copyDemoLaptop, REPO_ROOT, removeTempDirs, runCli, runCliHere, standinEnv, STANDIN_OSQUERYD, tempDir, type Laptop } from '../helpers/standin.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

const TOKEN = 'tk_ann_7Rq2xVb9LmP4';
const SECRET = 'whsec_3f9a8c1d7e';

function laptop() {
  const dir = tempDir();
  const { fixture, edit } = copyDemoLaptop(dir);
  const dataDir = path.join(dir, 'data');
  const env = { STANDIN_FIXTURE: fixture, PORCHLIGHT_OSQUERYD: STANDIN_OSQUERYD, PORCHLIGHT_HOME: dataDir };
  // The alerts commands run in this process; a scan runs as its own `porchlight check`, as a person's would.
  const porchlight = (args: string[]) => (args[0] === 'check' ? runCli(args, env) : runCliHere(args, env));
  const tokenFile = path.join(dir, 'ntfy-token');
  const secretFile = path.join(dir, 'webhook-secret');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  writeFileSync(secretFile, SECRET);
  return { porchlight, edit, dataDir, env, tokenFile, secretFile, dir };
}

async function servers() {
  const ntfy = await startNtfyServer({ token: TOKEN });
  const webhook = await startWebhookServer({ secret: SECRET });
  cleanups.push(ntfy.stop, webhook.stop);
  return { ntfy, webhook };
}

/** `porchlight daemon` with its JSON lines, after its first scan. */
async function startDaemon(env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, 'daemon'], { env: standinEnv(env) });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  const lines: string[] = [];
  const events: { event: string; [key: string]: unknown }[] = [];
  const firstScan = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      events.push(JSON.parse(line) as (typeof events)[number]);
      if (events.at(-1)!.event === 'scan-finished') resolve();
    });
  });
  await firstScan;
  return { lines, events, stop: () => child.kill('SIGTERM'), exited };
}

const newListener = (laptop: Laptop) => {
  laptop.tables.processes!.push({ pid: 5151, name: 'python3', path: '/usr/bin/python3', uid: 1000 });
  laptop.tables.process_open_sockets!.push({ pid: 5151, socket: 30001, family: 2, protocol: 6, local_address: '0.0.0.0', local_port: 8080, remote_port: 0, state: 'LISTEN' });
};

interface SinkJson {
  id: string;
  kind: string;
  target: string;
  secret: string | null;
  removable: boolean;
  lastDelivery: { ok: boolean; message: string } | null;
}

/** What each sink sent, as its test server received it: kept for the record in test-results/. */
function keepRecord(name: string, requests: ReceivedRequest[]): void {
  mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'test-results', name), requests.map(describeRequest).join('\n\n----\n\n') + '\n');
}

describe('porchlight alerts, with porchlight daemon running on the stand-in', () => {
  it('sends one alert for a new finding to ntfy, the webhook and the daemon output, one test each, and never shows a secret', async () => {
    const { porchlight, edit, dataDir, env, tokenFile, secretFile } = laptop();
    const { ntfy, webhook } = await servers();
    const daemon = await startDaemon(env);

    const addNtfy = await porchlight(['alerts', 'add', 'ntfy', `${ntfy.url}/porchlight-ann`, '--token-file', tokenFile, '--click', 'https://ann.example/porchlight']);
    expect(addNtfy.code).toBe(0);
    expect(addNtfy.stdout).toMatch(new RegExp(`^Added (ntfy-[0-9a-f]{6}): alerts go to ${ntfy.url}/porchlight-ann \\(with its token\\)\\.\\nTry it: porchlight alerts test ntfy-[0-9a-f]{6}\\n$`));
    expect(addNtfy.stderr).toBe(`warning: ${ntfy.url} is plain http: alerts (and any token) cross the network unencrypted, readable by anyone on it\n`);
    const addWebhook = await porchlight(['alerts', 'add', 'webhook', `${webhook.url}/hooks/porchlight`, '--secret-file', secretFile, '--json']);
    expect(addWebhook.code).toBe(0);
    const hook = JSON.parse(addWebhook.stdout) as SinkJson;
    expect(hook).toMatchObject({ kind: 'webhook', secret: 'set', removable: true, lastDelivery: null });

    // The daemon's first scan told its output about what it found then; the destinations came later.
    const alertLines = () => daemon.events.filter((e) => e.event === 'alert');
    expect(alertLines().map((e) => e.title)).toEqual(['13 things need your attention']);
    edit(newListener);
    const check = await porchlight(['check', '--json']);
    expect(JSON.parse(check.stdout)).toMatchObject({ scan: { via: 'agent' }, changes: { new: [{ title: 'python3 listens on tcp port 8080 (all interfaces)' }] } });
    await expect.poll(() => [ntfy.messages.length, webhook.verified.length, alertLines().length]).toEqual([1, 1, 2]);
    expect(ntfy.messages[0]).toMatchObject({
      topic: 'porchlight-ann',
      title: 'New service open to the network',
      message: 'python3 listens on tcp port 8080 (all interfaces): reachable from other machines on the network',
      priority: 4,
      tags: ['warning', 'porchlight', 'listening-ports'],
      click: 'https://ann.example/porchlight',
    });
    expect(webhook.verified[0]!.payload).toMatchObject({ schema: 'porchlight.alert.v1', kind: 'new-finding', title: 'New service open to the network', severity: 'high', checkId: 'listening-ports' });
    expect(alertLines()[1]).toMatchObject({ kind: 'new-finding', title: 'New service open to the network', checkId: 'listening-ports' });

    const test = await porchlight(['alerts', 'test']);
    expect(test.code).toBe(0);
    expect(test.stdout.split('\n').filter(Boolean).sort()).toEqual([`${hook.id}: delivered`, expect.stringMatching(/^ntfy-[0-9a-f]{6}: delivered$/), 'stdout: delivered'].sort());
    expect(ntfy.messages.map((m) => m.title)).toEqual(['New service open to the network', 'Porchlight test alert']);
    expect(webhook.verified.map((v) => v.payload.kind)).toEqual(['new-finding', 'test']);
    expect(ntfy.requests).toHaveLength(2);
    keepRecord('alerts-ntfy.txt', ntfy.requests);
    keepRecord('alerts-webhook.txt', webhook.requests);
    writeFileSync(path.join(REPO_ROOT, 'test-results', 'alerts-daemon.txt'), daemon.lines.filter((line) => line.includes('"event":"alert"')).join('\n') + '\n');

    const [list, text] = await Promise.all([porchlight(['alerts', 'list', '--json']), porchlight(['alerts', 'list'])]);
    const sinks = JSON.parse(list.stdout) as SinkJson[];
    expect(sinks.map(({ kind, secret, removable, lastDelivery }) => ({ kind, secret, removable, ok: lastDelivery?.ok }))).toEqual([
      { kind: 'ntfy', secret: 'set', removable: true, ok: true },
      { kind: 'webhook', secret: 'set', removable: true, ok: true },
      { kind: 'stdout', secret: null, removable: false, ok: true },
    ]);
    expect(text.stdout).toContain(`${hook.id}  webhook  ${webhook.url}/hooks/porchlight, signed\n    last: `);

    // The secrets live in their 0600 files and nowhere else the owner or a log could see them.
    const config = readFileSync(path.join(dataDir, 'config.json'), 'utf8');
    for (const seen of [config, list.stdout, text.stdout, test.stdout, addNtfy.stdout, addNtfy.stderr, addWebhook.stdout, check.stdout, daemon.lines.join('\n')]) {
      expect(seen).not.toContain(TOKEN);
      expect(seen).not.toContain(SECRET);
    }
    expect(JSON.parse(config).alerts).toHaveLength(2);

    const [removed, own] = await Promise.all([porchlight(['alerts', 'remove', sinks[0]!.id]), porchlight(['alerts', 'remove', 'stdout'])]);
    expect(removed.stdout).toBe(`Removed ${sinks[0]!.id}: alerts no longer go there.\n`);
    expect(existsSync(path.join(dataDir, 'secrets', sinks[0]!.id))).toBe(false);
    expect((JSON.parse(readFileSync(path.join(dataDir, 'config.json'), 'utf8')) as { alerts: { kind: string }[] }).alerts.map((s) => s.kind)).toEqual(['webhook']);
    expect(own).toMatchObject({ code: 2, stderr: expect.stringContaining('"stdout" is porchlight daemon\'s output; it goes with the app') });

    daemon.stop();
    expect(await daemon.exited).toBe(0);
  });
});

describe('porchlight alerts without an agent', () => {
  it('adds and tests destinations in-process, and a CLI scan alerts them before it exits', async () => {
    const { porchlight, dataDir } = laptop();
    const { webhook } = await servers();
    const added = JSON.parse((await porchlight(['alerts', 'add', 'webhook', `${webhook.url}/hook`, '--json'])).stdout) as SinkJson;
    expect(added.secret).toBe('none');
    expect(JSON.parse(readFileSync(path.join(dataDir, 'config.json'), 'utf8')).alerts).toEqual([{ id: added.id, kind: 'webhook', url: `${webhook.url}/hook` }]);

    const check = await porchlight(['check']);
    expect(check.code).toBe(1);
    // The first scan finds 13 things to look at: one summary, not a burst.
    expect(webhook.requests.map((r) => (JSON.parse(r.body) as { title: string }).title)).toEqual(['13 things need your attention']);
    expect(webhook.requests[0]!.headers['x-porchlight-signature']).toBeUndefined();
  });

  it('refuses bad addresses, unreadable secret files and unknown ids, clearly, changing nothing', async () => {
    const { porchlight, dataDir, dir } = laptop();
    const cases: [string[], number, string][] = [
      [['alerts', 'add', 'webhook', 'http://8.8.8.8/hook'], 2, 'plain http to 8.8.8.8 would cross the internet unencrypted; use https'],
      [['alerts', 'add', 'ntfy', 'https://ntfy.sh/t', '--token-file', path.join(dir, 'missing')], 2, `--token-file: cannot read ${path.join(dir, 'missing')} (ENOENT)`],
      [['alerts', 'add', 'webhook', 'https://example.com/h', '--secret-file', dir], 2, `--secret-file: cannot read ${dir} (EISDIR)`],
      [['alerts', 'add', 'webhook', 'https://example.com/h', '--token-file', 'x'], 2, 'a webhook takes --secret-file'],
      [['alerts', 'add', 'email', 'ann@example.com'], 2, 'alerts add takes ntfy URL or webhook URL'],
      [['alerts', 'remove', 'ntfy-000000'], 1, 'no alert destination "ntfy-000000"; `porchlight alerts list` shows them'],
      [['alerts', 'test', 'ntfy-000000'], 1, 'no alert destination "ntfy-000000"'],
    ];
    const results = await Promise.all(cases.map(([args]) => porchlight(args)));
    for (const [index, [args, code, message]] of cases.entries()) {
      expect({ args, code: results[index]!.code, stderr: results[index]!.stderr }).toEqual({ args, code, stderr: expect.stringContaining(message) });
    }
    expect(existsSync(path.join(dataDir, 'secrets'))).toBe(false);
    expect((await porchlight(['alerts', 'list'])).stdout).toContain('Alerts go nowhere else yet.');
    const nothing = await porchlight(['alerts', 'test']);
    expect(nothing).toMatchObject({ code: 1, stdout: 'There is nowhere to send a test: add a destination with `porchlight alerts add`.\n' });
  });
});
