import { describe, expect, it } from 'vitest';
import { enrollProblem, FleetOutputReader, type FleetSignal } from './osqueryd-output.js';

function read(lines: string[]): FleetSignal[] {
  const signals: FleetSignal[] = [];
  const reader = new FleetOutputReader((signal) => signals.push(signal));
  lines.forEach((line, i) => reader.line(line, 1000 + i));
  reader.flush();
  return signals;
}

describe("reading what the Fleet server asked from osqueryd's output", () => {
  it('takes each distributed query osquery logs with --distributed_loginfo (and the verbose form), with its id and SQL', () => {
    expect(
      read([
        'I1128 10:47:29.842000 23900 init.cpp:399] osquery initialized [version=5.23.1]',
        'I1128 10:47:30.082000 23901 distributed.cpp:176] Executing distributed query: fleet_detail_query_osquery_info: select * from osquery_info limit 1',
        'I1128 10:47:30.087000  812 distributed.cpp:173] Executing distributed query: fleet_distributed_query_7: SELECT 1',
      ]),
    ).toEqual([
      { kind: 'query', at: 1001, id: 'fleet_detail_query_osquery_info', sql: 'select * from osquery_info limit 1' },
      { kind: 'query', at: 1002, id: 'fleet_distributed_query_7', sql: 'SELECT 1' },
    ]);
  });

  it('keeps a query written over several lines whole, up to the next message', () => {
    expect(
      read([
        "I1128 10:47:32.291000 23900 distributed.cpp:176] Executing distributed query: fleet_distributed_query_2: SELECT name, path",
        'FROM processes',
        "WHERE name = 'ssh: agent'",
        'W1128 10:47:33.000000 23900 options.cpp:89] Cannot set unknown or invalid flag: foo',
      ]),
    ).toEqual([{ kind: 'query', at: 1000, id: 'fleet_distributed_query_2', sql: "SELECT name, path\nFROM processes\nWHERE name = 'ssh: agent'" }]);
    // A note of Porchlight's own is never part of a query.
    expect(read(['I1128 10:47:32.291000 1 distributed.cpp:176] Executing distributed query: q: SELECT 1', '[porchlight 2026-11-28T10:00:00Z] restarting'])).toEqual([
      { kind: 'query', at: 1000, id: 'q', sql: 'SELECT 1' },
    ]);
  });

  it("takes osquery's error for a query that failed", () => {
    expect(read(['E1128 10:47:32.300000 23900 distributed.cpp:187] Error executing distributed query: fleet_distributed_query_3: no such table: nope'])).toEqual([
      { kind: 'query-error', at: 1000, id: 'fleet_distributed_query_3', message: 'no such table: nope' },
    ]);
  });

  it("turns osquery's enrollment warnings into what went wrong, keeping osquery's words", () => {
    const line = (reason: string) => `W0324 13:48:39.492750 24500 tls_enroll.cpp:101] Failed enrollment request to https://fleet.example.com:8412/api/v1/osquery/enroll (${reason}) retrying...`;
    // The certificate line is as osqueryd printed it for a Fleet user (fleetdm/fleet#4923).
    expect(read([line('Request error: certificate verify failed')])).toEqual([
      { kind: 'enroll-failed', at: 1000, problem: 'certificate', detail: 'Request error: certificate verify failed' },
    ]);
    expect(read([line('No node key returned from TLS enroll plugin')])).toMatchObject([{ problem: 'refused' }]);
  });

  it('says when the server answered osqueryd (it asked for quicker check-ins)', () => {
    expect(read(['I1128 10:47:30.080000 23900 distributed.cpp:352] Accelerating distributed query checkins for 10 seconds'])).toEqual([{ kind: 'contact', at: 1000 }]);
  });
});

describe("what osquery's enrollment failure means", () => {
  it.each([
    ['No node key returned from TLS enroll plugin', 'refused'],
    ['Request error: certificate verify failed', 'certificate'],
    ['Request error: certificate verify failed (SSL routines)', 'certificate'],
    ['Request error: Failed to connect to 127.0.0.1:8443: Connection refused', 'unreachable'],
    // A server name with "tls" in it is still a connection failure.
    ['Request error: Failed to connect to fleet-tls.example.com:443: Connection refused', 'unreachable'],
    ['Request error: Remote hostname missing', 'unreachable'],
    ['Request error: Connection timed out', 'unreachable'],
    ['Cannot parse JSON: Invalid value. Offset: 0', 'not-fleet'],
    ['Request failed: something else', 'error'],
  ] as const)('%s → %s', (reason, problem) => {
    expect(enrollProblem(reason)).toBe(problem);
  });
});
