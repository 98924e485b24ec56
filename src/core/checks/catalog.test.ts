import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessOsquery, laptopFile, removeTempDirs, tempDir, writeFixture } from '../../../test/helpers/standin.js';
import type { Fixture, FixtureRow } from '../../../test/standin/sql-engine.js';
import type { Platform } from '../platform.js';
import { builtinCheck, builtinChecks } from './loader.js';
import { runCheck, type RawOutcome } from './runner.js';

afterAll(removeTempDirs);

type LaptopName = `${Platform}-${'default' | 'risky'}`;

type EditableLaptop = Fixture & { tables: Record<string, FixtureRow[]> };

/** A laptop of assets/laptops, changed by `edit`. */
function laptop(name: LaptopName, edit: (fixture: EditableLaptop) => void = () => undefined): EditableLaptop {
  const fixture = JSON.parse(readFileSync(laptopFile(name), 'utf8')) as EditableLaptop;
  edit(fixture);
  return fixture;
}

async function outcome(id: string, name: LaptopName, edit?: Parameters<typeof laptop>[1]): Promise<RawOutcome> {
  const platform = name.split('-')[0] as Platform;
  const fixture = laptop(name, edit);
  const file = path.join(tempDir(), 'laptop.json');
  writeFixture(file, fixture);
  const { runner } = inProcessOsquery(platform, file);
  return (await runCheck(builtinCheck(id), platform, runner, { listenerAllowlist: [], platform, baseline: undefined })).outcome;
}

const pass = { kind: 'policy', passed: true };
const fail = { kind: 'policy', passed: false };
const titles = (result: RawOutcome, counted = true) =>
  result.kind === 'findings' ? result.findings.filter((f) => f.counted === counted).map((f) => f.title) : result;

describe('every built-in query against the osquery 5.23.1 schema', () => {
  const engines = new Map<Platform, ReturnType<typeof inProcessOsquery>['engine']>();
  const engine = (platform: Platform) => {
    if (!engines.has(platform)) engines.set(platform, inProcessOsquery(platform, undefined).engine);
    return engines.get(platform)!;
  };
  const cases = builtinChecks().flatMap((c) =>
    Object.entries(c.queries).flatMap(([platform, query]) => [
      [c.id, platform as Platform, 'sql', query.sql] as const,
      ...query.preconditions.map((precondition, i) => [c.id, platform as Platform, `precondition ${i + 1}`, precondition.sql] as const),
    ]),
  );

  it.each(cases)('%s on %s (%s) names only tables and columns osquery has', (_id, platform, _part, sql) => {
    expect(() => engine(platform).columns(sql)).not.toThrow();
  });

  it('catches a column or table that does not exist on the platform', () => {
    expect(() => engine('linux').columns('SELECT no_such_column FROM processes')).toThrow('no such column: no_such_column');
    expect(() => engine('linux').columns('SELECT 1 FROM bitlocker_info')).toThrow('no such table: bitlocker_info');
  });

  it('has the three core checks on all three platforms', () => {
    for (const id of ['disk-encryption', 'browser-extensions', 'listening-ports']) {
      expect(Object.keys(builtinCheck(id).queries).sort()).toEqual(['darwin', 'linux', 'windows']);
    }
  });

  it('says, for every check on every platform, what osquery can see as the user and what to do', () => {
    for (const c of builtinChecks()) {
      for (const [platform, query] of Object.entries(c.queries)) {
        expect(query.visibility, `${c.id} on ${platform}`).toMatch(/\w/);
        expect(c.remediation.steps[platform as Platform]?.length, `${c.id} on ${platform}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('disk encryption', () => {
  it('follows the Linux root filesystem through LVM to its LUKS mapping, without root', async () => {
    expect(await outcome('disk-encryption', 'linux-risky')).toEqual(pass);
    expect(await outcome('disk-encryption', 'linux-default')).toEqual(fail);
  });

  it('does not take a dm-verity root (integrity, not secrecy) for encryption', async () => {
    const verity = await outcome('disk-encryption', 'linux-risky', (l) => {
      for (const row of l.tables.file!) row.path = String(row.path).replace('CRYPT-LUKS2', 'CRYPT-VERITY');
      for (const row of l.tables.file!) row.filename = String(row.filename).replace('CRYPT-LUKS2', 'CRYPT-VERITY');
    });
    expect(verity).toEqual(fail);
  });

  it('is unknown, not failing, when a device-mapper layer has no by-id link or the root is not a disk', async () => {
    expect(
      await outcome('disk-encryption', 'linux-risky', (l) => {
        l.tables.file = l.tables.file!.filter((row) => !String(row.path).includes('dm-uuid-CRYPT'));
      }),
    ).toEqual({ kind: 'unknown', reason: expect.stringContaining('no /dev/disk/by-id link') });
    expect(
      await outcome('disk-encryption', 'linux-default', (l) => {
        l.tables.mounts![0] = { ...l.tables.mounts![0], device: 'rpool/ROOT/ubuntu_x', device_alias: 'rpool/ROOT/ubuntu_x', type: 'zfs' };
      }),
    ).toEqual({ kind: 'unknown', reason: expect.stringContaining('ZFS') });
  });

  it('reads FileVault on the Mac’s Data volume, and is unknown when DiskManagement did not answer', async () => {
    expect(await outcome('disk-encryption', 'darwin-default')).toEqual(pass);
    expect(
      await outcome('disk-encryption', 'darwin-default', (l) => {
        for (const row of l.tables.disk_encryption!) row.filevault_status = 'unknown';
      }),
    ).toEqual({ kind: 'unknown', reason: 'osquery could not read FileVault’s state for the startup disk' });
  });

  it('passes on Windows when osquery runs elevated and sees BitLocker on C:', async () => {
    const elevated = await outcome('disk-encryption', 'windows-default', (l) => {
      l.tables.bitlocker_info = [{ device_id: '\\\\?\\Volume{1}', drive_letter: 'C:', protection_status: 1, conversion_status: 1 }];
    });
    expect(elevated).toEqual(pass);
  });
});

describe('firewall', () => {
  it('on Linux, reads ufw’s own setting rather than its always-active service', async () => {
    expect(await outcome('firewall', 'linux-default')).toEqual(fail);
    const enabled = await outcome('firewall', 'linux-default', (l) => {
      l.files!['/etc/ufw/ufw.conf'] = l.files!['/etc/ufw/ufw.conf']!.replace('ENABLED=no', 'ENABLED=yes');
    });
    expect(enabled).toEqual({ ...pass, detail: 'ufw' });
  });

  it('on Linux, passes with firewalld running, and is unknown when ufw.conf cannot be read', async () => {
    const firewalld = await outcome('firewall', 'linux-default', (l) => {
      l.tables.systemd_units!.push({ id: 'firewalld.service', load_state: 'loaded', active_state: 'active', sub_state: 'running', unit_file_state: 'enabled' });
    });
    expect(firewalld).toEqual({ ...pass, detail: 'firewalld' });
    const unreadable = await outcome('firewall', 'linux-default', (l) => {
      delete l.files!['/etc/ufw/ufw.conf'];
    });
    expect(unreadable).toEqual({ kind: 'unknown', reason: 'osquery could not read /etc/ufw/ufw.conf to see whether ufw is enabled' });
  });

  it('on Windows, falls back to the profiles’ settings when Security Center does not say, with policy winning', async () => {
    const notMonitored = (l: EditableLaptop) => {
      l.tables.windows_security_center![0]!.firewall = 'Not Monitored';
    };
    expect(await outcome('firewall', 'windows-default', notMonitored)).toEqual(pass);
    const policyOff = await outcome('firewall', 'windows-default', (l) => {
      notMonitored(l);
      l.tables.registry!.push({
        key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile',
        path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile\\EnableFirewall',
        name: 'EnableFirewall',
        type: 'REG_DWORD',
        data: '0',
      });
    });
    expect(policyOff).toEqual(fail);
    const unreadable = await outcome('firewall', 'windows-default', (l) => {
      l.tables.windows_security_center = [];
      l.tables.registry = l.tables.registry!.filter((row) => row.name !== 'EnableFirewall');
    });
    expect(unreadable.kind).toBe('unknown');
  });
});

describe('automatic updates', () => {
  it('takes absent macOS settings as the defaults (on), and a profile’s value over the Mac’s own', async () => {
    expect(await outcome('automatic-updates', 'darwin-default')).toEqual(pass);
    const managedOff = await outcome('automatic-updates', 'darwin-default', (l) => {
      l.tables.managed_policies = [{ domain: 'com.apple.SoftwareUpdate', uuid: 'A', name: 'AutomaticallyInstallMacOSUpdates', value: '0', username: '', manual: 0 }];
    });
    expect(managedOff).toEqual(fail);
  });

  it('is unknown on a Mac whose Software Update settings exist but cannot be read', async () => {
    const unreadable = await outcome('automatic-updates', 'darwin-default', (l) => {
      l.tables.hash = l.tables.hash!.map((row) => (String(row.path).includes('SoftwareUpdate') ? { ...row, sha256: '' } : row));
    });
    expect(unreadable).toEqual({ kind: 'unknown', reason: 'osquery could not read Software Update’s settings' });
  });

  it('follows apt’s own order: a later file switching unattended upgrades off wins, whatever the timers do', async () => {
    const overridden = await outcome('automatic-updates', 'linux-default', (l) => {
      l.tables.augeas!.push({
        node: '/files/etc/apt/apt.conf.d/99local/APT/Periodic/Unattended-Upgrade',
        value: '0',
        label: 'Unattended-Upgrade',
        path: '/etc/apt/apt.conf.d/99local',
      });
    });
    expect(overridden).toEqual(fail);
    const ignoredName = await outcome('automatic-updates', 'linux-default', (l) => {
      l.tables.augeas!.push({
        node: '/files/etc/apt/apt.conf.d/99local.disabled/APT/Periodic/Unattended-Upgrade',
        value: '0',
        label: 'Unattended-Upgrade',
        path: '/etc/apt/apt.conf.d/99local.disabled',
      });
    });
    expect(ignoredName).toEqual({ ...pass, detail: 'unattended-upgrades' });
  });

  it('is unknown without osquery’s augeas lenses, and passes with dnf-automatic installing', async () => {
    expect((await outcome('automatic-updates', 'linux-default', (l) => void (l.tables.augeas = []))).kind).toBe('unknown');
    const fedora = await outcome('automatic-updates', 'linux-default', (l) => {
      l.tables.deb_packages = [];
      l.tables.systemd_units!.push({ id: 'dnf-automatic-install.timer', active_state: 'active', sub_state: 'waiting' });
    });
    expect(fedora).toEqual({ ...pass, detail: 'dnf-automatic' });
  });

  it('fails on Windows when a policy only notifies, and is unknown when the update services are hidden', async () => {
    const notifyOnly = await outcome('automatic-updates', 'windows-default', (l) => {
      l.tables.registry!.push({ key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU', name: 'AUOptions', data: '2', type: 'REG_DWORD' });
    });
    expect(notifyOnly).toEqual(fail);
    const hidden = await outcome('automatic-updates', 'windows-default', (l) => {
      l.tables.services = l.tables.services!.filter((row) => row.name !== 'UsoSvc');
    });
    expect(hidden.kind).toBe('unknown');
  });
});

describe('screen lock on Windows', () => {
  it('passes a default PC that asks for sign-in on wake, and says so', async () => {
    expect(await outcome('screen-lock', 'windows-default')).toEqual({ ...pass, detail: 'Windows asks for sign-in when it wakes from sleep, as it does by default' });
  });

  it('fails when a policy turns the wake password off', async () => {
    const off = await outcome('screen-lock', 'windows-default', (l) => {
      l.tables.registry!.push({
        key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Power\\PowerSettings\\0e796bdb-100d-47d6-a2d5-f7d2daa51f51',
        name: 'DCSettingIndex',
        data: '0',
        type: 'REG_DWORD',
      });
    });
    expect(off).toEqual(fail);
  });

  it('names an inactivity policy when there is one', async () => {
    const policy = await outcome('screen-lock', 'windows-default', (l) => {
      l.tables.registry!.push({
        key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System',
        name: 'InactivityTimeoutSecs',
        data: '600',
        type: 'REG_DWORD',
      });
    });
    expect(policy).toEqual({ ...pass, detail: 'it locks after a few minutes without use (policy)' });
  });
});

describe('secure boot', () => {
  it('reads Windows’ registry record, since the firmware answers a standard user with -1', async () => {
    expect(await outcome('secure-boot', 'windows-default')).toEqual(pass);
    const hidden = await outcome('secure-boot', 'windows-default', (l) => {
      l.tables.registry = l.tables.registry!.filter((row) => row.name !== 'UEFISecureBootEnabled');
    });
    expect(hidden.kind).toBe('unknown');
  });
});

describe('remote login', () => {
  it('does not pass a Mac whose launchd list says Remote Login is enabled, even when sharing_preferences reads 0', async () => {
    const enabled = await outcome('remote-login', 'darwin-default', (l) => {
      l.tables.plist = l.tables.plist!.map((row) => (row.key === 'com.openssh.sshd' ? { ...row, value: '0' } : row));
    });
    expect(enabled).toEqual(fail);
  });

  it('catches socket-activated SSH on Linux with nothing listening yet visible to the user', async () => {
    const socketActivated = await outcome('remote-login', 'linux-default', (l) => {
      l.tables.systemd_units!.push({ id: 'ssh.socket', active_state: 'active', sub_state: 'listening' });
    });
    expect(socketActivated).toEqual(fail);
  });
});

describe('administrator accounts', () => {
  it('finds Windows administrators by SID whatever the group is called, and does not count the owner', async () => {
    const german = await outcome('administrator-accounts', 'windows-risky', (l) => {
      l.tables.groups = l.tables.groups!.map((row) => (row.group_sid === 'S-1-5-32-544' ? { ...row, groupname: 'Administratoren' } : row));
    });
    expect(titles(german)).toEqual(['helpdesk is an administrator']);
    expect(titles(german, false)).toEqual(['ann is an administrator', 'Administrator is an administrator']);
  });
});

describe('listening ports', () => {
  it('counts each service once on Linux, though osquery lists every socket twice as a user', async () => {
    expect(titles(await outcome('listening-ports', 'linux-risky'))).toEqual([
      'unknown process listens on tcp port 22 (all interfaces)',
      'unknown process listens on udp port 137 (all interfaces)',
      'unknown process listens on udp port 138 (all interfaces)',
      'node listens on tcp port 3000 (all interfaces)',
      'java listens on a changing tcp port (now 46233, all interfaces)',
    ]);
  });

  it('keys a port from the dynamic range as "dynamic", so a restarted program is the same finding', async () => {
    const before = await outcome('listening-ports', 'linux-risky');
    const after = await outcome('listening-ports', 'linux-risky', (l) => {
      for (const row of l.tables.process_open_sockets!) if (row.local_port === 46233) row.local_port = 51877;
    });
    const key = (o: RawOutcome) => (o.kind === 'findings' ? o.findings.find((f) => f.detail.process === 'java')?.key : undefined);
    expect(key(after)).toBe(key(before));
    expect(key(before)).toBe('tcp|dynamic|/usr/lib/jvm/java-21-openjdk-amd64/bin/java');
  });

  it('does not take a program named svchost.exe outside System32 for Windows', async () => {
    expect(titles(await outcome('listening-ports', 'windows-risky'))).toContain('svchost.exe listens on tcp port 4444 (all interfaces)');
  });

  it('counts a UDP server port but not discovery or client sockets', async () => {
    const wireguard = await outcome('listening-ports', 'linux-default', (l) => {
      l.tables.process_open_sockets!.push({ pid: -1, socket: 30001, family: 2, protocol: 17, local_address: '0.0.0.0', local_port: 51820, remote_port: 0, state: '' });
    });
    expect(titles(wireguard)).toEqual(['unknown process listens on udp port 51820 (all interfaces)']);
  });

  it('honours the owner’s allowlist by program path or port', async () => {
    const fixture = laptop('linux-risky');
    const file = path.join(tempDir(), 'laptop.json');
    writeFixture(file, fixture);
    const { runner } = inProcessOsquery('linux', file);
    const ports = async (listenerAllowlist: { processPath?: string; port?: number }[]) => {
      const result = (await runCheck(builtinCheck('listening-ports'), 'linux', runner, { listenerAllowlist, platform: 'linux' })).outcome;
      return result.kind === 'findings' ? result.findings.map((f) => f.detail.port) : [];
    };
    expect(await ports([{ processPath: '/usr/bin/node' }])).toEqual(['22', '137', '138', '46233']);
    expect(await ports([{ port: 22 }, { port: 137 }, { port: 138 }])).toEqual(['3000', '46233']);
  });

  it('is unknown on Windows when the RPC listener every Windows has is missing', async () => {
    const hidden = await outcome('listening-ports', 'windows-default', (l) => {
      l.tables.process_open_sockets = [];
    });
    expect(hidden.kind).toBe('unknown');
  });
});

describe('browser extensions', () => {
  it('reads a Manifest V3 extension’s site access from its manifest, which osquery’s permissions column lacks', async () => {
    const result = await outcome('browser-extensions', 'linux-risky');
    const coupon = result.kind === 'findings' ? result.findings.find((f) => f.detail.name === 'Coupon Finder Pro') : undefined;
    expect(coupon).toMatchObject({ counted: true, reason: 'can read and change every site, with cookies, webRequest' });
    expect(coupon?.detail).toMatchObject({ sites: 'every site', enabled: 'unknown', source: 'Chrome Web Store' });
  });

  it('treats optional permissions as "may request", not granted', async () => {
    const result = await outcome('browser-extensions', 'linux-default');
    const bitwarden = result.kind === 'findings' ? result.findings.find((f) => f.detail.name === 'Bitwarden Password Manager') : undefined;
    expect(bitwarden).toMatchObject({ counted: false });
    expect(bitwarden?.detail['may request']).toBe('nativeMessaging, privacy');
    expect(bitwarden?.detail.permissions).not.toContain('nativeMessaging');
  });

  it('ignores folders the profile no longer lists and lists disabled extensions without counting them', async () => {
    const result = await outcome('browser-extensions', 'linux-risky');
    const screenshots = result.kind === 'findings' ? result.findings.filter((f) => f.detail.name === 'Old Screenshot Tool') : [];
    expect(screenshots).toHaveLength(1);
    expect(screenshots[0]).toMatchObject({ title: 'Old Screenshot Tool (chrome) — disabled', counted: false });
  });
});
