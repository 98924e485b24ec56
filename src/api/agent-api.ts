import type { Agent } from '../core/agent.js';
import { CheckNotFoundError, NotConfirmableError } from '../core/checks/owner-confirmation.js';
import { FleetInputError } from '../core/fleet/enrollment.js';
import { FleetServerError } from '../core/fleet/preflight.js';
import { osqueryTablesFor } from '../core/osquery/schema.js';
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
      const known = new Set(agent.checks().map((c) => c.id));
      const unknown = (only ?? []).filter((id) => !known.has(id));
      if (unknown.length) throw new ApiError('not-found', `unknown check ${unknown.join(', ')}; \`porchlight checks list\` shows them`);
      return agent.scanNow(trigger ?? 'manual', only);
    },
    getLastReport: async () => ({ report: agent.lastReport() ?? null }),
    listChecks: async () => {
      const disabled = new Set(agent.settings().disabledChecks);
      return agent.checks().map((check) => ({
        id: check.id,
        title: check.title,
        enabled: !disabled.has(check.id),
        appliesHere: agent.platform in check.queries,
      }));
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

function notFound(findingId: string): never {
  throw new ApiError('not-found', `no finding "${findingId}"; \`porchlight findings --all\` lists them`);
}
