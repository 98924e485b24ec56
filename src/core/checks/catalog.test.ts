import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_LAPTOP, removeTempDirs, tempDir, writeFixture } from '../../../test/helpers/standin.js';
import { StandinSqlEngine, StandinSqlError, type Fixture } from '../../../test/standin/sql-engine.js';
import { OsqueryQueryError } from '../osquery/errors.js';
import type { Platform } from '../platform.js';
import { builtinChecks } from './loader.js';
import { runCheck, type QueryRunner, type RawOutcome } from './runner.js';

afterAll(removeTempDirs);

type Tables = Record<string, readonly object[] | undefined>;

/** osquery's tables for a platform in SQLite, like the stand-in daemon answers them. */
function osqueryFor(platform: Platform, tables: Tables = {}): { engine: StandinSqlEngine; runner: QueryRunner } {
  const file = path.join(tempDir(), 'fixture.json');
  writeFixture(file, { tables } as Fixture);
  const engine = new StandinSqlEngine(platform, file, {});
  const runner: QueryRunner = {
    query: async (sql) => {
      try {
        return engine.query(sql);
      } catch (error) {
        if (error instanceof StandinSqlError) throw new OsqueryQueryError(error.message, sql, 1);
        throw error;
      }
    },
  };
  return { engine, runner };
}

const check = (id: string) => {
  const found = builtinChecks().find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

async function outcome(id: string, platform: Platform, tables: Tables, allowlist = []): Promise<RawOutcome> {
  return (await runCheck(check(id), platform, osqueryFor(platform, tables).runner, { listenerAllowlist: allowlist })).outcome;
}

describe('every built-in query against the osquery 5.23.1 schema', () => {
  const engines = new Map<Platform, StandinSqlEngine>();
  const engine = (platform: Platform) => {
    if (!engines.has(platform)) engines.set(platform, osqueryFor(platform).engine);
    return engines.get(platform)!;
  };
  const cases = builtinChecks().flatMap((c) =>
    Object.entries(c.queries).flatMap(([platform, query]) => [
      [c.id, platform as Platform, 'sql', query.sql] as const,
      ...(query.precondition ? [[c.id, platform as Platform, 'precondition', query.precondition.sql] as const] : []),
    ]),
  );

  it.each(cases)('%s on %s (%s) names only tables and columns osquery has', (_id, platform, _part, sql) => {
    expect(() => engine(platform).columns(sql)).not.toThrow();
  });

  it('catches a column that does not exist on the platform', () => {
    expect(() => engine('linux').columns('SELECT no_such_column FROM processes')).toThrow('no such column: no_such_column');
    expect(() => engine('linux').columns('SELECT 1 FROM bitlocker_info')).toThrow('no such table: bitlocker_info');
  });

  it('has the three core checks on all three platforms', () => {
    for (const id of ['disk-encryption', 'browser-extensions', 'listening-ports']) {
      expect(Object.keys(check(id).queries).sort()).toEqual(['darwin', 'linux', 'windows']);
    }
  });

  it('gives every check remediation steps for each platform it runs on', () => {
    for (const c of builtinChecks()) {
      for (const platform of Object.keys(c.queries)) {
        expect(c.remediation.steps[platform as Platform]?.length, `${c.id} on ${platform}`).toBeGreaterThan(0);
      }
    }
  });
});

const laptop = (JSON.parse(readFileSync(DEMO_LAPTOP, 'utf8')) as {
  tables: Record<string, Record<string, string | number>[]>;
}).tables;

describe('disk encryption', () => {
  it.each([
    ['darwin', { disk_encryption: [{ name: '/dev/disk3s1', encrypted: 1, user_uuid: 'A1B2', filevault_status: 'on' }] }],
    ['linux', { mounts: laptop.mounts, block_devices: laptop.block_devices, disk_encryption: laptop.disk_encryption }],
    ['windows', { bitlocker_info: [{ drive_letter: 'C:', protection_status: 1, conversion_status: 1 }] }],
  ] as const)('passes on an encrypted %s laptop', async (platform, tables) => {
    expect(await outcome('disk-encryption', platform, tables)).toEqual({ kind: 'policy', passed: true });
  });

  it.each([
    ['darwin', { disk_encryption: [{ name: '/dev/disk3s1', encrypted: 0, user_uuid: '', filevault_status: 'off' }] }],
    [
      'linux',
      {
        mounts: laptop.mounts,
        block_devices: laptop.block_devices,
        disk_encryption: laptop.disk_encryption!.map((row) => ({ ...row, encrypted: 0 })),
      },
    ],
    ['windows', { bitlocker_info: [{ drive_letter: 'C:', protection_status: 0, conversion_status: 0 }] }],
  ] as const)('fails on an unencrypted %s laptop', async (platform, tables) => {
    expect(await outcome('disk-encryption', platform, tables)).toEqual({ kind: 'policy', passed: false });
  });

  it('follows the root filesystem through LVM to the LUKS device, not any encrypted disk', async () => {
    const otherDiskEncrypted = {
      mounts: laptop.mounts,
      block_devices: [...laptop.block_devices!, { name: '/dev/sdb1', parent: '/dev/sdb', type: 'crypt' }],
      disk_encryption: [
        ...laptop.disk_encryption!.map((row) => ({ ...row, encrypted: 0 })),
        { name: '/dev/sdb1', encrypted: 1, type: 'LUKS2' },
      ],
    };
    expect(await outcome('disk-encryption', 'linux', otherDiskEncrypted)).toEqual({ kind: 'policy', passed: false });
  });

  it.each([
    ['darwin', 'osquery could not read FileVault status'],
    ['linux', 'osquery returns no disk rows without administrator rights'],
    ['windows', 'osquery reads BitLocker status only with administrator rights'],
  ] as const)('is unknown on %s when osquery returns no disk rows, and says why', async (platform, reason) => {
    expect(await outcome('disk-encryption', platform, platform === 'linux' ? { mounts: laptop.mounts } : {})).toEqual({
      kind: 'unknown',
      reason,
    });
  });
});

describe('browser extensions', () => {
  const ann = { uid: 501, username: 'ann', directory: '/Users/ann' };
  const chrome = (over: Record<string, string | number>) => ({
    browser_type: 'chrome',
    uid: 501,
    profile: 'Default',
    identifier: 'abc',
    name: 'Ext',
    version: '1.0',
    permissions: 'storage',
    optional_permissions: '',
    from_webstore: 'true',
    state: '1',
    path: '/p',
    ...over,
  });

  it('passes when every extension is harmless (darwin, with Safari)', async () => {
    const result = await outcome('browser-extensions', 'darwin', {
      users: [ann],
      chrome_extensions: [chrome({ name: 'Docs Offline' })],
      safari_extensions: [{ uid: 501, name: '1Blocker', identifier: 'com.1blocker', version: '5' }],
    });
    expect(result).toEqual({ kind: 'findings', findings: [] });
  });

  it('finds broad access, powerful permissions and store-less installs, and says which', async () => {
    const result = await outcome('browser-extensions', 'windows', {
      users: [{ uid: 1001, username: 'ann' }],
      chrome_extensions: [
        chrome({ uid: 1001, browser_type: 'edge', identifier: 'coupon', name: 'Coupons', permissions: '<all_urls>, cookies, storage' }),
        chrome({ uid: 1001, identifier: 'dev', name: 'Dev', from_webstore: 'false' }),
        chrome({ uid: 1001, identifier: 'old', name: 'Old', permissions: 'debugger', state: '0' }),
      ],
      firefox_addons: [
        { uid: 1001, name: 'Sideloaded', identifier: 'side@x', type: 'extension', active: 1, disabled: 0, location: 'app-profile', source_url: 'file:///tmp/x.xpi' },
        { uid: 1001, name: 'From AMO', identifier: 'amo@x', type: 'extension', active: 1, disabled: 0, location: 'app-profile', source_url: 'https://addons.mozilla.org/x.xpi' },
      ],
    });
    expect(result.kind).toBe('findings');
    const findings = result.kind === 'findings' ? result.findings : [];
    expect(findings.map((f) => [f.title, f.reason, f.counted]).sort()).toEqual([
      ['Coupons (edge)', 'can read and change all websites (<all_urls>); powerful permissions: cookies', true],
      ['Dev (chrome)', 'installed outside the browser’s store or unpacked', true],
      ['Old (chrome) — disabled', 'powerful permissions: debugger', false],
      ['Sideloaded (firefox)', 'installed outside the browser’s store or unpacked', true],
    ]);
  });

  it('is unknown when osquery sees no users (browser tables are per user)', async () => {
    expect(await outcome('browser-extensions', 'linux', { chrome_extensions: [chrome({ permissions: '<all_urls>' })] })).toEqual({
      kind: 'unknown',
      reason: 'osquery sees no user accounts, so no browsers',
    });
  });
});

describe('listening ports', () => {
  it('passes when only loopback listeners exist', async () => {
    const result = await outcome('listening-ports', 'darwin', {
      listening_ports: [{ pid: 10, port: 631, protocol: 6, address: '127.0.0.1' }, { pid: 11, port: 5432, protocol: 6, address: '::1' }],
      processes: [{ pid: 10, name: 'cupsd', path: '/usr/sbin/cupsd' }],
    });
    expect(result).toEqual({ kind: 'findings', findings: [] });
  });

  it('finds exposed sockets with process, port, protocol and address; pid -1 is an unknown process', async () => {
    const result = await outcome('listening-ports', 'linux', { listening_ports: laptop.listening_ports, processes: laptop.processes });
    const findings = result.kind === 'findings' ? result.findings : [];
    expect(findings.map((f) => f.title)).toEqual([
      'sshd listens on tcp port 22 (all interfaces)',
      'node listens on tcp port 3000 (all interfaces)',
      'unknown process listens on udp port 5353 (all interfaces)',
    ]);
    expect(findings[0]?.detail).toEqual({ process: 'sshd', path: '/usr/sbin/sshd', pid: '812', port: '22', protocol: 'tcp', address: '0.0.0.0' });
    expect(findings[2]?.reason).toContain('needs administrator rights');
  });

  it('honours the allowlist by process path, by port, or both', async () => {
    const tables = { listening_ports: laptop.listening_ports, processes: laptop.processes };
    const runner = osqueryFor('windows', tables).runner;
    const titles = async (listenerAllowlist: { processPath?: string; port?: number }[]) => {
      const { outcome: result } = await runCheck(check('listening-ports'), 'windows', runner, { listenerAllowlist });
      return result.kind === 'findings' ? result.findings.map((f) => f.detail.port) : [];
    };
    expect(await titles([{ processPath: '/usr/sbin/sshd' }])).toEqual(['3000', '5353']);
    expect(await titles([{ port: 5353 }])).toEqual(['22', '3000']);
    expect(await titles([{ processPath: '/usr/bin/node', port: 22 }])).toEqual(['22', '3000', '5353']);
  });

  it('is unknown when osquery lists no sockets at all', async () => {
    expect((await outcome('listening-ports', 'windows', {})).kind).toBe('unknown');
  });
});

describe('the other built-in checks pass and fail on their data', () => {
  const policy = (passed: boolean) => ({ kind: 'policy', passed });
  it.each([
    ['firewall', 'darwin', { alf: [{ global_state: 1 }] }, { alf: [{ global_state: 0 }] }],
    ['firewall', 'windows', { windows_security_center: [{ firewall: 'Good' }] }, { windows_security_center: [{ firewall: 'Poor' }] }],
    ['firewall', 'linux', { systemd_units: [{ id: 'ufw.service', active_state: 'active' }] }, { systemd_units: [{ id: 'ufw.service', active_state: 'inactive' }] }],
    ['screen-lock', 'darwin', { screenlock: [{ enabled: 1, grace_period: 5 }] }, { screenlock: [{ enabled: 1, grace_period: 3600 }] }],
    ['automatic-updates', 'windows', { windows_security_center: [{ autoupdate: 'Good' }] }, { windows_security_center: [{ autoupdate: 'Poor' }] }],
    ['automatic-updates', 'linux', { systemd_units: [{ id: 'unattended-upgrades.service', active_state: 'active' }] }, {}],
    ['automatic-updates', 'darwin', { plist: [{ path: '/Library/Preferences/com.apple.SoftwareUpdate.plist', key: 'AutomaticCheckEnabled', value: '1' }] }, {}],
    ['remote-login', 'darwin', { sharing_preferences: [{ remote_login: 0, remote_management: 0 }] }, { sharing_preferences: [{ remote_login: 1, remote_management: 0 }] }],
    ['remote-login', 'linux', { listening_ports: [{ pid: 5, port: 22, protocol: 6, address: '127.0.0.1' }] }, { listening_ports: laptop.listening_ports, processes: laptop.processes }],
    ['remote-login', 'windows', { services: [{ name: 'sshd', status: 'STOPPED' }] }, { services: [{ name: 'TermService', status: 'RUNNING' }] }],
    ['secure-boot', 'linux', { secureboot: [{ secure_boot: 1 }] }, { secureboot: [{ secure_boot: 0 }] }],
    ['system-integrity-protection', 'darwin', { sip_config: [{ config_flag: 'sip', enabled: 1 }] }, { sip_config: [{ config_flag: 'sip', enabled: 0 }] }],
    ['gatekeeper', 'darwin', { gatekeeper: [{ assessments_enabled: 1 }] }, { gatekeeper: [{ assessments_enabled: 0 }] }],
  ] as const)('%s on %s', async (id, platform, passing, failing) => {
    expect(await outcome(id, platform, passing)).toEqual(policy(true));
    expect(await outcome(id, platform, failing)).toEqual(policy(false));
  });

  it('secure boot is unknown when the firmware reports nothing', async () => {
    expect((await outcome('secure-boot', 'windows', {})).kind).toBe('unknown');
  });

  it.each([
    ['administrator-accounts', 'linux', { users: laptop.users, groups: laptop.groups, user_groups: laptop.user_groups }, ['ann is an administrator']],
    ['ssh-keys-without-passphrase', 'linux', { users: laptop.users, user_ssh_keys: laptop.user_ssh_keys }, ['/home/ann/.ssh/id_ed25519 has no passphrase']],
    [
      'authorized-ssh-keys',
      'darwin',
      { users: [{ uid: 501, username: 'ann' }], authorized_keys: [{ uid: 501, key_file: '/Users/ann/.ssh/authorized_keys', algorithm: 'ssh-ed25519', key: 'AAAA', comment: 'laptop' }] },
      ['ssh-ed25519 key "laptop" may log in as ann'],
    ],
    ['new-suid-binaries', 'linux', { suid_bin: laptop.suid_bin }, ['/usr/bin/sudo runs as root', '/usr/bin/passwd runs as root']],
  ] as const)('%s on %s lists its findings', async (id, platform, tables, titles) => {
    const result = await outcome(id, platform, tables);
    expect(result.kind === 'findings' ? result.findings.map((f) => f.title) : result).toEqual(titles);
  });
});
