import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveDataDir } from '../core/paths/data-dir.js';
import { errorMessage } from '../core/error-message.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  osqueryd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = `Options for every command:
  --data-dir DIR    Porchlight's data folder (default: PORCHLIGHT_HOME, else the app's folder)
  --osqueryd PATH   the osqueryd binary to run (default: PORCHLIGHT_OSQUERYD, bundled, installed)
  -h, --help        show help for the command`;

export interface CommandContext {
  dataDir: string;
  osquerydPath: string | undefined;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** node:util parseArgs with the common options, turning its errors into usage errors. */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}

export function contextFrom(
  values: { 'data-dir'?: string | boolean | undefined; osqueryd?: string | boolean | undefined },
  io: Pick<CommandContext, 'out' | 'err' | 'env'>,
): CommandContext {
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
  return {
    ...io,
    dataDir: resolveDataDir({ flag: dataDir, env: io.env }),
    osquerydPath: typeof values.osqueryd === 'string' ? values.osqueryd : undefined,
  };
}
