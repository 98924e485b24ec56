import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makePrivateDir } from '../paths/private-sockets.js';

/**
 * Seals secrets with the OS's keystore (the tray app fills it from Electron's safeStorage). Its
 * name goes in the file, so a process without it can say why it cannot open one.
 */
export interface SecretCodec {
  readonly name: string;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(sealed: Buffer): Promise<string>;
}

export class SecretUnavailableError extends Error {
  override name = 'SecretUnavailableError';
}

interface SecretFile {
  format: string;
  value: string;
}

const PLAIN = 'plain';
const SECRET_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Tokens and signing secrets, one file each in `<data dir>/secrets/` (folder 0700, files 0600),
 * sealed by the codec when there is one. Never in config.json; callers only learn whether one is set.
 */
export class SecretStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly codec?: SecretCodec,
  ) {
    this.dir = path.join(dataDir, 'secrets');
  }

  has(id: string): boolean {
    return existsSync(this.file(id));
  }

  async write(id: string, secret: string): Promise<void> {
    const file = this.file(id);
    const content: SecretFile = this.codec
      ? { format: this.codec.name, value: (await this.codec.encrypt(secret)).toString('base64') }
      : { format: PLAIN, value: secret };
    makePrivateDir(this.dir);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(content), { mode: 0o600 });
    renameSync(temporary, file);
  }

  /** The secret, or undefined when none is set. */
  async read(id: string): Promise<string | undefined> {
    const file = this.file(id);
    if (!existsSync(file)) return undefined;
    let stored: SecretFile;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as SecretFile;
    } catch {
      throw new SecretUnavailableError(`the secret in ${file} is unreadable; add the destination again`);
    }
    if (stored.format === PLAIN) return stored.value;
    if (stored.format !== this.codec?.name) {
      throw new SecretUnavailableError(
        `the secret of ${id} is sealed by the tray app's keystore (${stored.format}); alerts to it go out while the tray app runs, or add the destination again from here`,
      );
    }
    return this.codec.decrypt(Buffer.from(stored.value, 'base64'));
  }

  remove(id: string): void {
    rmSync(this.file(id), { force: true });
  }

  private file(id: string): string {
    if (!SECRET_ID.test(id)) throw new Error(`not a secret name: ${id.slice(0, 80)}`);
    return path.join(this.dir, id);
  }
}
