import { describe, expect, it } from 'vitest';
import { checkDefinitionSchema } from '../definition.js';
import { policyId } from './policy-id.js';

describe("a Fleet policy's check id", () => {
  it('is the name in lowercase words, the same every time', () => {
    expect(policyId('Full disk encryption enabled (Linux)')).toBe('fleet-full-disk-encryption-enabled-linux');
    expect(policyId('Café: Ünïcode')).toBe('fleet-cafe-unicode');
  });

  it('cuts a long name at a word and ends in a hash of the whole name, so names that start alike differ', () => {
    const cramfs = policyId('CIS Ubuntu 22.04 - 1.1.1.1 Ensure cramfs kernel module is not available (Automated)');
    const freevxfs = policyId('CIS Ubuntu 22.04 - 1.1.1.2 Ensure freevxfs kernel module is not available (Automated)');
    expect(cramfs).toMatch(/^fleet-cis-ubuntu-22-04-1-1-1-1-ensure-cramfs-kernel-[0-9a-f]{6}$/);
    expect(freevxfs).toMatch(/^fleet-cis-ubuntu-22-04-1-1-1-2-ensure-freevxfs-[0-9a-f]{6}$/);
    const alike = ['A very long policy name that goes on and on about one thing (Automated)', 'A very long policy name that goes on and on about one thing (Manual)'];
    expect(policyId(alike[0]!)).not.toBe(policyId(alike[1]!));
  });

  it('is always a valid check id, even for a name without a Latin letter', () => {
    for (const name of ['日本語のポリシー', '!!!', 'x'.repeat(500), 'Ensure ' + 'word '.repeat(40)]) {
      expect(() => checkDefinitionSchema.shape.id.parse(policyId(name)), name).not.toThrow();
    }
  });
});
