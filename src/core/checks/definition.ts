import { z } from 'zod';
import { platformSchema } from '../platform.js';

export const CHECK_STATUSES = ['pass', 'fail', 'unknown', 'not_applicable', 'error'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** SQL for one platform, and optionally what must be true for its answer to mean anything. */
const platformQuerySchema = z.strictObject({
  sql: nonEmpty,
  /**
   * Runs first; no rows means osquery cannot see the data (usually missing rights), so the check
   * is `unknown` with `reason` instead of turning silence into a pass or a fail.
   */
  precondition: z.strictObject({ sql: nonEmpty, reason: nonEmpty }).optional(),
});
export type PlatformQuery = z.infer<typeof platformQuerySchema>;

export const CLASSIFIERS = ['browser-extension-risk', 'exposed-listener'] as const;

const evaluationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Fleet's meaning: the check passes when the query returns at least one row. */
    kind: z.literal('policy'),
    passSummary: nonEmpty.optional(),
    failSummary: nonEmpty.optional(),
  }),
  z.strictObject({
    /** One row per problem; the check fails while an unacknowledged finding exists. */
    kind: z.literal('findings'),
    /** Columns whose values identify a finding across scans. */
    key: z.array(nonEmpty).min(1),
    /** Finding title with `{column}` placeholders. */
    title: nonEmpty,
    /** Rows turned into findings by named logic in code (why an extension is risky, allowlists). */
    classifier: z.enum(CLASSIFIERS).optional(),
    /** The first scan's rows are accepted as the baseline; only rows added later are findings. */
    baseline: z.boolean().optional(),
  }),
]);
export type Evaluation = z.infer<typeof evaluationSchema>;

const linkSchema = z.strictObject({ label: nonEmpty, url: nonEmpty });

export const checkDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'use lowercase letters, digits, ".", "_" or "-" (at most 80)'),
  title: nonEmpty,
  description: z.string().default(''),
  category: z.enum(['encryption', 'browser', 'network', 'system', 'accounts', 'updates', 'ssh', 'custom']).default('custom'),
  severity: severitySchema.default('medium'),
  queries: z
    .partialRecord(platformSchema, platformQuerySchema)
    .refine((queries) => Object.keys(queries).length > 0, 'needs SQL for at least one platform'),
  evaluation: evaluationSchema.default({ kind: 'policy' }),
  requires: z.array(z.enum(['administrator', 'full_disk_access'])).default([]),
  remediation: z
    .strictObject({
      summary: z.string().default(''),
      steps: z.partialRecord(platformSchema, z.array(nonEmpty)).default({}),
      links: z.partialRecord(platformSchema, z.array(linkSchema)).default({}),
    })
    .default({ summary: '', steps: {}, links: {} }),
});

export type CheckDefinition = z.infer<typeof checkDefinitionSchema>;
export type CheckDefinitionInput = z.input<typeof checkDefinitionSchema>;

export interface CheckSource {
  origin: 'builtin' | 'user';
  /** The file a user check came from. */
  file?: string;
}

export type LoadedCheck = CheckDefinition & { source: CheckSource };
