import { appendFileSync, renameSync, statSync } from 'node:fs';

export interface DaemonOutputOptions {
  file: string;
  /** The file is rotated to `<file>.1` past this size, so two files at most are kept. */
  maxBytes?: number;
  tailLines?: number;
}

/**
 * osqueryd's stdout and stderr: appended to a size-bounded file in the data dir and kept as an
 * in-memory tail of complete lines for the UI and for failure reports.
 */
export class DaemonOutput {
  private readonly file: string;
  private readonly maxBytes: number;
  private readonly tailLines: number;
  private readonly lines: string[] = [];
  private partial = '';
  private size: number;

  constructor(options: DaemonOutputOptions) {
    this.file = options.file;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.tailLines = options.tailLines ?? 200;
    this.size = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
  }

  /** Appends a chunk of output; returns the complete lines it finished. */
  append(chunk: Buffer | string): string[] {
    const text = chunk.toString();
    this.write(text);
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((line) => line.length > 0);
    this.lines.push(...complete);
    if (this.lines.length > this.tailLines) this.lines.splice(0, this.lines.length - this.tailLines);
    return complete;
  }

  /** Adds a line of Porchlight's own (e.g. why the daemon was restarted), marked as such. */
  note(message: string): void {
    this.append(`[porchlight ${new Date().toISOString()}] ${message}\n`);
  }

  tail(count = this.tailLines): string[] {
    return this.lines.slice(-count);
  }

  private write(text: string): void {
    const bytes = Buffer.byteLength(text);
    try {
      if (this.size + bytes > this.maxBytes && this.size > 0) {
        renameSync(this.file, `${this.file}.1`);
        this.size = 0;
      }
      appendFileSync(this.file, text, { mode: 0o600 });
      this.size += bytes;
    } catch {
      // The log file is a convenience; a full disk must not take osqueryd supervision down with it.
    }
  }
}
