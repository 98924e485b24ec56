import type { CommandContext } from '../options.js';

export type CommandIo = Pick<CommandContext, 'out' | 'err' | 'env'> & {
  /** The terminal's width when stdout is one. */
  columns?: number | undefined;
};

export interface Command {
  /** Words that select it, e.g. `osquery status`. */
  name: string;
  summary: string;
  help: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
}
