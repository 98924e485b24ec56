import { describe, expect, it } from 'vitest';
import { sampleReportData, SCRIPT_NAME } from '../../../test/helpers/report-data.js';
import { reportJson, REPORT_JSON_VERSION } from './json.js';

describe('the JSON report', () => {
  const json = JSON.parse(JSON.stringify(reportJson(sampleReportData()))) as ReturnType<typeof reportJson>;

  it('has the documented, versioned shape (docs/report-json.md)', () => {
    expect(REPORT_JSON_VERSION).toBe(1);
    expect(Object.keys(json)).toEqual(['schemaVersion', 'generatedAt', 'platform', 'demo', 'verdict', 'verdictText', 'scan', 'counts', 'checks', 'trend']);
    expect(json).toMatchObject({ schemaVersion: 1, platform: 'windows', demo: false, verdict: 'failing', verdictText: 'Needs attention' });
    expect(json.scan).toEqual({ id: 42, trigger: 'schedule', startedAt: expect.stringMatching(/Z$/), finishedAt: expect.stringMatching(/Z$/) });
    expect(json.counts).toEqual({ pass: 1, fail: 1, unknown: 0, not_applicable: 1, error: 1, manual: 0, confirmedByYou: 1 });
    expect(Object.keys(json.checks[0]!)).toEqual([
      'id',
      'title',
      'category',
      'severity',
      'source',
      'status',
      'statusText',
      'summary',
      'reason',
      'confirmation',
      'description',
      'visibility',
      'findingCounts',
      'findings',
      'selfCheck',
      'remediation',
      'history',
    ]);
    expect(json.trend).toHaveLength(30);
    expect(Object.keys(json.trend[0]!)).toEqual(['date', 'scans', 'failed', 'unknown', 'passed']);
  });

  it('keeps names as data, says findings’ states, and a confirmation as the owner’s word with the status still unknown', () => {
    const extensions = json.checks.find((c) => c.id === 'browser-extensions')!;
    expect(extensions.findingCounts).toEqual({ needAttention: 2, acknowledged: 1, listed: 1 });
    expect(extensions.findings[0]).toMatchObject({ title: `${SCRIPT_NAME} (chrome)`, state: 'needs attention', acknowledgedUntil: null, firstSeen: expect.stringMatching(/Z$/) });
    expect(extensions.findings[2]).toMatchObject({ state: 'acknowledged', acknowledged: true, acknowledgedUntil: expect.stringMatching(/Z$/) });
    const disk = json.checks.find((c) => c.id === 'disk-encryption')!;
    expect(disk).toMatchObject({ status: 'unknown', statusText: 'Confirmed by you', confirmation: { statement: 'BitLocker protects drive C:' } });
    expect(disk.selfCheck?.steps).toHaveLength(1);
    expect(json.checks.find((c) => c.id === 'firewall')!.history.map((h) => h.status)).toEqual(['pass', 'fail', 'pass']);
  });
});
