/**
 * Certificate authorities and server certificates made at test time (no key is committed): ECDSA
 * P-256 keys from node:crypto and X.509 v3 certificates written in DER here (RFC 5280), signed
 * with ECDSA-SHA256.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface TestCa {
  name: string;
  certPem: string;
  /** A server certificate for these names (DNS names and IP addresses), valid now. */
  issue(hosts: string[], options?: { expired?: boolean }): IssuedCertificate;
}

export function makeCa(name: string): TestCa {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifier(spki);
  const certDer = certificate({
    subject: name,
    issuer: name,
    spki,
    signer: privateKey,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      extension(OID.keyUsage, true, bitString(Buffer.from([0x06]), 1)),
      extension(OID.subjectKeyIdentifier, false, octets(keyId)),
    ],
    validity: validity(false),
  });
  const certPem = pem('CERTIFICATE', certDer);
  return {
    name,
    certPem,
    issue(hosts, options = {}) {
      const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const leafSpki = leaf.publicKey.export({ type: 'spki', format: 'der' });
      const names = hosts.map((host) => (isIP(host) ? tlv(0x87, ipBytes(host)) : tlv(0x82, Buffer.from(host, 'ascii'))));
      const der = certificate({
        subject: hosts[0] ?? 'server',
        issuer: name,
        spki: leafSpki,
        signer: privateKey,
        extensions: [
          extension(OID.basicConstraints, true, seq()),
          extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)),
          extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
          extension(OID.subjectAltName, false, seq(...names)),
          extension(OID.subjectKeyIdentifier, false, octets(keyIdentifier(leafSpki))),
          extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId))),
        ],
        validity: validity(options.expired ?? false),
      });
      const certPem = pem('CERTIFICATE', der);
      // Checked here so that a mistake in this encoder fails loudly rather than as a TLS error.
      if (!new X509Certificate(certPem).verify(new X509Certificate(this.certPem).publicKey)) throw new Error('issued certificate does not verify');
      return { certPem, keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    },
  };
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
};

interface CertificateParts {
  subject: string;
  issuer: string;
  spki: Buffer;
  signer: KeyObject;
  extensions: Buffer[];
  validity: Buffer;
}

function certificate(parts: CertificateParts): Buffer {
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    distinguishedName(parts.issuer),
    parts.validity,
    distinguishedName(parts.subject),
    parts.spki,
    tlv(0xa3, seq(...parts.extensions)),
  );
  return seq(tbs, algorithm, bitString(sign('sha256', tbs, parts.signer), 0));
}

function validity(expired: boolean): Buffer {
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  return expired ? seq(utcTime(now - 30 * day), utcTime(now - day)) : seq(utcTime(now - day), utcTime(now + 30 * day));
}

function distinguishedName(commonName: string): Buffer {
  return seq(tlv(0x31, seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function utcTime(ms: number): Buffer {
  const text = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const octets = (content: Buffer) => tlv(0x04, content);
const bool = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
const bitString = (content: Buffer, unusedBits: number) => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));

function integer(value: Buffer): Buffer {
  return tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first! + second!];
  for (const arc of rest) {
    const base128: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      base128.unshift((value % 128) | (base128.length ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
