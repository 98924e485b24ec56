import { describe, expect, it } from 'vitest';
import type { ElectronPort } from './electron-port.js';
import { safeStorageCodec } from './safe-storage-codec.js';

type Backend = ReturnType<ElectronPort['safeStorage']['getSelectedStorageBackend']>;

function fakeSafeStorage(available: boolean, backend: Backend = 'gnome_libsecret'): Pick<ElectronPort, 'safeStorage'> {
  return {
    safeStorage: {
      isAsyncEncryptionAvailable: async () => available,
      getSelectedStorageBackend: () => backend,
      encryptStringAsync: async (plain: string) => Buffer.from(`sealed:${plain}`),
      decryptStringAsync: async (sealed: Buffer) => ({ result: sealed.toString().replace(/^sealed:/, ''), shouldReEncrypt: false }),
    },
  };
}

describe('safeStorage as the secret codec', () => {
  it('seals and opens secrets where the OS keystore is there', async () => {
    const codec = await safeStorageCodec(fakeSafeStorage(true), 'darwin');
    expect(codec?.name).toBe('electron-safeStorage');
    const sealed = await codec!.encrypt('tk_abc');
    expect(sealed.toString()).toBe('sealed:tk_abc');
    await expect(codec!.decrypt(sealed)).resolves.toBe('tk_abc');
  });

  it('is not used where it is unavailable, or on Linux with only its built-in key', async () => {
    expect(await safeStorageCodec(fakeSafeStorage(false), 'win32')).toBeUndefined();
    expect(await safeStorageCodec(fakeSafeStorage(true, 'basic_text'), 'linux')).toBeUndefined();
    expect(await safeStorageCodec(fakeSafeStorage(true, 'kwallet5'), 'linux')).toBeDefined();
  });
});
