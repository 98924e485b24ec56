/** How the tray and the window say the overall state. Zod-free, so the renderer can bundle it. */
import type { OverallState } from './contract.js';

export const OVERALL_STATE_TEXT: Record<OverallState, string> = {
  ok: 'All good',
  failing: 'Needs attention',
  unknown: 'Some checks cannot tell',
  'osquery-down': 'osquery is not running',
  scanning: 'Scanning…',
};
