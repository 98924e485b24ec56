import type { Severity } from '../checks/definition.js';

/** One thing the core decided to tell the owner; every sink gets the same alert. */
export interface Alert {
  /** Stable for what it is about, so the same news is not told twice. */
  key: string;
  kind: 'check-failing' | 'new-finding' | 'summary' | 'test';
  title: string;
  body: string;
  /** The check's severity; for a summary, the highest among its news. */
  severity: Severity;
  /** The check a click opens. */
  checkId?: string;
  findingId?: string;
  /** When the core decided it (ms since the epoch). */
  at: number;
}

const SEVERITY_ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];

export function highestSeverity(severities: Severity[]): Severity {
  return severities.reduce<Severity>((highest, s) => (SEVERITY_ORDER.indexOf(s) > SEVERITY_ORDER.indexOf(highest) ? s : highest), 'low');
}

/** What `porchlight alerts test` and "Send test" send: plainly a test, so nobody acts on it. */
export function testAlert(now: number): Alert {
  return {
    key: `test:${now}`,
    kind: 'test',
    title: 'Porchlight test alert',
    body: 'This is a test from Porchlight. Alerts about this computer will arrive here.',
    severity: 'low',
    at: now,
  };
}
