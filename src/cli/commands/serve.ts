import { execFile } from 'node:child_process';
import path from 'node:path';
import { Porchlight } from '../../app/porchlight.js';
import { OsquerydStartError } from '../../core/osquery/supervisor.js';
import { projectRoot } from '../../core/paths/project-assets.js';
import { openConfSettings } from '../../core/settings/conf-settings.js';
import { HttpBridge } from '../../server/http-bridge.js';
import { runInForeground } from '../foreground.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { platformOption } from '../platform-option.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the agent and open its window in a browser (http://127.0.0.1 only)',
  help: `Usage: porchlight serve [--port N] [--demo [--platform OS]] [--open]

Runs the agent and serves Porchlight's window and API on 127.0.0.1, for machines without a tray.
The printed URL carries a token that changes at every start; every request must present it.

  --port N   listen on this port (default: a free one)
  --demo     run on a stand-in osqueryd with a sample laptop, labelled as demo data
  --platform OS  with --demo: a sample darwin, linux or windows laptop (default: this computer's)
  --open     also open the URL in the default browser

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { port: { type: 'string' }, demo: { type: 'boolean' }, open: { type: 'boolean' }, platform: { type: 'string' } },
      false,
    );
    if (values.platform !== undefined && !values.demo) throw new UsageError('--platform goes with --demo: serve runs the checks of this computer');
    const ctx = contextFrom(values, io);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not "${values.port}"`);
    const porchlight = new Porchlight({
      dataDir: ctx.dataDir,
      demo: values.demo ? { platform: values.platform === undefined ? undefined : platformOption(values.platform) } : undefined,
      openSettings: openConfSettings,
      osquerydPath: ctx.osquerydPath,
      env: ctx.env,
    });
    const bridge = new HttpBridge({
      handlers: porchlight.api,
      events: porchlight.events,
      staticDir: path.join(projectRoot(), 'dist', 'renderer'),
      port,
    });
    const { url } = await bridge.start();
    io.out(`Porchlight${values.demo ? ' (demo data)' : ''} is at ${url}\nPress Ctrl-C to stop.\n`);
    if (values.open) openInBrowser(url);
    return runInForeground(
      {
        // osqueryd trouble is shown in the window (with Retry), so serving goes on: no onOsqueryState.
        start: () =>
          porchlight.start().catch((error: unknown) => {
            if (!(error instanceof OsquerydStartError)) throw error;
          }),
        stop: async () => {
          await bridge.stop();
          await porchlight.stop();
        },
      },
      io.err,
      'porchlight serve',
    );
  },
};

/** Best effort: the URL is printed either way, so a machine without a browser opener loses nothing. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['explorer.exe', [url]] : ['xdg-open', [url]];
  execFile(command, args as string[], () => undefined).on('error', () => undefined);
}
