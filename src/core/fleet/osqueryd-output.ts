/**
 * What osqueryd says about its Fleet server in its output (stderr): the queries the server asked,
 * and why enrollment fails. osquery logs with glog and its own prefix, "I0612 10:11:12.123456  4242
 * distributed.cpp:176] message" (osquery/logger/logger.cpp:564-573); a message with line breaks
 * (a query written over several lines) continues on lines without the prefix.
 */

/** Why osqueryd could not enroll, from the reason osquery puts in its warning. */
export type EnrollProblem = 'refused' | 'certificate' | 'unreachable' | 'not-fleet' | 'error';

export type FleetSignal =
  /** osqueryd is running a query the server asked for. */
  | { kind: 'query'; at: number; id: string; sql: string }
  /** …and the query failed (osquery sends the error back to the server). */
  | { kind: 'query-error'; at: number; id: string; message: string }
  /** An enrollment attempt failed; osquery retries with a growing pause. */
  | { kind: 'enroll-failed'; at: number; problem: EnrollProblem; detail: string }
  /** The server answered osqueryd (it asked for faster check-ins). */
  | { kind: 'contact'; at: number };

const GLOG_PREFIX = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ [^\]\s]+:\d+\] /;
const PORCHLIGHT_NOTE = /^\[porchlight /;

/** distributed.cpp:172-178 (logged with --distributed_loginfo, or as a verbose line). */
const EXECUTING = /^Executing distributed query: (.*?): ([\s\S]*)$/;
/** distributed.cpp:186-189. */
const QUERY_ERROR = /^Error executing distributed query: (.*?): ([\s\S]*)$/;
/** plugins/remote/enroll/tls_enroll.cpp:101-102. */
const ENROLL_FAILED = /^Failed enrollment request to (\S+) \((.*)\) retrying\.\.\.$/;
/** distributed.cpp:349-356: the server asked for quicker check-ins, so it answered. */
const ACCELERATING = /^Accelerating distributed query checkins for \d+ seconds$/;

/**
 * What osquery's reason means, from the text osquery builds it from: "No node key returned from
 * TLS enroll plugin" when the server answered without a node key (tls_enroll.cpp:152-164), which
 * Fleet does for an unknown secret (fleet server/service/osquery.go EnrollAgent: 401 with
 * "node_invalid"); "Request error: …" when the request failed (osquery/remote/transports/tls.cpp:
 * 249-250, 300-301) with the socket's or OpenSSL's error (osquery/remote/http_client.cpp:161-167,
 * 270-275); "Cannot parse JSON: …" when something other than JSON answered
 * (osquery/utils/json/json.cpp:333-338).
 */
export function enrollProblem(reason: string): EnrollProblem {
  if (/No node key returned/i.test(reason)) return 'refused';
  if (/Failed to connect|Connection refused|timed out|unreachable|Host not found|resolve|hostname missing|reset by peer|End of file|stream truncated/i.test(reason)) {
    return 'unreachable';
  }
  if (/certificate|handshake|ssl|wrong version number/i.test(reason)) return 'certificate';
  if (/Cannot parse JSON/i.test(reason)) return 'not-fleet';
  return 'error';
}

interface Pending {
  at: number;
  kind: 'query' | 'query-error';
  id: string;
  text: string;
}

/**
 * Turns osqueryd's output lines into Fleet signals. A query's last line is known only when the
 * next message begins, so a pending query is finished by the next prefixed line, or by `flush()`
 * (the owner calls it shortly after output stops).
 */
export class FleetOutputReader {
  private pending: Pending | undefined;

  constructor(private readonly onSignal: (signal: FleetSignal) => void) {}

  /** One complete output line, seen at `at`. */
  line(line: string, at: number): void {
    const prefix = GLOG_PREFIX.exec(line);
    if (!prefix) {
      if (this.pending && !PORCHLIGHT_NOTE.test(line)) this.pending.text += `\n${line}`;
      else this.flush();
      return;
    }
    this.flush();
    const message = line.slice(prefix[0].length);
    const executing = EXECUTING.exec(message);
    if (executing) {
      this.pending = { at, kind: 'query', id: executing[1]!, text: executing[2]! };
      return;
    }
    const failed = QUERY_ERROR.exec(message);
    if (failed) {
      this.pending = { at, kind: 'query-error', id: failed[1]!, text: failed[2]! };
      return;
    }
    const enroll = ENROLL_FAILED.exec(message);
    if (enroll) {
      const reason = enroll[2]!;
      this.onSignal({ kind: 'enroll-failed', at, problem: enrollProblem(reason), detail: reason });
      return;
    }
    if (ACCELERATING.test(message)) this.onSignal({ kind: 'contact', at });
  }

  /** Finishes a query whose text may have continued on following lines. */
  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (pending.kind === 'query') this.onSignal({ kind: 'query', at: pending.at, id: pending.id, sql: pending.text.trim() });
    else this.onSignal({ kind: 'query-error', at: pending.at, id: pending.id, message: pending.text.trim() });
  }

  /** True while a query's text may still continue. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }
}
