import type { CheckResultDto, OverallState } from '../../../src/api/contract';

const CHECK_LABELS: Record<CheckResultDto['status'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Unknown',
  not_applicable: 'Not on this OS',
  error: 'Error',
};

export function StatusBadge({ status }: { status: CheckResultDto['status'] }) {
  return <span className={`badge badge-${status}`}>{CHECK_LABELS[status]}</span>;
}

const OVERALL_LABELS: Record<OverallState, string> = {
  ok: 'All good',
  failing: 'Needs attention',
  unknown: 'Some checks cannot tell',
  'osquery-down': 'osquery is not running',
  scanning: 'Scanning…',
};

export function OverallBadge({ state }: { state: OverallState }) {
  return (
    <span className={`overall overall-${state}`} role="status" aria-live="polite">
      {OVERALL_LABELS[state]}
    </span>
  );
}
