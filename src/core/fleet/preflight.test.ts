import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCa } from '../../../test/fleet/certificates.js';
import { FleetTestServer } from '../../../test/fleet/fleet-server.js';
import { parseFleetUrl } from './enrollment.js';
import { checkFleetServer, type FleetServerError } from './preflight.js';
import { trustedCertificates } from './trust.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const ca = makeCa('Family Fleet CA');

async function fleet(options: Partial<Parameters<typeof FleetTestServer.start>[0]> = {}) {
  const server = await FleetTestServer.start({ ca, secret: 's', ...options });
  closers.push(() => server.stop());
  return server;
}

async function failure(promise: Promise<unknown>): Promise<FleetServerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!error) throw new Error('the check passed');
  return error as FleetServerError;
}

/** A TLS server that is not Fleet: every path is a 404, or it never answers at all. */
async function otherServer(answer: boolean): Promise<string> {
  const { certPem, keyPem } = ca.issue(['127.0.0.1']);
  const server = https.createServer({ cert: certPem, key: keyPem }, (_request, response) => {
    if (!answer) return;
    response.writeHead(404);
    response.end('404 page not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve()) && server.closeAllConnections()));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the preflight of a Fleet server, before anything changes', () => {
  it("answers with Fleet's version when the TLS handshake, GET /version and GET /healthz are right", async () => {
    const server = await fleet();
    await expect(checkFleetServer(parseFleetUrl(server.url), trustedCertificates(ca.certPem))).resolves.toEqual({ version: '4.99.0-test' });
  });

  it("says the certificate is not trusted, or not the given CA's, or not for this name, or expired", async () => {
    const server = await fleet();
    const untrusted = await failure(checkFleetServer(parseFleetUrl(server.url), trustedCertificates(undefined)));
    expect([untrusted.problem, untrusted.message]).toEqual(['untrusted', expect.stringContaining("the server's certificate is not trusted")]);
    const wrongCa = await failure(checkFleetServer(parseFleetUrl(server.url), trustedCertificates(makeCa('Other CA').certPem)));
    expect([wrongCa.problem, wrongCa.message]).toEqual(['wrong-ca', expect.stringContaining("the server's certificate is not signed by the CA you gave")]);
    const named = await fleet({ certificateHosts: ['fleet.example.com'] });
    const wrongName = await failure(checkFleetServer(parseFleetUrl(named.url), trustedCertificates(ca.certPem)));
    expect([wrongName.problem, wrongName.message]).toEqual(['wrong-name', expect.stringContaining("the server's certificate is not for 127.0.0.1")]);
    const old = await fleet({ expiredCertificate: true });
    expect((await failure(checkFleetServer(parseFleetUrl(old.url), trustedCertificates(ca.certPem)))).problem).toBe('expired');
  });

  it('says there is no Fleet server at an address where something else answers, or nothing', async () => {
    const notFleet = await failure(checkFleetServer(parseFleetUrl(await otherServer(true)), trustedCertificates(ca.certPem)));
    expect([notFleet.problem, notFleet.message]).toEqual(['not-fleet', expect.stringMatching(/^no Fleet server at 127\.0\.0\.1:\d+: GET \/version answered 404$/)]);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nothing = await failure(checkFleetServer(parseFleetUrl(`https://127.0.0.1:${port}`), trustedCertificates(ca.certPem)));
    expect([nothing.problem, nothing.message]).toEqual(['unreachable', `nothing answers at 127.0.0.1:${port} (connection refused)`]);
  });

  it('gives up after the time allowed, saying so', async () => {
    const silent = await failure(checkFleetServer(parseFleetUrl(await otherServer(false)), trustedCertificates(ca.certPem), 300));
    expect([silent.problem, silent.message]).toEqual(['timeout', expect.stringMatching(/did not answer: timed out after 0\.3 s$/)]);
  });

  it('says when Fleet reports itself unhealthy', async () => {
    const server = await fleet();
    server.healthy = false;
    const unhealthy = await failure(checkFleetServer(parseFleetUrl(server.url), trustedCertificates(ca.certPem)));
    expect([unhealthy.problem, unhealthy.message]).toEqual(['unhealthy', `the Fleet server at ${server.hostname} says it is not healthy (GET /healthz answered 500)`]);
  });
});
