import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { MAX_SOCKET_PATH_BYTES, osquerydArguments, osquerydPaths, prepareOsquerydPaths } from './daemon-paths.js';

afterEach(removeTempDirs);

describe('osquerydPaths', () => {
  it('keeps every file inside the data dir, never osquery defaults', () => {
    const paths = osquerydPaths('/home/ann/.config/Porchlight', 'daemon', { platform: 'linux' });
    expect(paths.socketPath).toBe('/home/ann/.config/Porchlight/osquery/daemon/osquery.em');
    const args = osquerydArguments(paths, 'vendor');
    expect(args).toContain('--extensions_socket=/home/ann/.config/Porchlight/osquery/daemon/osquery.em');
    expect(args).toContain('--pidfile=./osqueryd.pid');
    expect(args).toContain('--database_path=./osquery.db');
    expect(args).toContain('--flagfile=../osquery.flags');
    expect(args).toContain('--disable_events=true');
    expect(args).toContain('--force');
    expect(args).toContain('--host_identifier=uuid');
    expect(args).toContain('--extensions_autoload=../extensions.load');
    expect(args.join(' ')).not.toMatch(/\/var\/osquery|\/etc\/osquery|disable_watchdog/);
  });

  it("names osqueryd's files relative to its working directory, in ASCII whatever the data dir's path", () => {
    const paths = osquerydPaths('/home/José/.config/Porchlight', 'daemon', { platform: 'linux' });
    const args = osquerydArguments(paths, 'vendor');
    const files = {
      flagfile: paths.flagfile,
      config_path: paths.configPath,
      extensions_autoload: paths.extensionsAutoload,
      pidfile: paths.pidfile,
      database_path: paths.databasePath,
      logger_path: paths.loggerPath,
    };
    for (const [flag, file] of Object.entries(files)) {
      const value = args.find((arg) => arg.startsWith(`--${flag}=`))!.slice(flag.length + 3);
      expect(value).toMatch(/^[\x20-\x7e]+$/);
      expect(path.resolve(paths.root, value)).toBe(file);
    }
  });

  it("passes --allow_unsafe only to the osqueryd that ships with Porchlight, whose files are Porchlight's own", () => {
    const paths = osquerydPaths('/home/ann/.config/Porchlight', 'daemon', { platform: 'linux' });
    expect(osquerydArguments(paths, 'bundled')).toContain('--allow_unsafe');
    expect(osquerydArguments(paths, 'vendor')).toContain('--allow_unsafe');
    for (const source of ['flag', 'env', 'system'] as const) expect(osquerydArguments(paths, source)).not.toContain('--allow_unsafe');
    expect(osquerydArguments(paths, 'vendor', '/app/vendor/osquery/linux-x64/lenses')).toContain('--augeas_lenses=/app/vendor/osquery/linux-x64/lenses');
    expect(osquerydArguments(paths, 'vendor').some((flag) => flag.startsWith('--augeas_lenses'))).toBe(false);
  });

  it('falls back to a short per-user socket path when the data dir is too deep', () => {
    const deep = '/home/ann/' + 'very-long-folder-name/'.repeat(6) + 'Porchlight';
    const paths = osquerydPaths(deep, 'daemon', { platform: 'linux', uid: 1000 });
    expect(Buffer.byteLength(paths.socketPath)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    expect(paths.socketPath).toMatch(/^\/tmp\/porchlight-1000\/[0-9a-f]{12}\.em$/);
    expect(paths.supervisorLock).toBe(paths.socketPath.replace(/\.em$/, '.lock'));
    const other = osquerydPaths(deep + '2', 'daemon', { platform: 'linux', uid: 1000 });
    expect(other.socketPath).not.toBe(paths.socketPath);
  });

  it("uses a per-user named pipe on Windows, never osquery's default pipe", () => {
    const paths = osquerydPaths('C:\\Users\\Ann\\AppData\\Local\\Porchlight', 'daemon', { platform: 'win32', user: 'Ann', pipeSecret: 'x' });
    expect(paths.socketPath).toMatch(/^\\\\\.\\pipe\\porchlight-Ann-osquery-[0-9a-f]{32}$/);
    expect(paths.supervisorLock).toMatch(/^\\\\\.\\pipe\\porchlight-Ann-supervisor-[0-9a-f]{32}$/);
    expect(paths.pidfile).toBe('C:\\Users\\Ann\\AppData\\Local\\Porchlight\\osquery\\daemon\\osqueryd.pid');
  });

  it("names Windows pipes with a secret of the data dir's, so other accounts cannot create them first", () => {
    const dataDir = tempDir();
    const windows = { platform: 'win32', user: 'Ann' } as const;
    const paths = osquerydPaths(dataDir, 'daemon', windows);
    const secretFile = path.join(dataDir, 'osquery', 'pipe-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(secretFile, 'utf8').trim()).toMatch(/^[0-9a-f]{32}$/);
    expect(osquerydPaths(dataDir, 'daemon', windows).socketPath).toBe(paths.socketPath);
    // What another account knows (the user name, the data dir) does not give the names.
    expect(paths.socketPath).not.toContain(createHash('sha256').update(paths.root).digest('hex').slice(0, 12));
    expect(osquerydPaths(dataDir, 'daemon', { ...windows, pipeSecret: 'a guess' }).socketPath).not.toBe(paths.socketPath);
  });

  it('creates the instance and socket folders with mode 0700', () => {
    const dataDir = path.join(tempDir(), 'data');
    const paths = osquerydPaths(dataDir, 'daemon');
    prepareOsquerydPaths(paths);
    expect(statSync(paths.root).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(paths.socketPath)).mode & 0o777).toBe(0o700);
    expect(statSync(paths.flagfile).isFile()).toBe(true);
  });
});
