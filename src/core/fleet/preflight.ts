import https from 'node:https';
import type { FleetServer, FleetTrust } from './enrollment.js';

/** The certificates a server is checked against, and whose they are. */
export interface TrustedCertificates {
  pem: string;
  trust: FleetTrust;
}

/** What can be wrong with a Fleet server before anything is written; the shells say how to fix `untrusted`. */
export type FleetServerProblem =
  | 'untrusted'
  | 'wrong-ca'
  | 'wrong-name'
  | 'expired'
  | 'unreachable'
  | 'timeout'
  | 'not-fleet'
  | 'unhealthy';

export class FleetServerError extends Error {
  override name = 'FleetServerError';
  constructor(
    readonly problem: FleetServerProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface FleetServerCheck {
  /** Fleet's version, from its public GET /version. */
  version: string;
}

export const PREFLIGHT_TIMEOUT_MS = 10_000;

/**
 * osqueryd's TLS settings, so that the preflight refuses what osqueryd would: TLS 1.2 or newer
 * (SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1, osquery/remote/transports/tls.cpp:171-173) and osquery's
 * cipher list for TLS 1.2 (kTLSCiphers, osquery/remote/transports/tls.h:28-30).
 */
const OSQUERY_TLS = {
  minVersion: 'TLSv1.2',
  ciphers: 'ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:ECDH+3DES:DH+3DES:RSA+AESGCM:RSA+AES:RSA+3DES:!aNULL:!MD5:!CBC:!SHA',
} as const;

/** Node's names for a certificate chain that does not lead to a trusted root. */
const UNTRUSTED_CHAIN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);

/**
 * Fleet's public endpoints, as a new host would reach them: a TLS handshake checked against
 * `ca`, then GET /version (Fleet's build info: {"version": …, "branch": …, …}, fleet
 * server/version/version.go Handler) and GET /healthz (200 with an empty body when its database
 * and caches answer, 500 when not: fleet server/health/health.go Handler). Both hang off Fleet's
 * root mux, which a URL prefix moves as a whole (fleet cmd/fleet/serve.go: rootMux.Handle("/healthz"…,
 * "/version"…), then prefixMux.Handle(URLPrefix+"/", http.StripPrefix(URLPrefix, rootMux))).
 * Nothing is sent that identifies this computer. Throws FleetServerError in words.
 */
export async function checkFleetServer(server: FleetServer, ca: TrustedCertificates, timeoutMs = PREFLIGHT_TIMEOUT_MS): Promise<FleetServerCheck> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const version = await get(server, ca, '/version', deadline, timeoutMs);
  const info = parseJsonObject(version.body);
  if (version.status !== 200 || typeof info?.version !== 'string' || typeof info.revision !== 'string') {
    throw new FleetServerError(
      'not-fleet',
      `no Fleet server at ${server.hostname}: GET /version answered ${version.status} ${version.status === 200 ? 'without Fleet’s version fields' : ''}`.trim(),
    );
  }
  const health = await get(server, ca, '/healthz', deadline, timeoutMs);
  if (health.status !== 200) {
    throw new FleetServerError('unhealthy', `the Fleet server at ${server.hostname} says it is not healthy (GET /healthz answered ${health.status})`);
  }
  return { version: info.version };
}

/** Whether the server answers its health check now (the same trust as osqueryd's); used while enrolled. */
export async function probeFleetServer(server: FleetServer, ca: TrustedCertificates, timeoutMs = PREFLIGHT_TIMEOUT_MS): Promise<void> {
  const health = await get(server, ca, '/healthz', AbortSignal.timeout(timeoutMs), timeoutMs);
  if (health.status !== 200) {
    throw new FleetServerError('unhealthy', `the Fleet server at ${server.hostname} says it is not healthy (GET /healthz answered ${health.status})`);
  }
}

interface Answer {
  status: number;
  body: string;
}

const MAX_BODY = 64 * 1024;

function get(server: FleetServer, ca: TrustedCertificates, pathname: string, signal: AbortSignal, timeoutMs: number): Promise<Answer> {
  const url = new URL(`https://${server.hostname}${server.pathPrefix}${pathname}`);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'GET', ca: ca.pem, ...OSQUERY_TLS, agent: false, signal, headers: { accept: 'application/json' } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY) response.destroy();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', (error) => reject(describe(error, server, ca, timeoutMs, signal)));
      },
    );
    request.on('error', (error) => reject(describe(error, server, ca, timeoutMs, signal)));
    request.end();
  });
}

/** Parsed JSON when it is an object (or array), undefined for anything else: not JSON, a string, a number. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: NodeJS.ErrnoException, server: FleetServer, ca: TrustedCertificates, timeoutMs: number, signal: AbortSignal): FleetServerError {
  const host = server.hostname;
  const code = error.code ?? '';
  if (signal.aborted) return new FleetServerError('timeout', `${host} did not answer: timed out after ${timeoutMs / 1000} s`);
  if (UNTRUSTED_CHAIN.has(code)) {
    return ca.trust === 'given-ca'
      ? new FleetServerError('wrong-ca', `the server's certificate is not signed by the CA you gave (${host}: ${error.message})`)
      : new FleetServerError('untrusted', `the server's certificate is not trusted (${host}: ${error.message})`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new FleetServerError('wrong-name', `the server's certificate is not for ${server.hostname.replace(/:\d+$/, '')}: ${error.message}`);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new FleetServerError('expired', `the server's certificate is not valid now (${host}: ${error.message})`);
  }
  if (code === 'ECONNREFUSED') return new FleetServerError('unreachable', `nothing answers at ${host} (connection refused)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new FleetServerError('unreachable', `no such host: ${host} (${code})`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new FleetServerError('unreachable', `${host} cannot be reached from this computer (${code})`);
  if (code === 'ECONNRESET' || code === 'EPROTO' || code.startsWith('ERR_SSL')) {
    return new FleetServerError('not-fleet', `no Fleet server at ${host}: the TLS handshake failed (${error.message})`);
  }
  return new FleetServerError('unreachable', `${host} could not be reached: ${error.message}`);
}
