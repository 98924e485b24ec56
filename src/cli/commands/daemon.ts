import { Porchlight } from '../../app/porchlight.js';
import { openConfSettings } from '../../core/settings/conf-settings.js';
import { COMMON_HELP, contextFrom, parseCommand } from '../options.js';
import { METRICS_PORT_HELP, metricsPortOption } from '../metrics-port-option.js';
import { runInForeground } from '../foreground.js';
import type { Command } from './command.js';

export const daemonCommand: Command = {
  name: 'daemon',
  summary: 'run the agent in the foreground: osqueryd, scheduled scans, history',
  help: `Usage: porchlight daemon [--metrics-port N]

Runs what the tray app runs, without a tray: a supervised osqueryd, a scan at start and then on
the schedule from settings, with results in the history. Every event is printed as a JSON line
({"event":"scan-finished",...}), scans and acknowledgements other commands ask of it included:
while it runs, \`porchlight check\`, \`ack\`, \`findings\` and the others with the same data dir go
through it. What Porchlight decides to tell you (a check that starts failing, a new finding)
is printed as {"event":"alert",...} and sent to the alert destinations (\`porchlight alerts\`).
Stops cleanly on SIGINT or SIGTERM.

${METRICS_PORT_HELP}

${COMMON_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, { 'metrics-port': { type: 'string' } }, false);
    const ctx = contextFrom(values, io);
    const porchlight = new Porchlight({
      dataDir: ctx.dataDir,
      openSettings: openConfSettings,
      osquerydPath: ctx.osquerydPath,
      env: ctx.env,
      metricsPort: metricsPortOption(values['metrics-port']),
    });
    const { agent } = porchlight;
    const line = (event: string, payload: unknown) => io.out(JSON.stringify({ event, at: new Date().toISOString(), ...(payload as object) }) + '\n');
    porchlight.registerAlertSink({
      id: 'stdout',
      kind: 'stdout',
      target: "porchlight daemon's output",
      send: async (alert) => line('alert', { ...alert, at: new Date(alert.at).toISOString() }),
    });
    agent.on('osquery-state', (status) => line('osquery-state', status));
    agent.on('scan-started', (payload) => line('scan-started', payload));
    agent.on('scan-finished', (report) =>
      line('scan-finished', {
        scanId: report.scanId,
        trigger: report.trigger,
        results: report.results.map((r) => ({ id: r.checkId, status: r.status, summary: r.summary })),
        new: report.changes.new.map((f) => f.id),
        resolved: report.changes.resolved.map((f) => f.id),
      }),
    );
    agent.on('scan-failed', (payload) => line('scan-failed', payload));
    agent.on('finding-new', (finding) => line('finding-new', { id: finding.id, checkId: finding.checkId, title: finding.title }));
    agent.on('finding-resolved', (finding) => line('finding-resolved', { id: finding.id, checkId: finding.checkId, title: finding.title }));
    agent.on('results-changed', (report) =>
      line('results-changed', { results: report.results.map((r) => ({ id: r.checkId, status: r.status, summary: r.summary })) }),
    );
    agent.on('warning', (payload) => line('warning', payload));
    agent.on('fleet-state', (status) => line('fleet-state', { state: status.state, summary: status.summary, server: status.server?.hostname ?? null }));
    agent.on('fleet-query', (query) => line('fleet-query', { kind: query.kind, purpose: query.purpose, queryId: query.queryId, sql: query.sql, server: query.server }));

    const code = await runInForeground(
      {
        start: async () => {
          await porchlight.start();
          const metricsUrl = porchlight.metricsUrl();
          if (metricsUrl) line('metrics', { url: metricsUrl });
        },
        stop: () => porchlight.stop(),
        onOsqueryState: (listener) => agent.on('osquery-state', listener),
      },
      io.err,
      'porchlight daemon',
    );
    line('stopped', {});
    return code;
  },
};
