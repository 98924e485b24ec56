import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { HistoryStore } from '../store/history-store.js';
import { builtinCheck } from './loader.js';
import { reportFromHistory } from './latest-report.js';

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  removeTempDirs();
});

function open(): HistoryStore {
  const { store } = HistoryStore.open(tempDir());
  stores.push(store);
  return store;
}

const checks = ['disk-encryption', 'firewall', 'administrator-accounts'].map(builtinCheck);
const finding = (key: string, counted = true) => ({ key, title: `${key} is an administrator`, reason: 'r', detail: { user: key }, counted });

describe('reportFromHistory', () => {
  it('is undefined before any scan recorded results', () => {
    const store = open();
    store.failScan(store.beginScan('cli', 1), 'osqueryd closed the connection', 2);
    expect(reportFromHistory(store, checks, 'windows', 3)).toBeUndefined();
  });

  it("gives each check's latest result with its open findings, judged by the owner's decisions now", () => {
    const store = open();
    const first = store.beginScan('schedule', 1_000);
    store.finishScan(
      first,
      [
        { checkId: 'disk-encryption', status: 'unknown', summary: 'Cannot tell: no rights', reason: 'no rights' },
        { checkId: 'firewall', status: 'pass', summary: 'on', reason: '' },
        { checkId: 'administrator-accounts', status: 'fail', summary: '2 findings need attention', reason: '', findings: [finding('bob'), finding('eve'), finding('ann', false)] },
      ],
      1_100,
    );
    // A later scan of one check only: the others keep their results.
    const second = store.beginScan('cli', 2_000);
    store.finishScan(second, [{ checkId: 'firewall', status: 'fail', summary: 'off', reason: '' }], 2_100);
    store.acknowledge('administrator-accounts', 'bob', {}, 2_200);
    store.confirm('disk-encryption', { statement: 'BitLocker protects drive C:', confirmedAt: 2_300, expiresAt: 10_000 });

    const report = reportFromHistory(store, checks, 'windows', 3_000)!;
    expect(report).toMatchObject({ scanId: second, trigger: 'cli', platform: 'windows', startedAt: 2_000, finishedAt: 2_100, changes: { new: [], resolved: [] } });
    expect(report.results.map((r) => [r.checkId, r.status, r.summary])).toEqual([
      ['disk-encryption', 'unknown', 'Confirmed by you on 1970-01-01: BitLocker protects drive C:'],
      ['firewall', 'fail', 'off'],
      ['administrator-accounts', 'fail', '1 finding needs attention (1 acknowledged, 1 listed for you to see)'],
    ]);
    expect(report.results[0]!.confirmation).toEqual({ statement: 'BitLocker protects drive C:', confirmedAt: 2_300, expiresAt: 10_000 });
    expect(report.results[1]).toMatchObject({ title: 'Firewall', category: 'network', severity: expect.any(String) });
    expect(report.results[2]!.findings.map((f) => [f.key, f.counted, f.acknowledged])).toEqual(
      expect.arrayContaining([
        ['bob', true, true],
        ['eve', true, false],
        ['ann', false, false],
      ]),
    );
  });

  it('leaves out checks it is not given (disabled) and checks never scanned', () => {
    const store = open();
    store.finishScan(store.beginScan('cli', 1), [{ checkId: 'firewall', status: 'pass', summary: 'on', reason: '' }], 2);
    expect(reportFromHistory(store, [builtinCheck('disk-encryption')], 'linux', 3)!.results).toEqual([]);
    expect(reportFromHistory(store, checks, 'linux', 3)!.results.map((r) => r.checkId)).toEqual(['firewall']);
  });
});
