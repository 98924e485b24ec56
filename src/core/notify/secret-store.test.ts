import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { SecretStore, SecretUnavailableError, type SecretCodec } from './secret-store.js';

afterEach(removeTempDirs);

/** Seals like a keystore would: the file never holds the secret as it is. */
const reversing: SecretCodec = {
  name: 'test-keystore',
  encrypt: async (plain) => Buffer.from([...plain].reverse().join(''), 'utf8'),
  decrypt: async (sealed) => [...sealed.toString('utf8')].reverse().join(''),
};

describe('SecretStore', () => {
  it('keeps each secret in its own 0600 file in a 0700 folder of the data dir', async () => {
    const dataDir = tempDir();
    const store = new SecretStore(dataDir);
    expect(store.has('ntfy-abc123')).toBe(false);
    await store.write('ntfy-abc123', 'tk_secret_token');
    expect(store.has('ntfy-abc123')).toBe(true);
    await expect(store.read('ntfy-abc123')).resolves.toBe('tk_secret_token');
    const folder = path.join(dataDir, 'secrets');
    expect(readdirSync(folder)).toEqual(['ntfy-abc123']);
    if (process.platform !== 'win32') {
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(folder, 'ntfy-abc123')).mode & 0o777).toBe(0o600);
    }
    store.remove('ntfy-abc123');
    expect(store.has('ntfy-abc123')).toBe(false);
    await expect(store.read('ntfy-abc123')).resolves.toBeUndefined();
  });

  it('seals secrets with the codec, and a process without it says why it cannot open them', async () => {
    const dataDir = tempDir();
    await new SecretStore(dataDir, reversing).write('webhook-1', 'hmac-key-1234');
    const file = readFileSync(path.join(dataDir, 'secrets', 'webhook-1'), 'utf8');
    expect(file).not.toContain('hmac-key-1234');
    expect(JSON.parse(file)).toMatchObject({ format: 'test-keystore' });
    await expect(new SecretStore(dataDir, reversing).read('webhook-1')).resolves.toBe('hmac-key-1234');
    await expect(new SecretStore(dataDir).read('webhook-1')).rejects.toThrow(SecretUnavailableError);
    await expect(new SecretStore(dataDir).read('webhook-1')).rejects.toThrow(/sealed by the tray app's keystore \(test-keystore\)/);
  });

  it('reads a plain secret written without the codec, also where the codec is', async () => {
    const dataDir = tempDir();
    await new SecretStore(dataDir).write('ntfy-1', 'tk_plain');
    await expect(new SecretStore(dataDir, reversing).read('ntfy-1')).resolves.toBe('tk_plain');
  });

  it('takes only plain names, so no secret lands outside its folder', async () => {
    const store = new SecretStore(tempDir());
    await expect(store.write('../config.json', 'x')).rejects.toThrow(/not a secret name/);
  });
});
