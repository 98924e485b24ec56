import { describe, expect, it } from 'vitest';
import { API } from './contract.js';
import { fleetConsent } from './fleet-consent.js';

describe('consent to Fleet enrollment', () => {
  it('says in plain words what the server can do, as whom osquery runs, and how to disconnect', () => {
    const text = fleetConsent('fleet.example.com').join('\n');
    expect(text).toContain('Connect this laptop to the Fleet server at fleet.example.com?');
    expect(text).toContain('the server’s admin can run any osquery SQL on this laptop');
    expect(text).toContain('installed software, browser extensions, listening ports and running programs, user accounts');
    expect(text).toContain('osquery runs as you, not as an administrator, so the server sees what your account can see');
    expect(text).toContain('porchlight fleet unenroll');
  });

  it('is required by the contract: enrollFleet refuses a request without the owner’s yes', () => {
    const request = { url: 'https://fleet.example.com', secret: 's' };
    expect(API.enrollFleet.request.safeParse(request).success).toBe(false);
    expect(API.enrollFleet.request.safeParse({ ...request, consent: false }).success).toBe(false);
    expect(API.enrollFleet.request.safeParse({ ...request, consent: true }).success).toBe(true);
  });
});
