import { ApiError } from '../../api/call-result.js';
import { withPorchlight } from '../porchlight-client.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { platformOption, PLATFORM_HELP } from '../platform-option.js';
import type { Command } from './command.js';

export const confirmCommand: Command = {
  name: 'confirm',
  summary: 'say "I checked, it is on" for a check osquery cannot see as you',
  help: `Usage: porchlight confirm CHECK-ID [--remove]

Some things osquery cannot see without administrator rights (BitLocker on Windows, for one). Such
a check stays "unknown" and says how to look yourself. Once you have, \`porchlight confirm\`
records your word: shown as confirmed by you, with the date, for 90 days. It is never counted or
reported as a pass. --remove takes it back.

${PLATFORM_HELP}

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { remove: { type: 'boolean' }, platform: { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('confirm takes one CHECK-ID');
    const checkId = positionals[0]!;
    const platform = values.platform === undefined ? undefined : platformOption(values.platform);
    return withPorchlight(contextFrom(values, io), { platform }, async ({ api }) => {
      if (values.remove) {
        const { removed } = await api.unconfirmCheck({ checkId });
        io.out(removed ? `Your confirmation of ${checkId} is removed.\n` : `${checkId} had no confirmation.\n`);
        return 0;
      }
      try {
        const confirmation = await api.confirmCheck({ checkId });
        const until = new Date(confirmation.expiresAt).toISOString().slice(0, 10);
        io.out(`Recorded as confirmed by you: ${confirmation.statement}\nPorchlight will ask again after ${until}.\n`);
        return 0;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'invalid-request') throw new UsageError(error.message);
        throw error;
      }
    });
  },
};
