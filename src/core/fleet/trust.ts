import tls from 'node:tls';
import type { TrustedCertificates } from './preflight.js';

/** Node 22.15+ / 23.5+ can read the OS's own certificate store; older Nodes cannot. */
type CaReader = { getCACertificates?: (type: 'system') => string[] };

/**
 * The certificates a Fleet server's certificate is checked against, as one PEM bundle: the CA the
 * owner gave, or else this computer's roots (Mozilla's list that Node carries, plus the OS's store
 * where this Node can read it). The same bundle serves the preflight and osqueryd
 * (--tls_server_certs), so both trust exactly the same servers. osqueryd cannot be left to its
 * default, OSQUERY_CERTS_HOME/certs.pem (osquery/remote/transports/tls.cpp:37-40): that is
 * /opt/osquery/share/osquery/certs/certs.pem on Linux (osquery/utils/config/default_paths.h:29),
 * where the osqueryd shipped inside Porchlight has no file, and without a readable file its
 * client trusts nothing (tls.cpp:114-118, osquery/remote/http_client.cpp:226-240).
 */
export function trustedCertificates(givenCa: string | undefined): TrustedCertificates {
  if (givenCa) return { pem: givenCa, trust: 'given-ca' };
  const system = (tls as unknown as CaReader).getCACertificates?.('system') ?? [];
  const all = [...new Set([...tls.rootCertificates, ...system])];
  return { pem: `${all.join('\n')}\n`, trust: 'system' };
}
