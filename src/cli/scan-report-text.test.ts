import { describe, expect, it } from 'vitest';
import type { CheckResultDto, ScanReportDto } from '../api/contract.js';
import { formatReport, type ReportTextOptions } from './scan-report-text.js';

const BUILTIN = { kind: 'builtin', name: 'Built-in' } as const;
const CIS = { kind: 'fleet', name: 'cis-policy-queries' } as const;
const FILE_LINES = "needs Fleet's `file_lines` extension table, which a plain osqueryd does not have (osquery: no such table: file_lines)";

function result(title: string, status: CheckResultDto['status'], extra: Partial<CheckResultDto> = {}): CheckResultDto {
  const summary = { pass: 'Passed', fail: 'Failed', error: 'The check could not run', unknown: 'Cannot tell', not_applicable: 'Not checked on Linux', manual: 'Check by hand: osquery cannot tell' }[status];
  return {
    checkId: title.toLowerCase().replace(/\W+/g, '-'),
    title,
    category: 'custom',
    severity: 'medium',
    source: CIS,
    resolution: '',
    status,
    summary,
    reason: status === 'error' ? FILE_LINES : '',
    findings: [],
    confirmation: null,
    ...extra,
  };
}

/** A laptop's built-in checks and a CIS benchmark of 60 imported policies. */
function report(): ScanReportDto {
  const cis = [
    ...Array.from({ length: 3 }, (_, i) => result(`CIS Ubuntu 24.04 - 1.1.2.1.${i + 1} Ensure a long benchmark title that names the /tmp partition's option number ${i + 1} (Automated)`, 'fail', { resolution: 'Add the option to /etc/fstab\nand remount /tmp.' })),
    ...Array.from({ length: 8 }, (_, i) => result(`CIS Ubuntu 24.04 - 1.1.1.${i + 1} Ensure kernel module ${i + 1} is not available (Automated)`, 'error')),
    result('CIS Ubuntu 24.04 - 2.1.1 Ensure autofs services are not in use (Automated)', 'error', { reason: "systemd_units has no column name; osquery's is id (osquery: no such column: name)" }),
    ...Array.from({ length: 20 }, (_, i) => result(`CIS Ubuntu 24.04 - 4.${i} Passing policy ${i}`, 'pass')),
    ...Array.from({ length: 28 }, (_, i) => result(`CIS Ubuntu 24.04 - 7.${i} Manual policy ${i} (Manual)`, 'manual')),
    result('CIS Windows - only on Windows', 'not_applicable'),
  ];
  return {
    scanId: 7,
    trigger: 'cli',
    platform: 'linux',
    startedAt: 0,
    finishedAt: 1,
    results: [
      result('Disk encryption', 'pass', { source: BUILTIN, category: 'encryption', summary: 'The startup disk is encrypted' }),
      result('Screen lock', 'not_applicable', { source: BUILTIN, category: 'system' }),
      result('Firewall', 'fail', { source: BUILTIN, category: 'network', summary: 'No firewall is on', resolution: 'Turn on the firewall that comes with your system.' }),
      ...cis,
    ],
    changes: {
      new: [],
      resolved: [],
      failing: [{ checkId: 'x', title: cis[0]!.title, source: CIS }],
      fixed: [],
    },
  };
}

const options = (extra: Partial<ReportTextOptions> = {}): ReportTextOptions => ({ width: 100, group: 'source', failing: false, all: false, ...extra });

describe('the check report as text', () => {
  it('fits every line to the width, with a header and counts per group and totals', () => {
    for (const width of [60, 100, 160]) {
      const text = formatReport(report(), options({ width }));
      expect(text.split('\n').filter((line) => [...line].length > width), `width ${width}`).toEqual([]);
    }
    const text = formatReport(report(), options());
    expect(text).toContain('\nBuilt-in — 3 checks: 1 pass, 1 fail, 1 not on this OS\n');
    expect(text).toContain('\ncis-policy-queries — 61 checks: 20 pass, 3 fail, 9 could not run, 28 to check by hand, 1 not on this\n  OS\n');
    expect(text).toContain('\nTotal: 64 checks — 21 pass, 4 fail, 9 could not run, 28 to check by hand, 2 not on this OS\n');
    expect(text).toContain('\nChanges since the last scan: 0 new, 0 resolved; 1 started failing\n');
  });

  it('lists the built-in checks whole, and in a big imported set what needs a look first, counting the rest', () => {
    const lines = formatReport(report(), options({ width: 160 })).split('\n');
    expect(lines).toContain('n/a      Screen lock      Not checked on Linux');
    expect(lines).toContain('           fix: Turn on the firewall that comes with your system.');
    const cis = lines.slice(lines.findIndex((line) => line.startsWith('cis-policy-queries')));
    expect(cis[1]).toMatch(/^FAIL {5}CIS Ubuntu 24\.04 - 1\.1\.2\.1\.1 Ensure a long benchmark title .* \(Automated\) {2}Failed$/);
    expect(cis[2]).toBe('           fix: Add the option to /etc/fstab');
    expect(lines.filter((line) => line.includes('Passing policy') || line.includes('Manual policy'))).toEqual([]);
    expect(lines).toContain('         20 pass, 28 to check by hand, 1 not on this OS (not listed; --all lists them)');
  });

  it('says a reason that several checks share once, naming a few of them', () => {
    const text = formatReport(report(), options({ width: 160 }));
    expect(text.match(/file_lines/g)).toHaveLength(2);
    expect(text).toContain(
      [
        'ERROR    8 checks could not run:',
        "           needs Fleet's `file_lines` extension table, which a plain osqueryd does not have (osquery: no such table: file_lines)",
        '           · CIS Ubuntu 24.04 - 1.1.1.1 Ensure kernel module 1 is not available (Automated)',
      ].join('\n'),
    );
    expect(text).toContain('           … and 3 more (--all lists them)');
    // A reason only one check has stays on its line.
    expect(text).toMatch(/^ERROR {4}CIS Ubuntu 24\.04 - 2\.1\.1 Ensure autofs .*The check could not run\n {11}why: systemd_units has no column name/m);
  });

  it('--failing lists only what fails or could not run; --all lists everything; --group category groups by category', () => {
    const failing = formatReport(report(), options({ width: 160, failing: true }));
    expect(failing).not.toContain('Disk encryption');
    expect(failing).toContain('FAIL     Firewall');
    expect(failing).not.toContain('not listed');
    const all = formatReport(report(), options({ width: 160, all: true }));
    expect(all).toContain('Manual policy 27 (Manual)');
    expect(all).toMatch(/^by hand {2}CIS Ubuntu 24\.04 - 7\.0 Manual policy 0 \(Manual\) +Check by hand: osquery cannot tell$/m);
    expect(all).toContain('· CIS Ubuntu 24.04 - 1.1.1.8 Ensure kernel module 8 is not available (Automated)');
    const categories = formatReport(report(), options({ group: 'category' }));
    expect(categories.split('\n').filter((line) => / — \d+ checks?:/.test(line))).toEqual([
      'Encryption — 1 check: 1 pass',
      'Network — 1 check: 1 fail',
      'System — 1 check: 1 not on this OS',
      'Custom — 61 checks: 20 pass, 3 fail, 9 could not run, 28 to check by hand, 1 not on this OS',
    ]);
  });

  it('wraps a summary that does not fit instead of cutting it, since it may be the only place a reason is said', () => {
    const confirmed = report();
    confirmed.results = [
      result('Disk encryption', 'unknown', { source: BUILTIN, summary: 'Confirmed by you on 2026-11-28: BitLocker (Device encryption) protects drive C:' }),
    ];
    expect(formatReport(confirmed, options({ width: 60 }))).toContain(
      'unknown  Disk encryption  Confirmed by you on 2026-11-28:\n                          BitLocker (Device encryption)\n                          protects drive C:\n',
    );
  });
});
