import type { Agent } from '../core/agent.js';
import { CheckNotFoundError, NotConfirmableError } from '../core/checks/owner-confirmation.js';
import { SinkNotRemovableError, UnknownSinkError } from '../core/notify/alerts.js';
import { EndpointError } from '../core/notify/endpoint.js';
import { resultSource } from '../core/checks/scanner.js';
import { FleetInputError } from '../core/fleet/enrollment.js';
import { FleetServerError } from '../core/fleet/preflight.js';
import { osqueryTablesFor } from '../core/osquery/schema.js';
import { resultsState } from '../core/overall-state.js';
import { ApiError } from './call-result.js';
import { isOpenableLink, type ApiHandlers } from './contract.js';
import { fleetConsent } from './fleet-consent.js';

export interface LoginItem {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

export interface AgentApiOptions {
  /** Hands an allow-listed link to the OS; absent where the UI opens links itself (browser). */
  openExternal?: (url: string) => Promise<void>;
  /** Starting at login, where the shell can arrange it (the tray app). */
  loginItem?: LoginItem;
}

/** The contract's calls, answered by an Agent. Shared by every transport (IPC, HTTP, the control socket, in-process). */
export function createAgentApi(agent: Agent, options: AgentApiOptions = {}): ApiHandlers {
  return {
    getStatus: async () => agent.status(),
    scanNow: ({ only, trigger }) => {
      const known = agent.checks().map((c) => c.id);
      const unknown = (only ?? []).filter((id) => !known.includes(id));
      if (unknown.length) throw new ApiError('not-found', unknownChecks(unknown, known));
      return agent.scanNow(trigger ?? 'manual', only);
    },
    getLastReport: async () => {
      const report = agent.lastReport();
      return { report: report ?? null, verdict: report ? resultsState(report.results) : null };
    },
    listChecks: async () => {
      const disabled = new Set(agent.settings().disabledChecks);
      return agent.checks().map((check) => ({
        id: check.id,
        title: check.title,
        category: check.category,
        severity: check.severity,
        enabled: !disabled.has(check.id),
        appliesHere: agent.platform in check.queries,
        source: { ...resultSource(check), file: check.source.from ?? check.source.file ?? null },
      }));
    },
    setChecksEnabled: async ({ checkIds, source, enabled }) => {
      const checks = agent.checks();
      const ids = source === undefined ? (checkIds ?? []) : checks.filter((check) => resultSource(check).name === source).map((check) => check.id);
      const unknown = ids.filter((id) => !checks.some((check) => check.id === id));
      if (unknown.length) throw new ApiError('not-found', unknownChecks(unknown, checks.map((check) => check.id)));
      if (ids.length === 0) throw new ApiError('not-found', `no checks come from "${source}"; \`porchlight checks list\` shows where each comes from`);
      return { checks: ids.length, settings: agent.setChecksEnabled(ids, enabled) };
    },
    getCheck: async ({ id }) => {
      const check = agent.checks().find((c) => c.id === id);
      if (!check) throw new ApiError('not-found', `no check ${id}`);
      const { platform } = agent;
      const query = check.queries[platform];
      return {
        check: {
          id: check.id,
          title: check.title,
          description: check.description,
          category: check.category,
          severity: check.severity,
          requires: query?.requires ?? [],
          appliesHere: platform in check.queries,
          source: check.source.origin,
          sourceName: resultSource(check).name,
          fleet: check.fleet
            ? { policy: check.fleet.policy, purpose: check.fleet.purpose ?? null, tags: check.fleet.tags, critical: check.fleet.critical }
            : null,
          visibility: query?.visibility ?? null,
          selfCheck: query?.selfCheck ? { steps: query.selfCheck.steps, confirmation: query.selfCheck.confirmation ?? null } : null,
          remediation: {
            summary: check.remediation.summary,
            steps: check.remediation.steps[platform] ?? [],
            links: check.remediation.links[platform] ?? [],
          },
        },
        result: agent.lastReport()?.results.find((r) => r.checkId === id) ?? null,
        findings: agent.findings({ checkId: id, includeResolved: true }),
        history: agent.history({ checkId: id }),
      };
    },
    listFindings: async ({ includeResolved }) => agent.findings({ includeResolved }),
    getFinding: async ({ findingId }) => agent.finding(findingId) ?? notFound(findingId),
    acknowledge: async ({ findingId, until, note }) => {
      if (until !== undefined && until !== null && until <= Date.now()) {
        throw new ApiError('invalid-request', 'an acknowledgement must end in the future');
      }
      return agent.acknowledge(findingId, { until: until ?? null, note }) ?? notFound(findingId);
    },
    unacknowledge: async ({ findingId }) => agent.unacknowledge(findingId)?.finding ?? notFound(findingId),
    confirmCheck: async ({ checkId }) => {
      try {
        return agent.confirm(checkId);
      } catch (error) {
        if (error instanceof CheckNotFoundError) throw new ApiError('not-found', error.message);
        if (error instanceof NotConfirmableError) throw new ApiError('invalid-request', error.message);
        throw error;
      }
    },
    unconfirmCheck: async ({ checkId }) => ({ removed: agent.unconfirm(checkId) }),
    getHistory: async ({ checkId, since }) => agent.history({ checkId, since }),
    getUnfinishedScans: async ({ since }) => agent.unfinishedScans(since),
    getTrend: async ({ days }) => agent.trend(days ?? 30),
    runQuery: ({ sql }) => agent.query(sql),
    listTables: async () =>
      osqueryTablesFor(agent.platform).map((table) => ({
        name: table.name,
        description: table.description,
        columns: table.columns.map((c) => ({ name: c.name, type: c.type, description: c.description })),
      })),
    listPorts: () => agent.listeningPorts(),
    listExtensions: () => agent.browserExtensions(),
    getSettings: async () => agent.settings(),
    updateSettings: async ({ patch }) => agent.updateSettings(patch),
    openLink: async ({ url }) => {
      if (!isOpenableLink(url)) throw new ApiError('invalid-request', `links of this kind are not opened: ${url.slice(0, 100)}`);
      if (!options.openExternal) return { opened: false };
      await options.openExternal(url);
      return { opened: true };
    },
    getOsqueryLog: async () => ({ lines: agent.osqueryOutput() }),
    retryOsquery: () => agent.retryOsquery(),
    getStartAtLogin: async () =>
      options.loginItem ? { supported: true, enabled: await options.loginItem.isEnabled() } : { supported: false, enabled: false },
    setStartAtLogin: async ({ enabled }) => {
      if (!options.loginItem) throw new ApiError('unavailable', 'starting at login is arranged by the tray app');
      await options.loginItem.setEnabled(enabled);
      return { supported: true, enabled: await options.loginItem.isEnabled() };
    },
    pauseChecks: async ({ minutes }) => {
      agent.pause(minutes);
      return agent.status();
    },
    listAlertSinks: async () => agent.alertSinks(),
    addAlertSink: (request) => alertCall(() => agent.addAlertSink(request)),
    removeAlertSink: ({ id }) =>
      alertCall(async () => {
        agent.removeAlertSink(id);
        return { removed: true as const };
      }),
    testAlertSinks: ({ id }) => alertCall(() => agent.testAlerts(id)),
    getFleetStatus: () => agent.refreshFleetStatus(),
    checkFleetServer: async ({ url, ca }) => {
      try {
        const { server, version, trust } = await agent.checkFleetServer({ url, ca });
        return { ok: true, server: { url: server.url, hostname: server.hostname }, version, trust, consent: fleetConsent(server.hostname) };
      } catch (error) {
        if (error instanceof FleetServerError) return { ok: false, problem: error.problem, message: error.message };
        if (error instanceof FleetInputError) return { ok: false, problem: 'invalid-input', message: error.message };
        throw error;
      }
    },
    enrollFleet: async ({ url, secret, ca }) => {
      try {
        return await agent.enrollFleet({ url, secret, ca });
      } catch (error) {
        if (error instanceof FleetInputError) throw new ApiError('invalid-request', error.message);
        if (error instanceof FleetServerError) {
          const fix = error.problem === 'untrusted' ? ' — give the server’s CA certificate' : '';
          throw new ApiError('invalid-request', `${error.message}${fix}; nothing was changed`);
        }
        throw error;
      }
    },
    unenrollFleet: () => agent.unenrollFleet(),
    getFleetLog: ({ since, limit }) => agent.fleetLog({ since, limit }),
  };
}

/** The alert calls' refusals as API errors: a bad address or a sink that cannot go, and unknown ids. */
async function alertCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnknownSinkError) throw new ApiError('not-found', error.message);
    if (error instanceof EndpointError || error instanceof SinkNotRemovableError) throw new ApiError('invalid-request', error.message);
    throw error;
  }
}

/** Unknown check ids, said briefly: a few of them, and the known ids that look most like them. */
function unknownChecks(unknown: string[], known: string[]): string {
  const shown = unknown.slice(0, 3).join(', ') + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : '');
  const near = known.filter((id) => unknown.some((wrong) => id.includes(wrong) || wrong.includes(id))).slice(0, 3);
  const hint = near.length ? ` (did you mean ${near.join(', ')}?)` : '';
  return `unknown check ${shown}; \`porchlight checks list\` shows them${hint}`;
}

function notFound(findingId: string): never {
  throw new ApiError('not-found', `no finding "${findingId}"; \`porchlight findings --all\` lists them`);
}
