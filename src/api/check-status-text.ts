/** How the window and reports name a check's status. Zod-free, so the renderer can bundle it. */
import type { CheckResultDto } from './contract.js';

type CheckStatus = CheckResultDto['status'];

export const CHECK_STATUS_TEXT: Record<CheckStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Unknown',
  not_applicable: 'Not on this OS',
  error: 'Error',
  manual: 'By hand',
};

/** The owner's own word on an unknown check: said as theirs, never as a pass. */
export const CONFIRMED_TEXT = 'Confirmed by you';

export function checkStatusText(status: CheckStatus, confirmed = false): string {
  return status === 'unknown' && confirmed ? CONFIRMED_TEXT : CHECK_STATUS_TEXT[status];
}
