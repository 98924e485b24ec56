import { describe, expect, it } from 'vitest';
import { parseFleetUrl } from './enrollment.js';
import { ENROLL_FAILURE_STALE_MS, fleetStatus, queryLogState, type FleetObservation } from './fleet-status.js';

const NOW = 1_800_000_000_000;
const enrolled: FleetObservation = {
  enrollment: { server: parseFleetUrl('https://fleet.example.com'), trust: 'given-ca', enrolledAt: NOW - 60_000 },
  osquery: 'running',
  view: { configHash: 'abc', configValid: true, flags: { config_plugin: 'tls', distributed_loginfo: 'true', logger_min_stderr: '0', logger_stderr: 'true' } },
  lastFailure: undefined,
  lastCheckInAt: NOW - 30_000,
  health: { ok: true, at: NOW - 1_000 },
  queriesToday: 4,
  now: NOW,
};

describe('the Fleet status', () => {
  it('is local only when not enrolled', () => {
    expect(fleetStatus({ ...enrolled, enrollment: undefined })).toMatchObject({ state: 'not-enrolled', server: null, summary: 'Not connected to a Fleet server: Porchlight is local only.' });
  });

  it('is connected when osquery has a configuration from the server (config_valid, config_hash, config_plugin tls)', () => {
    expect(fleetStatus(enrolled)).toMatchObject({ state: 'connected', summary: 'Connected to fleet.example.com.', configReceived: true, queryLog: 'on', advice: null, queriesToday: 4 });
    expect(fleetStatus({ ...enrolled, view: { ...enrolled.view!, configHash: '' } })).toMatchObject({ state: 'enrolling', summary: 'Enrolling with fleet.example.com…' });
    expect(fleetStatus({ ...enrolled, view: { ...enrolled.view!, configValid: false } }).state).toBe('enrolling');
    // A filesystem config is not the server's.
    expect(fleetStatus({ ...enrolled, view: { ...enrolled.view!, flags: { ...enrolled.view!.flags, config_plugin: 'filesystem' } } }).state).toBe('enrolling');
  });

  it("says refused after osquery's failed enrollment, unless osquery heard from the server since, or long ago", () => {
    const refused = { at: NOW - 5_000, problem: 'refused' as const, detail: 'No node key returned from TLS enroll plugin' };
    expect(fleetStatus({ ...enrolled, lastFailure: refused })).toMatchObject({
      state: 'refused',
      summary: 'fleet.example.com refused to enroll this laptop.',
      osquerySays: 'No node key returned from TLS enroll plugin',
    });
    expect(fleetStatus({ ...enrolled, lastFailure: refused, lastCheckInAt: NOW - 1_000 }).state).toBe('connected');
    expect(fleetStatus({ ...enrolled, lastFailure: { ...refused, at: NOW - ENROLL_FAILURE_STALE_MS - 1 }, lastCheckInAt: null })).toMatchObject({ state: 'connected', osquerySays: null });
    expect(fleetStatus({ ...enrolled, lastFailure: { ...refused, problem: 'certificate', detail: 'Request error: certificate verify failed' } }).state).toBe('certificate');
  });

  it("says unreachable, and since when, when the server's health check fails, before anything osquery said", () => {
    const down = { ok: false as const, problem: 'unreachable' as const, message: 'nothing answers at fleet.example.com (connection refused)', since: NOW - 90_000, reachableAt: NOW - 100_000 };
    const refused = { at: NOW - 5_000, problem: 'refused' as const, detail: 'No node key returned from TLS enroll plugin' };
    expect(fleetStatus({ ...enrolled, health: down, lastFailure: refused })).toMatchObject({
      state: 'unreachable',
      unreachableSince: NOW - 90_000,
      reachableAt: NOW - 100_000,
      healthProblem: 'nothing answers at fleet.example.com (connection refused)',
      osquerySays: 'No node key returned from TLS enroll plugin',
    });
    expect(fleetStatus({ ...enrolled, health: { ...down, problem: 'wrong-name', message: 'not for fleet.example.com' } }).state).toBe('certificate');
    expect(fleetStatus({ ...enrolled, health: { ...down, problem: 'unhealthy', message: 'GET /healthz answered 500' } }).state).toBe('error');
  });

  it('is offline while osqueryd (or the agent) is not running', () => {
    expect(fleetStatus({ ...enrolled, osquery: 'not-running' })).toMatchObject({ state: 'offline', summary: 'Enrolled with fleet.example.com; osquery is not running, so it is not connected now.' });
    expect(fleetStatus({ ...enrolled, osquery: 'no-agent' })).toMatchObject({ state: 'offline', summary: 'Enrolled with fleet.example.com; osquery connects to it while Porchlight runs.' });
  });

  it("warns when the server turned off osquery's log of its queries", () => {
    const off = fleetStatus({ ...enrolled, view: { ...enrolled.view!, flags: { ...enrolled.view!.flags, distributed_loginfo: 'false' } } });
    expect(off).toMatchObject({ state: 'connected', queryLog: 'off' });
    expect(off.advice).toContain('The server has turned off osquery’s log of the queries it runs');
  });
});

describe("whether osqueryd still logs the server's queries", () => {
  it.each([
    [{ distributed_loginfo: 'true', logger_min_stderr: '0', logger_stderr: 'true' }, 'on'],
    [{ distributed_loginfo: 'false', verbose: 'true', logger_min_stderr: '0' }, 'on'],
    [{ distributed_loginfo: 'false', logger_min_stderr: '0' }, 'off'],
    [{ distributed_loginfo: 'true', logger_min_stderr: '1' }, 'off'],
    [{ distributed_loginfo: 'true', logger_stderr: 'false' }, 'off'],
    [{}, 'unknown'],
  ] as const)('%j → %s', (flags, state) => {
    expect(queryLogState(flags)).toBe(state);
  });
});
