import { afterEach, describe, expect, it } from 'vitest';
import { ExtensionSocketClient } from '../../src/core/osquery/extension-socket-client.js';
import {
  OsqueryConnectionError,
  OsqueryProtocolError,
  OsqueryTimeoutError,
} from '../../src/core/osquery/errors.js';
import { removeTempDirs, startStandin, tempDir, type RunningStandin } from '../helpers/standin.js';

const standins: RunningStandin[] = [];
const clients: ExtensionSocketClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(standins.splice(0).map((s) => s.stop()));
  removeTempDirs();
});

async function connect(env: Record<string, string> = {}, callTimeoutMs = 5_000) {
  const standin = await startStandin(env);
  standins.push(standin);
  const client = new ExtensionSocketClient({ socketPath: standin.socketPath, callTimeoutMs });
  clients.push(client);
  return { standin, client };
}

describe('ExtensionSocketClient against the stand-in', () => {
  it('serialises concurrent calls on one connection and keeps answers in order', async () => {
    const { client } = await connect();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.query(`SELECT ${i} AS n`)));
    expect(answers.map((rows) => rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('answers options() and extensions() from the extension manager', async () => {
    const { client, standin } = await connect();
    const options = await client.options();
    expect(options.extensions_socket?.value).toBe(standin.socketPath);
    expect((await client.extensions()).size).toBe(0);
  });

  it('times out a slow answer, names the query and the limit, and recovers on the next call', async () => {
    const { client } = await connect({ STANDIN_FAULT: 'slow=400' }, 100);
    const error = await client.query('SELECT 42 AS slow_one').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsqueryTimeoutError);
    expect((error as Error).message).toBe('osquery query "SELECT 42 AS slow_one" did not answer within 100 ms');
    expect(await client.query('SELECT 1 AS fine', 2_000)).toEqual([{ fine: '1' }]);
  });

  it('reports garbage on the wire as a protocol error', async () => {
    const { client } = await connect({ STANDIN_FAULT: 'garbage' });
    await expect(client.ping()).rejects.toBeInstanceOf(OsqueryProtocolError);
  });

  it('says the daemon is not running when there is no socket', async () => {
    const client = new ExtensionSocketClient({ socketPath: `${tempDir()}/missing.em` });
    clients.push(client);
    const error = await client.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsqueryConnectionError);
    expect((error as Error).message).toMatch(/^osqueryd is not running: no socket at /);
  });

  it('fails the call in flight when the daemon dies, then reconnects to a new daemon on the same socket', async () => {
    const { client, standin } = await connect({ STANDIN_FAULT: 'slow=300' });
    const inFlight = client.query('SELECT 1').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await standin.stop();
    expect(await inFlight).toBeInstanceOf(OsqueryConnectionError);
    await expect(client.ping()).rejects.toBeInstanceOf(OsqueryConnectionError);

    const restarted = await startStandin({}, standin.socketPath);
    standins.push(restarted);
    expect(await client.query('SELECT 7 AS again')).toEqual([{ again: '7' }]);
  });
});
