import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import { HistoryStore } from '../store/history-store.js';
import { fleetQueryPurpose, FleetQueryLog } from './query-log.js';

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  removeTempDirs();
});

function open() {
  const { store } = HistoryStore.open(tempDir());
  stores.push(store);
  return { store, log: new FleetQueryLog(store.db) };
}

const DAY = 24 * 60 * 60 * 1000;

describe("the history of what Fleet asked", () => {
  it("keeps each query osqueryd ran for a server, newest first, with osquery's error when it failed", () => {
    const { log } = open();
    log.recordDistributed({ at: 10, server: 'fleet:8443', queryId: 'fleet_detail_query_users', sql: 'SELECT * FROM users' });
    log.recordDistributed({ at: 20, server: 'fleet:8443', queryId: 'fleet_distributed_query_9', sql: 'SELECT * FROM nope' });
    log.recordError('fleet_distributed_query_9', 'no such table: nope');
    expect(log.list()).toEqual([
      { at: 20, kind: 'distributed', server: 'fleet:8443', queryId: 'fleet_distributed_query_9', sql: 'SELECT * FROM nope', purpose: 'live', intervalSeconds: null, error: 'no such table: nope' },
      { at: 10, kind: 'distributed', server: 'fleet:8443', queryId: 'fleet_detail_query_users', sql: 'SELECT * FROM users', purpose: 'host details', intervalSeconds: null, error: null },
    ]);
    expect(log.countDistributed(15)).toBe(1);
    expect(log.lastDistributedAt('fleet:8443', 0)).toBe(20);
    expect(log.lastDistributedAt('other', 0)).toBeNull();
  });

  it('records a scheduled query when first seen and when it changes, not at every look', () => {
    const { log } = open();
    const query = { name: 'pack/Global/users', sql: 'SELECT * FROM users', intervalSeconds: 3600, executions: 0, lastExecuted: 0 };
    expect(log.recordSchedule('fleet', [query], 100)).toHaveLength(1);
    expect(log.recordSchedule('fleet', [{ ...query, executions: 3 }], 200)).toEqual([]);
    expect(log.recordSchedule('fleet', [{ ...query, intervalSeconds: 60 }], 300)).toEqual([expect.objectContaining({ at: 300, intervalSeconds: 60, purpose: 'scheduled' })]);
    expect(log.list().map((record) => record.at)).toEqual([300, 100]);
  });

  it("is trimmed with the rest of the history", () => {
    const { store, log } = open();
    const now = 400 * DAY;
    log.recordDistributed({ at: now - 100 * DAY, server: 'fleet', queryId: 'old', sql: 'SELECT 1' });
    log.recordDistributed({ at: now - DAY, server: 'fleet', queryId: 'new', sql: 'SELECT 1' });
    store.applyRetention(90, now);
    expect(log.list().map((record) => record.queryId)).toEqual(['new']);
  });

  it("tells Fleet's purposes apart by the names Fleet gives its queries", () => {
    expect(fleetQueryPurpose('distributed', 'fleet_label_query_12')).toBe('label');
    expect(fleetQueryPurpose('distributed', 'fleet_policy_query_3')).toBe('policy');
    expect(fleetQueryPurpose('distributed', 'fleet_additional_query_x')).toBe('host details');
    expect(fleetQueryPurpose('distributed', 'my-own-id')).toBe('other');
    expect(fleetQueryPurpose('scheduled', 'fleet_distributed_query_1')).toBe('scheduled');
  });
});
