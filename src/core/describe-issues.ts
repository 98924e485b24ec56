import type { z } from 'zod';

/**
 * "queries.linux.sql: must not be empty" — each field's path, then zod's message; a problem with
 * the value as a whole is named `whole`.
 */
export function describeIssues(error: z.ZodError, whole = '(document)'): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : whole}: ${issue.message}`).join('; ');
}
