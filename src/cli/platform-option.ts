import { osqueryPlatformOf } from '../core/osquery/schema.js';
import { platformSchema, type Platform } from '../core/platform.js';
import { UsageError } from './options.js';

export const PLATFORM_HELP = `  --platform OS  judge as darwin, linux or windows (default: this computer's), against whatever
                 osqueryd answers: a stand-in or a recorded laptop`;

/** `--platform`, or the platform Porchlight runs on. */
export function platformOption(value: string | undefined): Platform {
  if (value === undefined) {
    const own = osqueryPlatformOf(process.platform);
    if (!own) throw new UsageError(`Porchlight does not run on ${process.platform}`);
    return own;
  }
  const parsed = platformSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--platform takes ${platformSchema.options.join(', ')}, not "${value}"`);
  return parsed.data;
}
