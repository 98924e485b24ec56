/**
 * The one contract between the Agent and every UI: each call's request and response, and each
 * event's payload, as zod schemas. Electron IPC (src/main, src/preload) and the HTTP bridge
 * (src/server) are both generic over this object, so a call added here works in both.
 */
import { z } from 'zod';

import { CHECK_STATUSES, severitySchema } from '../core/checks/definition.js';
import { platformSchema } from '../core/platform.js';
import type { AgentEvents } from '../core/agent.js';
import type { Settings } from '../core/settings/settings.js';
import type { EVENT_NAMES } from './call-result.js';

export { ApiError, type ApiErrorCode, type CallResult } from './call-result.js';

const timestamp = z.number().int().nonnegative();
const platform = platformSchema;
const checkStatus = z.enum(CHECK_STATUSES);

export const osqueryStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'restarting', 'failed']),
  reason: z.string().optional(),
  pid: z.number().int().optional(),
  since: timestamp,
  failures: z.number().int(),
  nextStartInMs: z.number().optional(),
  lastOutput: z.array(z.string()).optional(),
});

export const resultFindingSchema = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string(),
  reason: z.string(),
  detail: z.record(z.string(), z.string()),
  counted: z.boolean(),
  acknowledged: z.boolean(),
});

export const storedFindingSchema = resultFindingSchema.extend({
  checkId: z.string(),
  firstSeen: timestamp,
  lastSeen: timestamp,
  resolvedAt: timestamp.nullable(),
  acknowledgedUntil: timestamp.nullable(),
});

/** The owner's "I checked, it is on" for a check osquery cannot see; the check stays unknown. */
export const ownerConfirmationSchema = z.object({ statement: z.string(), confirmedAt: timestamp, expiresAt: timestamp });

/** Where a check comes from: built-in, one of the owner's check files, or a set imported from Fleet policies. */
export const checkSourceSchema = z.object({ kind: z.enum(['builtin', 'user', 'fleet']), name: z.string() });

export const checkResultSchema = z.object({
  checkId: z.string(),
  title: z.string(),
  category: z.string(),
  severity: severitySchema,
  source: checkSourceSchema,
  /** What to do about it (an imported policy's `resolution`). */
  resolution: z.string(),
  status: checkStatus,
  summary: z.string(),
  reason: z.string(),
  findings: z.array(resultFindingSchema),
  confirmation: ownerConfirmationSchema.nullable(),
});

const checkChangeSchema = z.object({ checkId: z.string(), title: z.string(), source: checkSourceSchema });

export const scanReportSchema = z.object({
  scanId: z.number().int(),
  trigger: z.string(),
  platform,
  startedAt: timestamp,
  finishedAt: timestamp,
  results: z.array(checkResultSchema),
  changes: z.object({
    new: z.array(storedFindingSchema),
    resolved: z.array(storedFindingSchema),
    /** Policy checks that started failing since their previous result, and ones that pass again. */
    failing: z.array(checkChangeSchema),
    fixed: z.array(checkChangeSchema),
  }),
});

export const historyEntrySchema = z.object({
  checkId: z.string(),
  status: checkStatus,
  summary: z.string(),
  reason: z.string(),
  findingCount: z.number().int(),
  firstAt: timestamp,
  lastAt: timestamp,
});

/** What the tray icon shows, in order of precedence. */
export const overallStateSchema = z.enum(['scanning', 'osquery-down', 'failing', 'unknown', 'ok']);
/** What results say on their own (a report's headline). */
export const resultsStateSchema = overallStateSchema.extract(['failing', 'unknown', 'ok']);

/** One calendar day of this computer's: each check counted once, by its worst result that day. */
export const trendDaySchema = z.object({
  date: z.string(),
  start: timestamp,
  end: timestamp,
  /** 0: no scan recorded results that day, so nothing is counted. */
  scans: z.number().int(),
  failed: z.number().int(),
  unknown: z.number().int(),
  passed: z.number().int(),
});

export const statusSchema = z.object({
  overall: overallStateSchema,
  osquery: osqueryStatusSchema,
  scanning: z.boolean(),
  lastScanAt: timestamp.nullable(),
  nextScanAt: timestamp.nullable(),
  pausedUntil: timestamp.nullable(),
  demo: z.boolean(),
  platform,
  dataDir: z.string(),
  warnings: z.array(z.string()),
});

export const checkDetailSchema = z.object({
  check: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    severity: severitySchema,
    /** What osquery would need here to see everything this check looks at. */
    requires: z.array(z.string()),
    appliesHere: z.boolean(),
    source: z.enum(['builtin', 'user', 'fleet']),
    /** "Built-in", the owner's check file, or the imported set's name. */
    sourceName: z.string(),
    /** What an imported Fleet policy kept of Fleet's fields. */
    fleet: z.object({ policy: z.string(), purpose: z.string().nullable(), tags: z.array(z.string()), critical: z.boolean() }).nullable(),
    /** What osquery, running as this user, can and cannot see for this check here. */
    visibility: z.string().nullable(),
    /** How the owner can see it themselves when osquery cannot, and what they may confirm. */
    selfCheck: z.object({ steps: z.array(z.string()), confirmation: z.string().nullable() }).nullable(),
    remediation: z.object({
      summary: z.string(),
      steps: z.array(z.string()),
      links: z.array(z.object({ label: z.string(), url: z.string() })),
    }),
  }),
  result: checkResultSchema.nullable(),
  findings: z.array(storedFindingSchema),
  history: z.array(historyEntrySchema),
});

const listenerRule = z.object({
  processPath: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

export const settingsSchemaDto = z.object({
  schedule: z.string(),
  disabledChecks: z.array(z.string()),
  listenerAllowlist: z.array(listenerRule),
  notifications: z.object({
    enabled: z.boolean(),
    newFindings: z.boolean(),
    failingChecks: z.boolean(),
    quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  }),
  retentionDays: z.number().int(),
  /** Where alerts go besides the app's own; changed only through the alert calls (their secrets never in here). */
  alerts: z.array(
    z.discriminatedUnion('kind', [
      z.object({ id: z.string(), kind: z.literal('ntfy'), url: z.string(), click: z.string().nullable() }),
      z.object({ id: z.string(), kind: z.literal('webhook'), url: z.string() }),
    ]),
  ),
  metricsPort: z.number().int().min(1).max(65535).nullable(),
});

export const deliveryResultSchema = z.object({ at: timestamp, ok: z.boolean(), message: z.string(), attempts: z.number().int() });

/** An alert destination as the owner sees it: whether a token or secret is set, never the secret. */
export const alertSinkSchema = z.object({
  id: z.string(),
  kind: z.enum(['ntfy', 'webhook', 'desktop', 'stdout']),
  target: z.string(),
  secret: z.enum(['set', 'none']).nullable(),
  warning: z.string().nullable(),
  removable: z.boolean(),
  queued: z.number().int(),
  lastDelivery: deliveryResultSchema.nullable(),
});

const alertAddress = z.string().trim().min(1, 'give an address').max(2_000);
/** Goes in an HTTP header: printable, no spaces. */
const alertToken = z.string().trim().regex(/^[\x21-\x7e]{1,4096}$/, 'a token is printable characters without spaces');

export const tableSchemaDto = z.object({
  name: z.string(),
  description: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
});

export const fleetStatusSchema = z.object({
  state: z.enum(['not-enrolled', 'offline', 'enrolling', 'connected', 'refused', 'certificate', 'unreachable', 'error']),
  summary: z.string(),
  advice: z.string().nullable(),
  osquerySays: z.string().nullable(),
  healthProblem: z.string().nullable(),
  server: z.object({ url: z.string(), hostname: z.string() }).nullable(),
  enrolledAt: timestamp.nullable(),
  configReceived: z.boolean(),
  lastCheckInAt: timestamp.nullable(),
  unreachableSince: timestamp.nullable(),
  reachableAt: timestamp.nullable(),
  queriesToday: z.number().int(),
  queryLog: z.enum(['on', 'off', 'unknown']),
});

export const fleetQuerySchema = z.object({
  at: timestamp,
  kind: z.enum(['distributed', 'scheduled']),
  server: z.string(),
  queryId: z.string(),
  sql: z.string(),
  purpose: z.enum(['live', 'host details', 'label', 'policy', 'scheduled', 'other']),
  intervalSeconds: z.number().int().nullable(),
  error: z.string().nullable(),
});

const fleetServerAddress = z.object({
  url: z.string().trim().min(1, 'enter the server address').max(2_000),
  /** The server's CA certificate(s), PEM; this computer's roots when absent. */
  ca: z.string().max(256_000, 'the CA file is larger than 256 KB; give the server’s CA certificate alone').optional(),
});

const empty = z.object({}).strict();
const findingRef = z.object({ findingId: z.string().min(1).max(200) }).strict();
const checkRef = z.object({ checkId: z.string().min(1).max(100) }).strict();

/** Every call: request and response schemas. */
export const API = {
  getStatus: { request: empty, response: statusSchema },
  scanNow: {
    request: z
      .object({ only: z.array(z.string().min(1).max(100)).max(500).optional(), trigger: z.enum(['manual', 'cli', 'tray']).optional() })
      .strict(),
    response: scanReportSchema,
  },
  getLastReport: { request: empty, response: z.object({ report: scanReportSchema.nullable(), verdict: resultsStateSchema.nullable() }) },
  getCheck: { request: z.object({ id: z.string().min(1).max(100) }).strict(), response: checkDetailSchema },
  listChecks: {
    request: empty,
    response: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        category: z.string(),
        severity: severitySchema,
        enabled: z.boolean(),
        appliesHere: z.boolean(),
        /** With the file an imported set came from (or the owner's check file); null for built-ins. */
        source: checkSourceSchema.extend({ file: z.string().nullable() }),
      }),
    ),
  },
  /** Turns checks on or off: the named ones, or every check of a source (an imported set). */
  setChecksEnabled: {
    request: z
      .object({ checkIds: z.array(z.string().min(1).max(100)).max(5_000).optional(), source: z.string().min(1).max(300).optional(), enabled: z.boolean() })
      .strict()
      .refine((request) => (request.checkIds === undefined) !== (request.source === undefined), 'give checkIds or a source'),
    response: z.object({ checks: z.number().int(), settings: settingsSchemaDto }),
  },
  listFindings: {
    request: z.object({ includeResolved: z.boolean().optional() }).strict(),
    response: z.array(storedFindingSchema),
  },
  acknowledge: {
    request: findingRef.extend({ until: timestamp.nullable().optional(), note: z.string().max(500).optional() }).strict(),
    response: storedFindingSchema,
  },
  getFinding: { request: findingRef, response: storedFindingSchema },
  unacknowledge: { request: findingRef, response: storedFindingSchema },
  confirmCheck: { request: checkRef, response: ownerConfirmationSchema },
  unconfirmCheck: { request: checkRef, response: z.object({ removed: z.boolean() }) },
  getHistory: {
    request: z.object({ checkId: z.string().max(100).optional(), since: timestamp.optional() }).strict(),
    response: z.array(historyEntrySchema),
  },
  getUnfinishedScans: {
    request: z.object({ since: timestamp.optional() }).strict(),
    response: z.array(
      z.object({ id: z.number().int(), startedAt: timestamp, finishedAt: timestamp.nullable(), trigger: z.string(), status: z.enum(['running', 'ok', 'failed']), error: z.string().nullable() }),
    ),
  },
  getTrend: { request: z.object({ days: z.number().int().min(1).max(366).optional() }).strict(), response: z.array(trendDaySchema) },
  runQuery: {
    request: z.object({ sql: z.string().trim().min(1, 'enter a query').max(100_000) }).strict(),
    response: z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.string())), durationMs: z.number() }),
  },
  listTables: { request: empty, response: z.array(tableSchemaDto) },
  listPorts: {
    request: empty,
    response: z.array(
      z.object({
        process: z.string(),
        path: z.string(),
        pid: z.string(),
        port: z.number(),
        protocol: z.string(),
        address: z.string(),
        services: z.string(),
        exposed: z.boolean(),
        allowed: z.boolean(),
        judgement: z.enum(['counted', 'allowed', 'system service', 'this computer only', 'client or discovery']),
        note: z.string(),
      }),
    ),
  },
  listExtensions: {
    request: empty,
    response: z.array(
      z.object({
        browser: z.string(),
        name: z.string(),
        identifier: z.string(),
        version: z.string(),
        user: z.string(),
        profile: z.string(),
        path: z.string(),
        source: z.string(),
        granted: z.array(z.string()),
        sites: z.string(),
        mayRequest: z.array(z.string()),
        enabled: z.enum(['yes', 'no', 'unknown']),
        known: z.string(),
        risk: z.string(),
        note: z.string(),
        counted: z.boolean(),
      }),
    ),
  },
  getSettings: { request: empty, response: settingsSchemaDto },
  // Alert destinations change through addAlertSink and removeAlertSink: a form saved later must not undo them.
  updateSettings: { request: z.object({ patch: settingsSchemaDto.omit({ alerts: true }).partial() }).strict(), response: settingsSchemaDto },
  openLink: { request: z.object({ url: z.string().max(2_000) }).strict(), response: z.object({ opened: z.boolean() }) },
  getOsqueryLog: { request: empty, response: z.object({ lines: z.array(z.string()) }) },
  retryOsquery: { request: empty, response: osqueryStatusSchema },
  getStartAtLogin: { request: empty, response: z.object({ supported: z.boolean(), enabled: z.boolean() }) },
  setStartAtLogin: {
    request: z.object({ enabled: z.boolean() }).strict(),
    response: z.object({ supported: z.boolean(), enabled: z.boolean() }),
  },
  pauseChecks: { request: z.object({ minutes: z.number().int().min(0).max(24 * 60) }).strict(), response: statusSchema },
  listAlertSinks: { request: empty, response: z.array(alertSinkSchema) },
  addAlertSink: {
    request: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('ntfy'), url: alertAddress, click: alertAddress.nullable().optional(), token: alertToken.optional() }).strict(),
      z.object({ kind: z.literal('webhook'), url: alertAddress, secret: z.string().min(1).max(4_096).optional() }).strict(),
    ]),
    response: alertSinkSchema,
  },
  removeAlertSink: { request: z.object({ id: z.string().min(1).max(100) }).strict(), response: z.object({ removed: z.literal(true) }) },
  testAlertSinks: {
    request: z.object({ id: z.string().min(1).max(100).optional() }).strict(),
    response: z.array(deliveryResultSchema.extend({ id: z.string() })),
  },
  getFleetStatus: { request: empty, response: fleetStatusSchema },
  /** The preflight alone, before consent: nothing is written. */
  checkFleetServer: {
    request: fleetServerAddress.strict(),
    response: z.discriminatedUnion('ok', [
      z.object({
        ok: z.literal(true),
        server: z.object({ url: z.string(), hostname: z.string() }),
        version: z.string(),
        trust: z.enum(['given-ca', 'system']),
        /** What the owner agrees to by enrolling (fleet-consent.ts), to show before enrollFleet. */
        consent: z.array(z.string()),
      }),
      z.object({
        ok: z.literal(false),
        problem: z.enum(['untrusted', 'wrong-ca', 'wrong-name', 'expired', 'unreachable', 'timeout', 'not-fleet', 'unhealthy', 'invalid-input']),
        message: z.string(),
      }),
    ]),
  },
  enrollFleet: {
    request: fleetServerAddress
      .extend({
        secret: z.string().min(1, 'enter the enroll secret').max(4_096),
        /** The owner read the consent text and agreed. */
        consent: z.literal(true, 'enrolling needs the owner’s consent'),
      })
      .strict(),
    response: fleetStatusSchema,
  },
  unenrollFleet: { request: empty, response: fleetStatusSchema },
  getFleetLog: {
    request: z.object({ since: timestamp.optional(), limit: z.number().int().min(1).max(5_000).optional() }).strict(),
    response: z.object({
      server: z.string().nullable(),
      queryLog: z.enum(['on', 'off', 'unknown']),
      queriesToday: z.number().int(),
      queries: z.array(fleetQuerySchema),
      schedule: z.array(
        z.object({ name: z.string(), sql: z.string(), intervalSeconds: z.number(), executions: z.number(), lastExecuted: z.number() }),
      ),
    }),
  },
} as const;

/** Every event the Agent pushes to UIs. */
export const EVENTS = {
  'osquery-state': osqueryStatusSchema,
  'scan-started': z.object({ trigger: z.string(), at: timestamp }),
  'scan-finished': scanReportSchema,
  'scan-failed': z.object({ trigger: z.string(), error: z.string() }),
  'finding-new': storedFindingSchema,
  'finding-resolved': storedFindingSchema,
  'results-changed': scanReportSchema,
  warning: z.object({ message: z.string() }),
  'fleet-state': fleetStatusSchema,
  'fleet-query': fleetQuerySchema,
} as const satisfies Record<(typeof EVENT_NAMES)[number], z.ZodType>;

/**
 * The contract cannot drift from the core: a field the core adds to its settings or an event it
 * adds or changes must be added here too, or this file does not compile. (Every call's answer is
 * checked the same way by the handlers' types in agent-api.ts.)
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type EventName = (typeof EVENT_NAMES)[number];
const settingsAreTheCores: Same<z.output<typeof settingsSchemaDto>, Settings> = true;
const eventsAreTheCores: Same<keyof AgentEvents, EventName> = true;
const eventPayloadsFit: { [E in EventName]: AgentEvents[E] extends z.input<(typeof EVENTS)[E]> ? true : false } = {
  'osquery-state': true,
  'scan-started': true,
  'scan-finished': true,
  'scan-failed': true,
  'finding-new': true,
  'finding-resolved': true,
  'results-changed': true,
  warning: true,
  'fleet-state': true,
  'fleet-query': true,
};
void [settingsAreTheCores, eventsAreTheCores, eventPayloadsFit];

export type ApiMethod = keyof typeof API;
export type ApiRequest<M extends ApiMethod> = z.input<(typeof API)[M]['request']>;
export type ApiResponse<M extends ApiMethod> = z.output<(typeof API)[M]['response']>;
export type ApiEventName = keyof typeof EVENTS;
export type ApiEvent<E extends ApiEventName> = z.output<(typeof EVENTS)[E]>;

export type ApiHandlers = { [M in ApiMethod]: (request: z.output<(typeof API)[M]['request']>) => Promise<ApiResponse<M>> };

/** The typed object a UI talks to, whatever carries the calls. */
export type PorchlightApi = { [M in ApiMethod]: (request: ApiRequest<M>) => Promise<ApiResponse<M>> };

export type Status = ApiResponse<'getStatus'>;
export type ScanReportDto = ApiResponse<'scanNow'>;
export type CheckResultDto = z.output<typeof checkResultSchema>;
export type CheckSourceDto = z.output<typeof checkSourceSchema>;
export type CheckListItem = ApiResponse<'listChecks'>[number];
export type StoredFindingDto = z.output<typeof storedFindingSchema>;
export type CheckDetail = ApiResponse<'getCheck'>;
export type OwnerConfirmationDto = z.output<typeof ownerConfirmationSchema>;
export type SettingsDto = ApiResponse<'getSettings'>;
export type TableDto = z.output<typeof tableSchemaDto>;
export type OverallState = z.output<typeof overallStateSchema>;
export type ResultsState = z.output<typeof resultsStateSchema>;
export type HistoryEntryDto = z.output<typeof historyEntrySchema>;
export type TrendDayDto = z.output<typeof trendDaySchema>;
export type ListeningPortDto = ApiResponse<'listPorts'>[number];
export type BrowserExtensionDto = ApiResponse<'listExtensions'>[number];
export type AlertSinkDto = z.output<typeof alertSinkSchema>;
export type FleetStatusDto = ApiResponse<'getFleetStatus'>;
export type FleetLogDto = ApiResponse<'getFleetLog'>;
export type FleetQueryDto = z.output<typeof fleetQuerySchema>;

export { isOpenableLink, OPENABLE_SCHEMES } from '../core/openable-links.js';
