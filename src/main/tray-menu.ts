/**
 * The tray menu as a pure function of state: plain objects that src/main hands to
 * Menu.buildFromTemplate, so every state is unit-tested without Electron.
 */
import { OVERALL_STATE_TEXT } from '../api/overall-state-text.js';
import type { CheckStatus } from '../core/checks/definition.js';
import type { FleetStatus } from '../core/fleet/fleet-status.js';
import type { OsquerydState } from '../core/osquery/supervisor.js';
import type { OverallState } from '../core/overall-state.js';

export type TrayAction =
  | { kind: 'scan-now' }
  | { kind: 'open-window'; checkId?: string }
  | { kind: 'pause'; minutes: number }
  | { kind: 'resume' }
  | { kind: 'retry-osquery' }
  | { kind: 'preferences' }
  | { kind: 'quit' };

export interface MenuItemSpec {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  action?: TrayAction;
  submenu?: MenuItemSpec[];
}

export interface TrayCheck {
  checkId: string;
  title: string;
  status: CheckStatus;
  summary: string;
  /** Built-in checks have a line each; every other source (an imported set of hundreds) has one line. */
  source: { kind: 'builtin' | 'user' | 'fleet'; name: string };
}

export interface TrayFinding {
  id: string;
  checkId: string;
  title: string;
}

export interface TrayState {
  overall: OverallState;
  lastScanAt: number | null;
  /** The latest scan's results; undefined before the first scan. */
  checks: TrayCheck[] | undefined;
  /** Counted, unacknowledged findings. */
  attention: TrayFinding[];
  osquery: { state: OsquerydState; reason?: string };
  scanning: boolean;
  pausedUntil: number | null;
  demo: boolean;
  now: number;
  /** The Fleet connection (absent: not known to the shell, shown as nothing). */
  fleet?: Pick<FleetStatus, 'state' | 'server' | 'unreachableSince'>;
}

const STATUS_MARK: Record<TrayCheck['status'], string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  unknown: '?',
  not_applicable: '–',
  manual: '✎',
};

/** A source's line: its most pressing status, and how many checks fail, could not run or cannot tell. */
function sourceLine(name: string, checks: TrayCheck[]): MenuItemSpec {
  const counted = (status: CheckStatus) => checks.filter((check) => check.status === status).length;
  const worst = (['fail', 'error', 'unknown'] as const).find((status) => counted(status) > 0) ?? 'pass';
  const needs = [
    counted('fail') && `${counted('fail')} failing`,
    counted('error') && `${counted('error')} could not run`,
    counted('unknown') && `${counted('unknown')} cannot tell`,
  ].filter(Boolean);
  const rest = needs.length ? needs.join(', ') : `${counted('pass')} passing${counted('manual') ? `, ${counted('manual')} to check by hand` : ''}`;
  return { label: `${STATUS_MARK[worst]} ${name} — ${rest}`, action: { kind: 'open-window' } };
}

const MAX_ATTENTION = 5;

export function ago(then: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - then) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

function clock(time: number): string {
  const date = new Date(time);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export function trayMenu(state: TrayState): MenuItemSpec[] {
  const separator: MenuItemSpec = { type: 'separator' };
  const items: MenuItemSpec[] = [
    { label: `Porchlight — ${OVERALL_STATE_TEXT[state.overall]}`, enabled: false },
    { label: state.lastScanAt ? `Last scan ${ago(state.lastScanAt, state.now)}` : 'Not scanned yet', enabled: false },
  ];
  if (state.demo) items.push({ label: 'Showing demo data', enabled: false });
  items.push(separator);

  const shown = (state.checks ?? []).filter((check) => check.status !== 'not_applicable');
  const sources = new Map<string, TrayCheck[]>();
  for (const check of shown) {
    if (check.source.kind !== 'builtin') {
      sources.set(check.source.name, [...(sources.get(check.source.name) ?? []), check]);
      continue;
    }
    const detail = check.status === 'pass' ? '' : ` — ${check.summary}`;
    items.push({ label: `${STATUS_MARK[check.status]} ${check.title}${detail}`, action: { kind: 'open-window', checkId: check.checkId } });
  }
  for (const [name, checks] of sources) items.push(sourceLine(name, checks));
  if (state.attention.length > 0) {
    const attention: MenuItemSpec[] = state.attention
      .slice(0, MAX_ATTENTION)
      .map((finding) => ({ label: finding.title, action: { kind: 'open-window', checkId: finding.checkId } }));
    if (state.attention.length > MAX_ATTENTION) {
      attention.push({ label: `${state.attention.length - MAX_ATTENTION} more…`, action: { kind: 'open-window' } });
    }
    items.push({ label: `Needs attention (${state.attention.length})`, submenu: attention });
  }
  if (shown.length > 0 || state.attention.length > 0) items.push(separator);

  const osqueryRunning = state.osquery.state === 'running';
  items.push(
    state.scanning
      ? { label: 'Scanning…', enabled: false }
      : { label: 'Scan now', enabled: osqueryRunning, action: { kind: 'scan-now' } },
    { label: 'Open Porchlight…', action: { kind: 'open-window' } },
    state.pausedUntil !== null && state.pausedUntil > state.now
      ? { label: `Resume checks (paused until ${clock(state.pausedUntil)})`, action: { kind: 'resume' } }
      : { label: 'Pause checks for 1 hour', action: { kind: 'pause', minutes: 60 } },
    separator,
  );

  if (osqueryRunning) {
    items.push({ label: 'osquery: running', enabled: false });
  } else {
    const reason = state.osquery.reason ? ` — ${state.osquery.reason}` : '';
    items.push({ label: `osquery: ${state.osquery.state}${reason}`.slice(0, 120), enabled: false });
    if (state.osquery.state === 'failed') items.push({ label: 'Restart osquery', action: { kind: 'retry-osquery' } });
  }
  const fleet = state.fleet && fleetTrayLine(state.fleet, state.now);
  if (fleet) items.push({ label: fleet, enabled: false });
  items.push(separator, { label: 'Preferences…', action: { kind: 'preferences' } }, { label: 'Quit Porchlight', action: { kind: 'quit' } });
  return items;
}

/** The tray's one line about Fleet; none when not enrolled, since Porchlight is then local only. */
export function fleetTrayLine(fleet: NonNullable<TrayState['fleet']>, now: number): string | undefined {
  const host = fleet.server?.hostname ?? 'the server';
  switch (fleet.state) {
    case 'not-enrolled':
      return undefined;
    case 'connected':
      return `Fleet: connected to ${host}`;
    case 'enrolling':
      return `Fleet: enrolling with ${host}…`;
    case 'unreachable':
      return fleet.unreachableSince === null ? 'Fleet: not reachable' : `Fleet: not reachable since ${sinceText(fleet.unreachableSince, now)}`;
    case 'refused':
      return 'Fleet: enrollment refused';
    case 'certificate':
      return 'Fleet: server certificate not trusted';
    case 'offline':
      return 'Fleet: not connected while osquery is not running';
    case 'error':
      return `Fleet: cannot talk to ${host}`;
  }
}

/** A time today as HH:MM, an earlier one with its date. */
function sinceText(time: number, now: number): string {
  const then = new Date(time);
  const sameDay = then.toDateString() === new Date(now).toDateString();
  const date = `${then.getFullYear()}-${String(then.getMonth() + 1).padStart(2, '0')}-${String(then.getDate()).padStart(2, '0')}`;
  return sameDay ? clock(time) : `${date} ${clock(time)}`;
}

/** The tooltip: the same one line as the menu's header. */
export function trayTooltip(state: TrayState): string {
  return `Porchlight — ${OVERALL_STATE_TEXT[state.overall]}${state.demo ? ' (demo data)' : ''}`;
}
