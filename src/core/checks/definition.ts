import { z } from 'zod';
import { isOpenableLink, OPENABLE_SCHEMES } from '../openable-links.js';
import { platformSchema } from '../platform.js';

/** `manual`: a check the owner does by hand (osquery cannot tell); never a failure. */
export const CHECK_STATUSES = ['pass', 'fail', 'unknown', 'not_applicable', 'error', 'manual'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** What must be true for a query's answer to mean anything, and what to say when it is not. */
const preconditionSchema = z.strictObject({ sql: nonEmpty, reason: nonEmpty });

/** SQL for one platform, what must hold for its answer to mean anything, and what osquery sees there. */
const platformQuerySchema = z.strictObject({
  sql: nonEmpty,
  /**
   * Run first, in order; the first that returns no rows makes the check `unknown` with its reason,
   * instead of turning data osquery cannot read (usually for lack of rights) into a pass or a fail.
   */
  preconditions: z.array(preconditionSchema).default([]),
  /** One line: what osquery, running as this user, can and cannot see for this check. */
  visibility: nonEmpty.optional(),
  /** What Porchlight's osqueryd needs here to see everything this check looks at. */
  requires: z.array(z.enum(['administrator', 'full_disk_access'])).default([]),
  /** When osquery cannot tell: how the owner sees it themselves, and what they may confirm. */
  selfCheck: z
    .strictObject({
      steps: z.array(nonEmpty).min(1),
      /** "BitLocker protects drive C:": the owner may confirm it; shown as theirs, dated, never as a pass. */
      confirmation: nonEmpty.optional(),
    })
    .optional(),
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
    /**
     * One row per problem; the check fails while an unacknowledged finding exists. A row may say
     * `counted` = 0 (listed for the owner, not held against the check) and give its own `reason`.
     */
    kind: z.literal('findings'),
    /** Columns whose values identify a finding across scans. */
    key: z.array(nonEmpty).min(1),
    /** Finding title with `{column}` placeholders. */
    title: nonEmpty,
    /** Rows turned into findings by named logic in code (why an extension is risky, allowlists). */
    classifier: z.enum(CLASSIFIERS).optional(),
    /**
     * The first scan's rows are accepted as the baseline; only rows added later are findings. With a
     * classifier, the classifier gets the baseline and decides what is new itself.
     */
    baseline: z.boolean().optional(),
  }),
  z.strictObject({
    /**
     * Checked by hand: osquery cannot tell (Fleet's "Manual Validation Required" policies, whose
     * query is `SELECT 1 WHERE 0`). The query is never run; the check says "check by hand".
     */
    kind: z.literal('manual'),
  }),
]);
export type Evaluation = z.infer<typeof evaluationSchema>;

/** A remediation link: refused when loaded unless it is one the window will open (a user check file could name any). */
const linkSchema = z.strictObject({
  label: nonEmpty,
  url: nonEmpty.refine(isOpenableLink, { message: `must start with ${OPENABLE_SCHEMES.join(' ')}` }),
});

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
  remediation: z
    .strictObject({
      summary: z.string().default(''),
      steps: z.partialRecord(platformSchema, z.array(nonEmpty)).default({}),
      links: z.partialRecord(platformSchema, z.array(linkSchema)).default({}),
    })
    .default({ summary: '', steps: {}, links: {} }),
  /** What a check imported from a Fleet policy kept of it. */
  fleet: z
    .strictObject({
      /** The policy's name in Fleet, which identifies it. */
      policy: nonEmpty,
      purpose: z.string().optional(),
      tags: z.array(z.string()).default([]),
      critical: z.boolean().default(false),
    })
    .optional(),
});

export type CheckDefinition = z.infer<typeof checkDefinitionSchema>;
export type CheckDefinitionInput = z.input<typeof checkDefinitionSchema>;

export interface CheckSource {
  /** builtin: Porchlight's own; user: a check file of the owner's; fleet: a set of imported Fleet policies. */
  origin: 'builtin' | 'user' | 'fleet';
  /** The file a user check or an imported set is kept in. */
  file?: string;
  /** An imported set's name ("cis-policy-queries"). */
  set?: string;
  /** The file an imported set was imported from. */
  from?: string;
}

export type LoadedCheck = CheckDefinition & { source: CheckSource };
