/**
 * Failure modes of the stand-in, from STANDIN_FAULT (comma separated), e.g.
 * `crash-after-queries=3,slow=200`. Each imitates something a real osqueryd does.
 */
export interface Faults {
  crashAtStart: boolean;
  crashAfterQueries: number | undefined;
  noSocket: boolean;
  slowMs: number;
  dieAfterMs: number | undefined;
  /** Pings after this many answer with a failure status (0: every ping fails). */
  pingFailAfter: number | undefined;
  garbage: boolean;
}

export function parseFaults(spec: string | undefined): Faults {
  const faults: Faults = {
    crashAtStart: false,
    crashAfterQueries: undefined,
    noSocket: false,
    slowMs: 0,
    dieAfterMs: undefined,
    pingFailAfter: undefined,
    garbage: false,
  };
  for (const item of (spec ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, raw] = item.split('=', 2);
    const amount = raw === undefined ? NaN : Number(raw);
    switch (name) {
      case 'crash-at-start':
        faults.crashAtStart = true;
        break;
      case 'crash-after-queries':
        faults.crashAfterQueries = requireNumber(name, amount);
        break;
      case 'no-socket':
        faults.noSocket = true;
        break;
      case 'slow':
        faults.slowMs = requireNumber(name, amount);
        break;
      case 'die-after':
        faults.dieAfterMs = requireNumber(name, amount);
        break;
      case 'ping-fail':
        faults.pingFailAfter = 0;
        break;
      case 'ping-fail-after':
        faults.pingFailAfter = requireNumber(name, amount);
        break;
      case 'garbage':
        faults.garbage = true;
        break;
      default:
        throw new Error(`unknown STANDIN_FAULT '${item}'`);
    }
  }
  return faults;
}

function requireNumber(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`STANDIN_FAULT ${name} needs a number, e.g. ${name}=3`);
  return value;
}
