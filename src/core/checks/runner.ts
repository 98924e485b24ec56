import { performance } from 'node:perf_hooks';
import { OsqueryConnectionError, OsqueryError, OsqueryQueryError } from '../osquery/errors.js';
import { explainSqlError } from '../osquery/query-validator.js';
import type { OsqueryRow } from '../osquery/extension-socket-client.js';
import { CLASSIFIER_IMPLEMENTATIONS, type ClassifierContext, type Finding } from './classifiers.js';
import type { Platform } from '../platform.js';
import type { CheckDefinition } from './definition.js';

/** What running one check's SQL said, before acknowledgements and baselines are applied. */
export type RawOutcome =
  | { kind: 'not_applicable' }
  /** Checked by hand: the query is not run. */
  | { kind: 'manual' }
  | { kind: 'unknown'; reason: string }
  | { kind: 'error'; reason: string; connectionLost?: boolean }
  /** `detail`: what the passing query said it found (its `detail` column), for the summary. */
  | { kind: 'policy'; passed: boolean; detail?: string }
  | { kind: 'findings'; findings: Finding[] };

export interface QueryRunner {
  query(sql: string): Promise<OsqueryRow[]>;
}

export interface TimedOutcome {
  outcome: RawOutcome;
  /** Time spent waiting for osquery's answers. */
  queryMs: number;
}

/** Runs a check's SQL for this platform and judges the rows. Never throws for osquery errors. */
export async function runCheck(
  check: CheckDefinition,
  platform: Platform,
  osquery: QueryRunner,
  context: ClassifierContext,
): Promise<TimedOutcome> {
  const query = check.queries[platform];
  if (!query) return { outcome: { kind: 'not_applicable' }, queryMs: 0 };
  if (check.evaluation.kind === 'manual') return { outcome: { kind: 'manual' }, queryMs: 0 };
  let queryMs = 0;
  const timed = async (sql: string) => {
    const start = performance.now();
    try {
      return await osquery.query(sql);
    } finally {
      queryMs += performance.now() - start;
    }
  };
  try {
    for (const precondition of query.preconditions) {
      if ((await timed(precondition.sql)).length === 0) return { outcome: { kind: 'unknown', reason: precondition.reason }, queryMs };
    }
    const rows = await timed(query.sql);
    return { outcome: judge(check, rows, context), queryMs };
  } catch (error) {
    if (error instanceof OsqueryError) {
      const connectionLost = error instanceof OsqueryConnectionError;
      // "needs Fleet's `file_lines` extension table, …": what a missing table or column means, with osquery's words.
      const why = error instanceof OsqueryQueryError ? explainSqlError(error.osqueryMessage, error.sql, platform) : undefined;
      const reason = why ? `${why} (osquery: ${error.message})` : error.message;
      return { outcome: { kind: 'error', reason, connectionLost }, queryMs };
    }
    throw error;
  }
}

function judge(check: CheckDefinition, rows: OsqueryRow[], context: ClassifierContext): RawOutcome {
  const evaluation = check.evaluation;
  if (evaluation.kind === 'manual') return { kind: 'manual' };
  if (evaluation.kind === 'policy') {
    const detail = rows[0]?.detail;
    return detail ? { kind: 'policy', passed: true, detail } : { kind: 'policy', passed: rows.length > 0 };
  }
  if (evaluation.classifier) {
    const classify = CLASSIFIER_IMPLEMENTATIONS[evaluation.classifier];
    if (!classify) return { kind: 'error', reason: `unknown classifier ${evaluation.classifier}` };
    return { kind: 'findings', findings: classify(rows, context) };
  }
  const first = rows[0];
  const missing = first ? evaluation.key.find((column) => !(column in first)) : undefined;
  if (missing) return { kind: 'error', reason: `the query returns no column "${missing}", which the finding key needs` };
  return {
    kind: 'findings',
    findings: rows.map(({ counted, reason, ...detail }) => ({
      key: evaluation.key.map((column) => detail[column] ?? '').join('|'),
      title: fillTemplate(evaluation.title, detail),
      reason: reason || check.description,
      detail,
      counted: counted !== '0',
    })),
  };
}

/** Replaces `{column}` with the row's value; unknown names stay as written. */
export function fillTemplate(template: string, row: OsqueryRow): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => row[name] ?? whole);
}
