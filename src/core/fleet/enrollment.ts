import { X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { makePrivateDir } from '../paths/private-sockets.js';

/** Input the owner gave that cannot be used (a URL that is not https, an empty secret, a CA file without a certificate). */
export class FleetInputError extends Error {
  override name = 'FleetInputError';
}

/** A Fleet server as osqueryd addresses it: `https://` + tls_hostname + endpoint (osquery plugins/remote/enroll/tls_enroll.cpp:74). */
export interface FleetServer {
  /** The address the owner gave, normalised: https://host[:port][/prefix]. */
  url: string;
  /** host[:port], osquery's --tls_hostname. */
  hostname: string;
  /** A path Fleet is served under (Fleet's server.url_prefix), "" for none; prefixed to every endpoint. */
  pathPrefix: string;
}

/** Where the server's certificate is checked against: the CA the owner gave, or this computer's roots. */
export type FleetTrust = 'given-ca' | 'system';

export interface FleetEnrollment {
  server: FleetServer;
  trust: FleetTrust;
  enrolledAt: number;
}

export interface FleetFiles {
  /** `<data dir>/fleet`, mode 0700. */
  dir: string;
  /** What Porchlight enrolled with (no secret in it). Its presence is the switch: osqueryd gets Fleet's flags. */
  enrollment: string;
  /** The enroll secret, mode 0600, read by osqueryd (--enroll_secret_path). */
  secret: string;
  /** The certificates osqueryd trusts for this server (--tls_server_certs). */
  serverCerts: string;
}

export function fleetFiles(dataDir: string): FleetFiles {
  const dir = path.join(dataDir, 'fleet');
  return {
    dir,
    enrollment: path.join(dir, 'enrollment.json'),
    secret: path.join(dir, 'enroll_secret'),
    serverCerts: path.join(dir, 'server-certs.pem'),
  };
}

/** The https URL of a Fleet server, as osquery can reach it. */
export function parseFleetUrl(input: string): FleetServer {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new FleetInputError(`"${input.slice(0, 200)}" is not a URL; give the server's address, e.g. https://fleet.example.com`);
  }
  // osquery's TLS transport refuses anything else (osquery/remote/transports/tls.cpp:227-230).
  if (url.protocol !== 'https:') throw new FleetInputError(`Fleet is reached over https only, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) throw new FleetInputError('the URL must not carry a user name or password');
  if (url.search || url.hash) throw new FleetInputError('the URL must be the server address alone, without ? or #');
  const pathPrefix = url.pathname.replace(/\/+$/, '');
  return { url: `https://${url.host}${pathPrefix}`, hostname: url.host, pathPrefix };
}

/** The enroll secret from what the owner typed or a file held: trimmed as osquery trims it (osquery/remote/enroll/enroll.cpp:120). */
export function parseEnrollSecret(input: string): string {
  const secret = input.trim();
  if (!secret) throw new FleetInputError('the enroll secret is empty');
  if (secret.length > 4096) throw new FleetInputError('the enroll secret is longer than 4096 characters; is this the right file?');
  if ([...secret].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) throw new FleetInputError('the enroll secret has line breaks or control characters in it; it should be one line');
  return secret;
}

/** PEM certificates, each checked to parse; the bundle osqueryd and the preflight will trust. */
export function parseCaCertificates(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new FleetInputError('the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new FleetInputError(`the CA file holds a certificate that cannot be read: ${(error as Error).message}`);
    }
  }
  return `${blocks.join('\n')}\n`;
}

const enrollmentSchema = z.object({
  server: z.object({ url: z.string(), hostname: z.string().min(1), pathPrefix: z.string() }),
  trust: z.enum(['given-ca', 'system']),
  enrolledAt: z.number().int(),
});

/** The data dir's enrollment, or undefined when it is not enrolled. A damaged file is an error. */
export function readEnrollment(dataDir: string): FleetEnrollment | undefined {
  let text: string;
  try {
    text = readFileSync(fleetFiles(dataDir).enrollment, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = enrollmentSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${fleetFiles(dataDir).enrollment} is damaged; disconnect from Fleet and connect again`);
  return parsed.data;
}

/**
 * Writes what osqueryd needs to enroll: the secret (0600) and the certificates first, the
 * enrollment last, since it is the switch that turns Fleet's flags on. Each file is written aside
 * and renamed, so a reader never sees half of one.
 */
export function writeEnrollment(
  dataDir: string,
  enrollment: FleetEnrollment,
  secret: string,
  serverCerts: string,
  platform: NodeJS.Platform = process.platform,
): void {
  const files = fleetFiles(dataDir);
  makePrivateDir(files.dir, platform);
  writeAtomically(files.secret, `${secret}\n`);
  writeAtomically(files.serverCerts, serverCerts);
  writeAtomically(files.enrollment, `${JSON.stringify(enrollment, null, 2)}\n`);
}

/** Removes the enrollment (the switch) first, then the secret and certificates. */
export function removeEnrollment(dataDir: string): void {
  const files = fleetFiles(dataDir);
  for (const file of [files.enrollment, files.secret, files.serverCerts]) rmSync(file, { force: true });
}

function writeAtomically(file: string, content: string): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, content, { mode: 0o600 });
  renameSync(aside, file);
}
