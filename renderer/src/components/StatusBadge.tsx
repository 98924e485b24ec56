import type { CheckResultDto, OverallState } from '../../../src/api/contract';
import { OVERALL_STATE_TEXT } from '../../../src/api/overall-state-text';

const CHECK_LABELS: Record<CheckResultDto['status'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Unknown',
  not_applicable: 'Not on this OS',
  error: 'Error',
  manual: 'By hand',
};

/** A check's status; an unknown one the owner confirmed says so, distinct from a pass. */
export function StatusBadge({ status, confirmed = false }: { status: CheckResultDto['status']; confirmed?: boolean }) {
  if (status === 'unknown' && confirmed) return <span className="badge badge-confirmed">Confirmed by you</span>;
  return <span className={`badge badge-${status}`}>{CHECK_LABELS[status]}</span>;
}

export function OverallBadge({ state }: { state: OverallState }) {
  return (
    <span className={`overall overall-${state}`} role="status" aria-live="polite">
      {OVERALL_STATE_TEXT[state]}
    </span>
  );
}
