import type { Platform } from '../platform.js';
import type { HistoryStore, OwnerConfirmation } from '../store/history-store.js';
import type { LoadedCheck } from './definition.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long the owner's "I checked, it is on" stands before Porchlight asks again. */
export const CONFIRMATION_DAYS = 90;

export class CheckNotFoundError extends Error {
  override name = 'CheckNotFoundError';
  constructor(readonly checkId: string) {
    super(`no check ${checkId}; \`porchlight checks list\` shows them`);
  }
}

export class NotConfirmableError extends Error {
  override name = 'NotConfirmableError';
}

/**
 * Records the owner's word for a check osquery cannot see as this user and that asks for it:
 * theirs, dated, in force for CONFIRMATION_DAYS. The check's status stays unknown.
 */
export function confirmCheck(
  store: Pick<HistoryStore, 'confirm'>,
  checks: LoadedCheck[],
  platform: Platform,
  checkId: string,
  now: number,
): OwnerConfirmation {
  const check = checks.find((c) => c.id === checkId);
  if (!check) throw new CheckNotFoundError(checkId);
  const statement = check.queries[platform]?.selfCheck?.confirmation;
  if (!statement) {
    throw new NotConfirmableError(`"${check.title}" takes no confirmation here: osquery reads it itself, or it does not apply on this system`);
  }
  const confirmation = { statement, confirmedAt: now, expiresAt: now + CONFIRMATION_DAYS * DAY_MS };
  store.confirm(checkId, confirmation);
  return confirmation;
}
