import { describe, expect, it } from 'vitest';
import { runSoak } from './soak.js';

describe('kill -9 at random moments of a scan (the short soak; npm run soak -- 200 for the long one)', () => {
  it('leaves no osqueryd running, no folder behind, a sound history with no scan lost, doubled or stuck, and a clean scan after', async () => {
    const report = await runSoak({ kills: 9, seed: 20261128 });
    expect(report.kills.cli + report.kills.agent + report.kills['agent-serving-cli'] + report.finishedFirst).toBe(9);
    expect(report.kills['agent-serving-cli']).toBeGreaterThan(0);
    expect(report).toMatchObject({
      orphans: [],
      leftoverFolders: [],
      integrity: 'ok',
      lost: [],
      duplicated: 0,
      stackTraces: [],
      scans: { running: 0 },
      cleanScan: { code: expect.any(Number), scanId: expect.any(Number) },
    });
    expect(report.cleanScan.code).toBeLessThan(2);
    // Some kills land inside a scan, which the history then calls interrupted.
    expect(report.scans.interrupted).toBeGreaterThan(0);
  }, 600_000);
});
