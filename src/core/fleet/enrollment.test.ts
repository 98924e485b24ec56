import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCa } from '../../../test/fleet/certificates.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/standin.js';
import {
  fleetFiles,
  parseCaCertificates,
  parseEnrollSecret,
  parseFleetUrl,
  readEnrollment,
  removeEnrollment,
  writeEnrollment,
} from './enrollment.js';

afterEach(() => removeTempDirs());

describe('what the owner gives to enroll', () => {
  it('takes an https address with its port and path prefix, and refuses anything else in words', () => {
    expect(parseFleetUrl(' https://fleet.example.com:8443/ ')).toEqual({ url: 'https://fleet.example.com:8443', hostname: 'fleet.example.com:8443', pathPrefix: '' });
    expect(parseFleetUrl('https://example.com/fleet')).toEqual({ url: 'https://example.com/fleet', hostname: 'example.com', pathPrefix: '/fleet' });
    expect(() => parseFleetUrl('http://fleet.example.com')).toThrow('Fleet is reached over https only, not http');
    expect(() => parseFleetUrl('fleet.example.com')).toThrow('is not a URL');
    expect(() => parseFleetUrl('https://admin:pw@fleet.example.com')).toThrow('must not carry a user name or password');
    expect(() => parseFleetUrl('https://fleet.example.com/?enroll_secret=x')).toThrow('without ? or #');
  });

  it('trims the secret as osquery does, and refuses an empty one or one of several lines', () => {
    expect(parseEnrollSecret('  abc123\n')).toBe('abc123');
    expect(() => parseEnrollSecret(' \n')).toThrow('the enroll secret is empty');
    expect(() => parseEnrollSecret('abc\ndef')).toThrow('it should be one line');
  });

  it('takes the certificates of a PEM file, and refuses a file without one', () => {
    const ca = makeCa('Family CA');
    expect(parseCaCertificates(`some words\n${ca.certPem}more`)).toBe(ca.certPem);
    expect(() => parseCaCertificates('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----')).toThrow('holds no PEM certificate');
    expect(() => parseCaCertificates('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----')).toThrow('cannot be read');
  });
});

describe('the enrollment files', () => {
  it('keeps the secret in a file only this user can read, in a folder only they can enter, and removes them all', () => {
    const dataDir = tempDir();
    const files = fleetFiles(dataDir);
    const enrollment = { server: parseFleetUrl('https://fleet.example.com'), trust: 'system' as const, enrolledAt: 5 };
    writeEnrollment(dataDir, enrollment, 'the-secret', 'certs\n');
    expect(statSync(files.dir).mode & 0o777).toBe(0o700);
    for (const file of [files.secret, files.enrollment, files.serverCerts]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    expect(readFileSync(files.secret, 'utf8')).toBe('the-secret\n');
    expect(readFileSync(files.enrollment, 'utf8')).not.toContain('the-secret');
    expect(readEnrollment(dataDir)).toEqual(enrollment);
    removeEnrollment(dataDir);
    expect([files.secret, files.enrollment, files.serverCerts].filter((file) => existsSync(file))).toEqual([]);
    expect(readEnrollment(dataDir)).toBeUndefined();
  });
});
