import { readFileSync } from 'node:fs';
import { ApiError } from '../../api/call-result.js';
import type { AlertSinkDto } from '../../api/contract.js';
import { errorMessage } from '../../core/error-message.js';
import { withPorchlight } from '../porchlight-client.js';
import { COMMON_HELP, contextFrom, parseCommand, UsageError } from '../options.js';
import type { Command } from './command.js';

const WHERE_SECRETS_GO = `Tokens and secrets are read from the file you name and kept in <data dir>/secrets/ (0600),
sealed by the OS keystore when the tray app adds them; never in config.json or any output.`;

export const alertsAddCommand: Command = {
  name: 'alerts add',
  summary: 'send alerts to an ntfy topic or a webhook as well',
  help: `Usage: porchlight alerts add ntfy URL [--token-file F] [--click URL] [--json]
       porchlight alerts add webhook URL [--secret-file F] [--json]

What Porchlight tells you (a check that starts failing, a new finding) also goes to:
  ntfy     a topic on an ntfy server, URL like https://ntfy.sh/your-topic; --token-file holds an
           access token for a protected topic; --click is what a tap on the notification opens
  webhook  a JSON POST (see docs/alerts.md); with --secret-file, each one is signed:
           X-Porchlight-Signature: sha256=<HMAC-SHA256 of the body>
Addresses are https, or plain http only to this computer or a private IP address (with a warning).
${WHERE_SECRETS_GO}

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(
      args,
      { 'token-file': { type: 'string' }, 'secret-file': { type: 'string' }, click: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    const [kind, url, ...extra] = positionals;
    if ((kind !== 'ntfy' && kind !== 'webhook') || url === undefined || extra.length > 0) {
      throw new UsageError('alerts add takes ntfy URL or webhook URL');
    }
    if (kind === 'ntfy' && values['secret-file'] !== undefined) throw new UsageError('ntfy takes --token-file, not --secret-file');
    if (kind === 'webhook' && (values['token-file'] !== undefined || values.click !== undefined)) {
      throw new UsageError('a webhook takes --secret-file (no --token-file or --click)');
    }
    const request =
      kind === 'ntfy'
        ? { kind: 'ntfy' as const, url, click: values.click, token: readSecretFile(values['token-file'], '--token-file') }
        : { kind: 'webhook' as const, url, secret: readSecretFile(values['secret-file'], '--secret-file') };
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      let sink: AlertSinkDto;
      try {
        sink = await api.addAlertSink(request);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'invalid-request') throw new UsageError(error.message.replace(/^addAlertSink: /, ''));
        throw error;
      }
      if (sink.warning) io.err(`warning: ${sink.warning}\n`);
      if (values.json) {
        io.out(JSON.stringify(sink, null, 2) + '\n');
        return 0;
      }
      const secret = sink.secret === 'set' ? (kind === 'ntfy' ? ' (with its token)' : ' (signed with your secret)') : '';
      io.out(`Added ${sink.id}: alerts go to ${sink.target}${secret}.\nTry it: porchlight alerts test ${sink.id}\n`);
      return 0;
    });
  },
};

export const alertsListCommand: Command = {
  name: 'alerts list',
  summary: 'list where alerts go, and how the last one went',
  help: `Usage: porchlight alerts list [--json]

Every alert destination: the ones you added, and while an agent runs its own (the tray app's
notifications, the daemon's output), with whether a token or secret is set (never the secret) and
the last delivery since the agent started.

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, false);
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const sinks = await api.listAlertSinks({});
      if (values.json) {
        io.out(JSON.stringify(sinks, null, 2) + '\n');
        return 0;
      }
      if (sinks.length === 0) {
        io.out('Alerts go nowhere else yet. Add a destination: porchlight alerts add ntfy https://ntfy.sh/your-topic\n');
        return 0;
      }
      for (const sink of sinks) {
        const secret = sink.secret === 'set' ? (sink.kind === 'ntfy' ? ', token set' : ', signed') : '';
        io.out(`${sink.id}  ${sink.kind}  ${sink.target}${secret}\n    last: ${describeDelivery(sink)}\n`);
        if (sink.warning) io.out(`    note: ${sink.warning}\n`);
      }
      return 0;
    });
  },
};

export const alertsRemoveCommand: Command = {
  name: 'alerts remove',
  summary: 'stop sending alerts to a destination',
  help: `Usage: porchlight alerts remove ID

ID is what \`porchlight alerts list\` shows. Its token or secret file is removed too.

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {}, true);
    if (positionals.length !== 1) throw new UsageError('alerts remove takes one ID');
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      try {
        await api.removeAlertSink({ id: positionals[0]! });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'invalid-request') throw new UsageError(error.message);
        throw error;
      }
      io.out(`Removed ${positionals[0]}: alerts no longer go there.\n`);
      return 0;
    });
  },
};

export const alertsTestCommand: Command = {
  name: 'alerts test',
  summary: 'send a test alert now, to one destination or all',
  help: `Usage: porchlight alerts test [ID] [--json]

Sends a test alert at once (no retries) and says how each destination answered. Exit 0 when every
one got it, 1 otherwise.

${COMMON_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, true);
    if (positionals.length > 1) throw new UsageError('alerts test takes at most one ID');
    return withPorchlight(contextFrom(values, io), {}, async ({ api }) => {
      const results = await api.testAlertSinks({ id: positionals[0] });
      if (values.json) io.out(JSON.stringify(results, null, 2) + '\n');
      else if (results.length === 0) io.out('There is nowhere to send a test: add a destination with `porchlight alerts add`.\n');
      else for (const result of results) io.out(`${result.id}: ${result.ok ? result.message : `failed: ${result.message}`}\n`);
      return results.length > 0 && results.every((result) => result.ok) ? 0 : 1;
    });
  },
};

function describeDelivery(sink: AlertSinkDto): string {
  const last = sink.lastDelivery;
  const queued = sink.queued > 0 ? ` (${sink.queued} waiting)` : '';
  if (!last) return `nothing sent yet${queued}`;
  return `${new Date(last.at).toISOString()} ${last.ok ? last.message : `failed: ${last.message}`}${queued}`;
}

/** A token or secret from a file the owner named: trimmed, and a clear error when it cannot be used. */
function readSecretFile(file: string | undefined, option: string): string | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
  }
  const secret = text.trim();
  if (!secret) throw new UsageError(`${option}: ${file} is empty`);
  if (secret.includes('\n')) throw new UsageError(`${option}: ${file} has more than one line; put only the token or secret in it`);
  return secret;
}
