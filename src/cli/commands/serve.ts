import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Porchlight } from '../../app/porchlight.js';
import { makePrivateDir } from '../../core/paths/private-sockets.js';
import { OsquerydStartError } from '../../core/osquery/supervisor.js';
import { projectRoot } from '../../core/paths/project-assets.js';
import { openConfSettings } from '../../core/settings/conf-settings.js';
import { HttpBridge } from '../../server/http-bridge.js';
import { runInForeground } from '../foreground.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import { platformOption } from '../platform-option.js';
import { METRICS_PORT_HELP, metricsPortOption } from '../metrics-port-option.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the agent and open its window in a browser (http://127.0.0.1 only)',
  help: `Usage: porchlight serve [--port N] [--demo [--platform OS]] [--open] [--metrics-port N]

Runs the agent and serves Porchlight's window and API on 127.0.0.1, for machines without a tray.
The printed URL carries a token that changes at every start; every request must present it.

  --port N   listen on this port (default: a free one)
  --demo     run on a stand-in osqueryd with a sample laptop, labelled as demo data
  --platform OS  with --demo: a sample darwin, linux or windows laptop (default: this computer's)
  --open     also open the URL in the default browser

${METRICS_PORT_HELP}

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { port: { type: 'string' }, demo: { type: 'boolean' }, open: { type: 'boolean' }, platform: { type: 'string' }, 'metrics-port': { type: 'string' } },
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
      metricsPort: metricsPortOption(values['metrics-port']),
    });
    const bridge = new HttpBridge({
      handlers: porchlight.api,
      events: porchlight.events,
      staticDir: path.join(projectRoot(), 'dist', 'renderer'),
      port,
    });
    const { url } = await bridge.start();
    io.out(`Porchlight${values.demo ? ' (demo data)' : ''} is at ${url}\nPress Ctrl-C to stop.\n`);
    const opener = values.open ? openInBrowser(url, path.join(porchlight.agent.dataDir, 'run')) : undefined;
    return runInForeground(
      {
        // osqueryd trouble is shown in the window (with Retry), so serving goes on: no onOsqueryState.
        start: async () => {
          await porchlight.start().catch((error: unknown) => {
            if (!(error instanceof OsquerydStartError)) throw error;
          });
          const metricsUrl = porchlight.metricsUrl();
          if (metricsUrl) io.out(`Metrics for Prometheus are at ${metricsUrl}\n`);
        },
        stop: async () => {
          opener?.remove();
          await bridge.stop();
          await porchlight.stop();
        },
      },
      io.err,
      'porchlight serve',
    );
  },
};

/**
 * Opens the window in the default browser without putting the token where other users can read
 * it: a program's arguments are visible to every user (ps), so the browser gets a file in this
 * user's private folder that sends it on to the URL. The file goes after a minute. Best effort: the
 * URL is printed either way, so a machine without a browser opener loses nothing.
 */
function openInBrowser(url: string, privateFolder: string): { remove(): void } {
  makePrivateDir(privateFolder);
  const file = path.join(privateFolder, `open-${randomBytes(8).toString('hex')}.html`);
  const href = url.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Porchlight</title><a href="${href}">Open Porchlight</a>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  const [command, args] =
    process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['explorer.exe', [file]] : ['xdg-open', [file]];
  execFile(command, args as string[], () => undefined).on('error', () => undefined);
  const remove = () => rmSync(file, { force: true });
  setTimeout(remove, 60_000).unref();
  return { remove };
}
