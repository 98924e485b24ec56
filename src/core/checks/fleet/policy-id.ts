import { createHash } from 'node:crypto';

/** Long enough to read, short enough for a terminal column. */
const MAX_ID = 60;
const PREFIX = 'fleet-';

/**
 * The check id of a Fleet policy, from its name (a policy's name is its identity in Fleet): the
 * same name always gives the same id. A long name is cut at a word boundary and ends in a short
 * hash of the whole name, so two long names that start alike still differ.
 */
export function policyId(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const whole = PREFIX + words;
  if (words && whole.length <= MAX_ID) return whole;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  if (!words) return `${PREFIX}policy-${hash}`;
  const room = whole.slice(0, MAX_ID - hash.length - 1);
  const boundary = room.lastIndexOf('-');
  const cut = boundary > PREFIX.length + 10 ? room.slice(0, boundary) : room.replace(/-+$/, '');
  return `${cut}-${hash}`;
}
