import type { FleetEnrollment } from './enrollment.js';
import type { EnrollProblem } from './osqueryd-output.js';
import type { FleetServerProblem } from './preflight.js';

export type FleetState =
  /** Not enrolled: Porchlight is local only. */
  | 'not-enrolled'
  /** Enrolled, but osqueryd is not running (or Porchlight is not), so nothing talks to the server. */
  | 'offline'
  /** osqueryd has Fleet's flags and has no configuration from the server yet. */
  | 'enrolling'
  | 'connected'
  /** The server answered enrollment without a node key: the secret is wrong or was revoked. */
  | 'refused'
  /** The server's certificate is not trusted (or not valid) with the certificates osqueryd was given. */
  | 'certificate'
  | 'unreachable'
  /** Anything else osqueryd or the health check reported (osquerySays, healthProblem have their words). */
  | 'error';

export interface FleetStatus {
  state: FleetState;
  /** One sentence for the owner. */
  summary: string;
  /** What the owner can do about it, when something is wrong or worth knowing. */
  advice: string | null;
  /** osqueryd's own words for its latest failure with the server (from its output), while current. */
  osquerySays: string | null;
  /** What went wrong with Porchlight's check of the server's health (GET /healthz), while it fails. */
  healthProblem: string | null;
  server: { url: string; hostname: string } | null;
  enrolledAt: number | null;
  /** osquery reports a configuration from the server (osquery_info.config_valid and config_hash, config_plugin tls). */
  configReceived: boolean;
  /** The last time Porchlight saw osqueryd get something from the server: its configuration, or a query it asked. */
  lastCheckInAt: number | null;
  /** The server's health check (this computer to the server) failed since then, and has not answered since. */
  unreachableSince: number | null;
  /** The last time the server's health check answered. */
  reachableAt: number | null;
  /** Queries osqueryd ran for the server since local midnight. */
  queriesToday: number;
  /**
   * Whether osqueryd still logs each query the server asks: the server's agent options can turn
   * that off (distributed_loginfo and logger_min_stderr are not command-line-only flags), and then
   * Porchlight cannot list them. 'unknown' while osqueryd does not answer.
   */
  queryLog: 'on' | 'off' | 'unknown';
}

/** What osquery says about itself, read through the extension socket. */
export interface OsqueryFleetView {
  configHash: string;
  configValid: boolean;
  /** Flags by name (osquery_flags), for the ones that matter here. */
  flags: Record<string, string>;
}

export interface FleetObservation {
  enrollment: FleetEnrollment | undefined;
  /** 'no-agent': this is a CLI command and no Porchlight agent runs osqueryd for the data dir. */
  osquery: 'running' | 'not-running' | 'no-agent';
  view: OsqueryFleetView | undefined;
  /** osqueryd's latest enrollment failure (since it was last restarted for Fleet). */
  lastFailure: { at: number; problem: EnrollProblem; detail: string } | undefined;
  lastCheckInAt: number | null;
  /** The server's health check: the last answer, or the problem since when. */
  health: { ok: true; at: number } | { ok: false; problem: FleetServerProblem; message: string; since: number; reachableAt: number | null } | undefined;
  queriesToday: number;
  now: number;
}

/**
 * While enrollment keeps failing, osquery says so at least every few minutes: it retries with
 * pauses of 1, 4, 9… seconds up to 12 attempts, then again at its next config or distributed
 * request (plugins/remote/enroll/tls_enroll.cpp:83-119, osquery/remote/utility.h:89). A failure
 * not repeated for this long is over.
 */
export const ENROLL_FAILURE_STALE_MS = 15 * 60_000;

/** True when osqueryd would still write "Executing distributed query" to stderr (see FleetStatus.queryLog). */
export function queryLogState(flags: Record<string, string> | undefined): FleetStatus['queryLog'] {
  if (!flags || flags.distributed_loginfo === undefined) return 'unknown';
  const logged = flags.distributed_loginfo === 'true' || flags.verbose === 'true';
  const toStderr = flags.logger_stderr !== 'false' && Number(flags.logger_min_stderr ?? '0') <= 0;
  return logged && toStderr ? 'on' : 'off';
}

export function configReceived(view: OsqueryFleetView | undefined): boolean {
  return view !== undefined && view.flags.config_plugin === 'tls' && view.configValid && view.configHash !== '';
}

const CERTIFICATE_PROBLEMS = new Set<FleetServerProblem>(['untrusted', 'wrong-ca', 'wrong-name', 'expired']);

export function fleetStatus(observation: FleetObservation): FleetStatus {
  const { enrollment } = observation;
  const failure = currentFailure(observation);
  const base = {
    advice: null,
    osquerySays: failure?.detail ?? null,
    healthProblem: observation.health && !observation.health.ok ? observation.health.message : null,
    server: enrollment ? { url: enrollment.server.url, hostname: enrollment.server.hostname } : null,
    enrolledAt: enrollment?.enrolledAt ?? null,
    configReceived: configReceived(observation.view),
    lastCheckInAt: observation.lastCheckInAt,
    unreachableSince: observation.health && !observation.health.ok ? observation.health.since : null,
    reachableAt: observation.health ? (observation.health.ok ? observation.health.at : observation.health.reachableAt) : null,
    queriesToday: observation.queriesToday,
    queryLog: queryLogState(observation.view?.flags),
  } satisfies Omit<FleetStatus, 'state' | 'summary'>;
  if (!enrollment) return { ...base, state: 'not-enrolled', summary: 'Not connected to a Fleet server: Porchlight is local only.' };

  const host = enrollment.server.hostname;
  if (observation.osquery !== 'running') {
    return {
      ...base,
      state: 'offline',
      summary:
        observation.osquery === 'no-agent'
          ? `Enrolled with ${host}; osquery connects to it while Porchlight runs.`
          : `Enrolled with ${host}; osquery is not running, so it is not connected now.`,
    };
  }

  const { health } = observation;
  if (health && !health.ok) {
    if (CERTIFICATE_PROBLEMS.has(health.problem)) {
      return {
        ...base,
        state: 'certificate',
        summary: `${host}'s certificate is not trusted by the certificates osquery was given.`,
        advice: 'Connect again with the server’s CA certificate.',
      };
    }
    if (health.problem === 'unreachable' || health.problem === 'timeout') {
      return {
        ...base,
        state: 'unreachable',
        summary: `${host} is not reachable; Porchlight's own checks keep running.`,
        advice: 'osquery keeps its enrollment and tries again by itself; its logs wait until the server answers.',
      };
    }
    return { ...base, state: 'error', summary: `${host} does not answer as a healthy Fleet server.` };
  }

  if (failure) return { ...base, ...failureWords(failure.problem, host) };

  if (!base.configReceived) return { ...base, state: 'enrolling', summary: `Enrolling with ${host}…` };

  return {
    ...base,
    state: 'connected',
    summary: `Connected to ${host}.`,
    advice:
      base.queryLog === 'off'
        ? 'The server has turned off osquery’s log of the queries it runs, so Porchlight cannot list them; the server can still run queries on this laptop.'
        : null,
  };
}

/** osqueryd's latest enrollment failure, unless osqueryd has heard from the server since, or it is stale. */
function currentFailure({ lastFailure, lastCheckInAt, now }: FleetObservation): FleetObservation['lastFailure'] {
  if (!lastFailure || now - lastFailure.at >= ENROLL_FAILURE_STALE_MS) return undefined;
  return lastCheckInAt === null || lastFailure.at > lastCheckInAt ? lastFailure : undefined;
}

function failureWords(problem: EnrollProblem, host: string): Pick<FleetStatus, 'state' | 'summary' | 'advice'> {
  switch (problem) {
    case 'refused':
      return {
        state: 'refused',
        summary: `${host} refused to enroll this laptop.`,
        advice: 'Check the enroll secret with the server’s admin, then connect again with the right one.',
      };
    case 'certificate':
      return {
        state: 'certificate',
        summary: `osquery does not trust ${host}'s certificate.`,
        advice: 'Connect again with the server’s CA certificate.',
      };
    case 'unreachable':
      return {
        state: 'unreachable',
        summary: `osquery cannot reach ${host}; Porchlight's own checks keep running.`,
        advice: 'osquery tries again by itself.',
      };
    case 'not-fleet':
      return { state: 'error', summary: `Something other than Fleet answers at ${host}.`, advice: 'Check the server address.' };
    case 'error':
      return { state: 'error', summary: `osquery could not enroll with ${host}.`, advice: null };
  }
}
