/**
 * osqueryd's status log as osquery writes it: glog lines with osquery's prefix
 * (osquery/logger/logger.cpp:564-573; glog adds a space after it) on stderr, for severities at or
 * above the stderr threshold, and every line also to the status-log plugins (a TLS logger sends
 * them to the server: plugins/logger/tls_logger.cpp:78-80).
 */

export type Severity = 'I' | 'W' | 'E';

const LEVEL: Record<Severity, number> = { I: 0, W: 1, E: 2 };

/** A status log line as osquery hands it to logger plugins (logger.cpp:195-203: s, f, i, m, h, c, u). */
export interface StatusLine {
  s: number;
  f: string;
  i: number;
  m: string;
  h: string;
  c: string;
  u: number;
}

export class StatusLog {
  /** Status lines not yet taken by a logger plugin. */
  private readonly pending: StatusLine[] = [];
  /** glog's stderrthreshold: logger_min_stderr, or 3 when logger_stderr is off (logger.cpp:230-236). */
  stderrThreshold = 0;
  hostIdentifier = '';
  /** Whether a status-log plugin takes the lines (a TLS logger is active). */
  collecting = false;

  write(level: Severity, source: string, message: string): void {
    const now = new Date();
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const stamp = `${pad(now.getMonth() + 1)}${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds() * 1000, 6)}`;
    if (LEVEL[level] >= this.stderrThreshold) process.stderr.write(`${level}${stamp} ${String(process.pid).padStart(5)} ${source}] ${message}\n`);
    if (!this.collecting) return;
    const [file, line] = source.split(':');
    this.pending.push({
      s: LEVEL[level],
      f: file ?? source,
      i: Number(line ?? 0),
      m: message,
      h: this.hostIdentifier,
      c: now.toUTCString(),
      u: Math.floor(now.getTime() / 1000),
    });
    if (this.pending.length > 10_000) this.pending.shift();
  }

  /** The lines logged since the last call, for a status-log plugin. */
  take(): StatusLine[] {
    return this.pending.splice(0);
  }

  /** Lines a plugin could not send, kept for its next try (plugins/logger/buffered.cpp). */
  requeue(lines: StatusLine[]): void {
    this.pending.unshift(...lines);
  }
}

export const statusLog = new StatusLog();

export function log(level: Severity, source: string, message: string): void {
  statusLog.write(level, source, message);
}
