import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckStatus } from '../../src/core/checks/definition.js';
import { builtinChecks } from '../../src/core/checks/loader.js';
import { confirmCheck, CONFIRMATION_DAYS } from '../../src/core/checks/owner-confirmation.js';
import { needsAttention, Scanner, type ScanReport } from '../../src/core/checks/scanner.js';
import { overallState } from '../../src/core/overall-state.js';
import type { Platform } from '../../src/core/platform.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings.js';
import { HistoryStore } from '../../src/core/store/history-store.js';
import { inProcessOsquery, laptopFile, removeTempDirs, tempDir, writeFixture } from '../helpers/standin.js';
import type { Fixture, FixtureRow } from '../standin/sql-engine.js';

/**
 * The realistic laptops of assets/laptops, as osquery 5.23.1 answers a normal user (each table's
 * rows traced to osquery's source in the fixture's notes), scanned by the real scanner into a real
 * history file. Expected: on a default install nothing is counted and nothing fails but what the
 * OS really ships off; on a risky one every risky item is caught.
 */

afterAll(removeTempDirs);

type LaptopName = `${Platform}-${'default' | 'risky'}`;
type EditableLaptop = Fixture & { tables: Record<string, FixtureRow[]> };

const DAY_MS = 24 * 60 * 60 * 1000;

function machine(name: LaptopName) {
  const platform = name.split('-')[0] as Platform;
  const fixture = path.join(tempDir(), 'laptop.json');
  const original = JSON.parse(readFileSync(laptopFile(name), 'utf8')) as EditableLaptop;
  writeFixture(fixture, original);
  const { store } = HistoryStore.open(tempDir());
  let now = Date.UTC(2026, 10, 28, 9, 0, 0);
  const scanner = new Scanner({
    osquery: inProcessOsquery(platform, fixture).runner,
    store,
    checks: () => builtinChecks(),
    settings: () => DEFAULT_SETTINGS,
    platform,
    now: () => now,
  });
  return {
    platform,
    store,
    scan: async (): Promise<ScanReport> => {
      now += 60_000;
      return scanner.scan({ trigger: 'test' });
    },
    edit(change: (laptop: EditableLaptop) => void) {
      const laptop = JSON.parse(readFileSync(fixture, 'utf8')) as EditableLaptop;
      change(laptop);
      writeFixture(fixture, laptop);
    },
    later(ms: number) {
      now += ms;
      return now;
    },
  };
}

const verdicts = (report: ScanReport) => Object.fromEntries(report.results.map((r) => [r.checkId, r.status]));
const counted = (report: ScanReport, checkId: string) =>
  report.results.find((r) => r.checkId === checkId)!.findings.filter(needsAttention).map((f) => f.title);

const NOT_ON_LINUX = { 'safari-extensions': 'not_applicable', 'screen-lock': 'not_applicable', 'system-integrity-protection': 'not_applicable', gatekeeper: 'not_applicable' } as const;
const NOT_ON_WINDOWS = {
  'safari-extensions': 'not_applicable',
  'system-integrity-protection': 'not_applicable',
  gatekeeper: 'not_applicable',
  'new-suid-binaries': 'not_applicable',
  'authorized-ssh-keys': 'not_applicable',
} as const;

const EXPECTED: Record<LaptopName, Record<string, CheckStatus>> = {
  // Ubuntu installs without disk encryption unless chosen, and ships ufw disabled: true fails.
  'linux-default': {
    ...NOT_ON_LINUX,
    'disk-encryption': 'fail',
    'browser-extensions': 'pass',
    'listening-ports': 'pass',
    firewall: 'fail',
    'automatic-updates': 'pass',
    'remote-login': 'pass',
    'secure-boot': 'pass',
    'administrator-accounts': 'pass',
    'new-suid-binaries': 'pass',
    'ssh-keys-without-passphrase': 'pass',
    'authorized-ssh-keys': 'pass',
  },
  'linux-risky': {
    ...NOT_ON_LINUX,
    'disk-encryption': 'pass',
    'browser-extensions': 'fail',
    'listening-ports': 'fail',
    firewall: 'fail',
    'automatic-updates': 'fail',
    'remote-login': 'fail',
    'secure-boot': 'fail',
    'administrator-accounts': 'fail',
    'new-suid-binaries': 'pass',
    'ssh-keys-without-passphrase': 'fail',
    'authorized-ssh-keys': 'fail',
  },
  // macOS ships its firewall off: a true fail. Safari needs Full Disk Access, which a new install has not given.
  'darwin-default': {
    'disk-encryption': 'pass',
    'browser-extensions': 'pass',
    'safari-extensions': 'unknown',
    'listening-ports': 'pass',
    firewall: 'fail',
    'screen-lock': 'pass',
    'automatic-updates': 'pass',
    'remote-login': 'pass',
    'secure-boot': 'pass',
    'system-integrity-protection': 'pass',
    gatekeeper: 'pass',
    'administrator-accounts': 'pass',
    'new-suid-binaries': 'pass',
    'ssh-keys-without-passphrase': 'pass',
    'authorized-ssh-keys': 'pass',
  },
  'darwin-risky': {
    'disk-encryption': 'fail',
    'browser-extensions': 'fail',
    'safari-extensions': 'pass',
    'listening-ports': 'fail',
    firewall: 'fail',
    'screen-lock': 'fail',
    'automatic-updates': 'fail',
    'remote-login': 'fail',
    'secure-boot': 'fail',
    'system-integrity-protection': 'fail',
    gatekeeper: 'fail',
    'administrator-accounts': 'fail',
    'new-suid-binaries': 'pass',
    'ssh-keys-without-passphrase': 'fail',
    'authorized-ssh-keys': 'fail',
  },
  // BitLocker is hidden from a standard user on every PC: unknown, never a pass or a fail.
  'windows-default': {
    ...NOT_ON_WINDOWS,
    'disk-encryption': 'unknown',
    'browser-extensions': 'pass',
    'listening-ports': 'pass',
    firewall: 'pass',
    'screen-lock': 'pass',
    'automatic-updates': 'pass',
    'remote-login': 'pass',
    'secure-boot': 'pass',
    'administrator-accounts': 'pass',
    'ssh-keys-without-passphrase': 'pass',
  },
  'windows-risky': {
    ...NOT_ON_WINDOWS,
    'disk-encryption': 'unknown',
    'browser-extensions': 'fail',
    'listening-ports': 'fail',
    firewall: 'fail',
    'screen-lock': 'fail',
    'automatic-updates': 'fail',
    'remote-login': 'fail',
    'secure-boot': 'fail',
    'administrator-accounts': 'fail',
    'ssh-keys-without-passphrase': 'fail',
  },
};

/** What the OS really ships off, per default laptop; everything else there must pass or be unknown. */
const SHIPS_OFF: Record<string, string[]> = {
  'linux-default': ['disk-encryption', 'firewall'],
  'darwin-default': ['firewall'],
  'windows-default': [],
};

describe.each(Object.keys(EXPECTED) as LaptopName[])('%s', (name) => {
  it('gets the expected verdict from every check', async () => {
    const report = await machine(name).scan();
    expect(verdicts(report)).toEqual(EXPECTED[name]);
  });
});

describe.each(['linux-default', 'darwin-default', 'windows-default'] as const)('the default %s', (name) => {
  it('has no counted finding, and fails only what the OS ships off', async () => {
    const report = await machine(name).scan();
    expect(report.results.flatMap((r) => r.findings.filter(needsAttention).map((f) => `${r.checkId}: ${f.title}`))).toEqual([]);
    expect(report.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.checkId)).toEqual(SHIPS_OFF[name]);
  });
});

describe('every risky item is caught', () => {
  it('on Linux', async () => {
    const report = await machine('linux-risky').scan();
    expect(counted(report, 'browser-extensions')).toEqual([
      'Coupon Finder Pro (chrome)',
      'Dark Reader (chrome)',
      'My Dev Helper (brave)',
      'Shopping Helper (firefox)',
      'Debug Tab Tool (firefox)',
    ]);
    expect(counted(report, 'listening-ports')).toEqual([
      'unknown process listens on tcp port 22 (all interfaces)',
      'unknown process listens on udp port 137 (all interfaces)',
      'unknown process listens on udp port 138 (all interfaces)',
      'node listens on tcp port 3000 (all interfaces)',
      'java listens on a changing tcp port (now 46233, all interfaces)',
    ]);
    expect(counted(report, 'administrator-accounts')).toEqual(['bob is an administrator']);
    expect(counted(report, 'ssh-keys-without-passphrase')).toEqual(['/home/ann/.ssh/id_ed25519 has no passphrase']);
    expect(counted(report, 'authorized-ssh-keys')).toEqual(['ssh-ed25519 key "old-desktop" may log in as ann']);
  });

  it('on macOS', async () => {
    const report = await machine('darwin-risky').scan();
    expect(counted(report, 'browser-extensions')).toEqual(['Free PDF Converter (chrome)', 'Tab Sorter (dev) (chrome)']);
    expect(counted(report, 'listening-ports')).toEqual([
      'node listens on tcp port 3000 (all interfaces)',
      'Python listens on tcp port 8000 (all interfaces)',
    ]);
    expect(counted(report, 'administrator-accounts')).toEqual(['it-support is an administrator']);
  });

  it('on Windows', async () => {
    const report = await machine('windows-risky').scan();
    expect(counted(report, 'browser-extensions')).toEqual(['Savings Buddy (chrome)', 'Video Downloader Plus (chrome)']);
    expect(counted(report, 'listening-ports')).toEqual([
      'svchost.exe (TermService) listens on tcp port 3389 (all interfaces)',
      'sshd.exe (sshd) listens on tcp port 22 (all interfaces)',
      'node.exe listens on tcp port 3000 (all interfaces)',
      'svchost.exe listens on tcp port 4444 (all interfaces)',
    ]);
    expect(counted(report, 'administrator-accounts')).toEqual(['helpdesk is an administrator']);
  });
});

describe('what is new since the first scan', () => {
  it('an extension installed later that can read sites is counted and reported as new, even a well-known one', async () => {
    const laptop = machine('linux-default');
    await laptop.scan();
    laptop.edit((l) => {
      const ubol = l.tables.chrome_extensions!.find((row) => row.name === 'uBlock Origin Lite')!;
      const profilePath = '/home/ann/.config/google-chrome/Profile 1';
      l.tables.chrome_extensions!.push({ ...ubol, profile: 'Work', profile_path: profilePath, path: `${profilePath}/Extensions/${ubol.identifier}/2025.1102.1509_0` });
    });
    const report = await laptop.scan();
    expect(counted(report, 'browser-extensions')).toEqual(['uBlock Origin Lite (chrome)']);
    expect(report.changes.new.map((f) => [f.title, f.reason, f.counted])).toEqual([
      ['uBlock Origin Lite (chrome)', 'new since Porchlight’s first scan, and can read every site', true],
    ]);
  });

  it('a Safari extension added once Full Disk Access is given is counted', async () => {
    const laptop = machine('darwin-risky');
    expect(counted(await laptop.scan(), 'safari-extensions')).toEqual([]);
    laptop.edit((l) => {
      l.tables.safari_extensions!.push({ uid: 501, name: 'Coupons for Safari', identifier: 'com.example.coupons.extension', version: '1.0' });
    });
    expect(counted(await laptop.scan(), 'safari-extensions')).toEqual(['Coupons for Safari (Safari)']);
  });
});

describe('the owner’s confirmation where osquery cannot see', () => {
  it('is shown as theirs, dated, keeps the check unknown, and lapses after 90 days', async () => {
    const laptop = machine('windows-default');
    const first = await laptop.scan();
    expect(overallState({ osquery: 'running', scanning: false, results: first.results })).toBe('unknown');

    const confirmedAt = laptop.later(0);
    confirmCheck(laptop.store, builtinChecks(), 'windows', 'disk-encryption', confirmedAt);
    const confirmed = (await laptop.scan()).results.find((r) => r.checkId === 'disk-encryption')!;
    expect(confirmed.status).toBe('unknown');
    expect(confirmed.summary).toBe('Confirmed by you on 2026-11-28: BitLocker (Device encryption) protects drive C:');
    expect(confirmed.confirmation).toEqual({
      statement: 'BitLocker (Device encryption) protects drive C:',
      confirmedAt,
      expiresAt: confirmedAt + CONFIRMATION_DAYS * DAY_MS,
    });
    const report = await laptop.scan();
    expect(overallState({ osquery: 'running', scanning: false, results: report.results })).toBe('ok');

    laptop.later(CONFIRMATION_DAYS * DAY_MS);
    const lapsed = (await laptop.scan()).results.find((r) => r.checkId === 'disk-encryption')!;
    expect(lapsed.confirmation).toBeNull();
    expect(lapsed.summary).toMatch(/^Cannot tell: osquery reads BitLocker’s state only with administrator rights/);
  });

  it('is refused for a check osquery can see', () => {
    const laptop = machine('darwin-default');
    expect(() => confirmCheck(laptop.store, builtinChecks(), 'darwin', 'disk-encryption', Date.now())).toThrow(/takes no confirmation here/);
  });
});
