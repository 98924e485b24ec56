import { checkStatusText } from '../../../src/api/check-status-text';
import type { CheckResultDto, OverallState } from '../../../src/api/contract';
import { OVERALL_STATE_TEXT } from '../../../src/api/overall-state-text';

/** A check's status; an unknown one the owner confirmed says so, distinct from a pass. */
export function StatusBadge({ status, confirmed = false }: { status: CheckResultDto['status']; confirmed?: boolean }) {
  const kind = status === 'unknown' && confirmed ? 'confirmed' : status;
  return <span className={`badge badge-${kind}`}>{checkStatusText(status, confirmed)}</span>;
}

export function OverallBadge({ state }: { state: OverallState }) {
  return (
    <span className={`overall overall-${state}`} role="status" aria-live="polite">
      {OVERALL_STATE_TEXT[state]}
    </span>
  );
}
