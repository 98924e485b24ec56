import type { SecretCodec } from '../core/notify/secret-store.js';
import type { ElectronPort } from './electron-port.js';

/**
 * Electron's safeStorage (the macOS Keychain, Windows DPAPI, the Linux keyring) sealing alert
 * tokens and secrets, where it protects anything: undefined when it is unavailable, or on Linux
 * when it would only use its built-in key (`basic_text`), which is no better than the 0600 file.
 */
export async function safeStorageCodec({ safeStorage }: Pick<ElectronPort, 'safeStorage'>, platform: NodeJS.Platform = process.platform): Promise<SecretCodec | undefined> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return undefined;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return undefined;
  return {
    name: 'electron-safeStorage',
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    decrypt: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
  };
}
