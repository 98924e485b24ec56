import type { OsqueryRow } from '../osquery/extension-socket-client.js';

/** A problem one check found, identified across scans by `key`. */
export interface Finding {
  key: string;
  title: string;
  /** Why this row is a problem, in words an owner understands. */
  reason: string;
  detail: Record<string, string>;
  /** false: listed for the owner but not counted against the check (e.g. a disabled extension). */
  counted: boolean;
}

export interface ListenerAllowRule {
  processPath?: string | undefined;
  port?: number | undefined;
}

export interface ClassifierContext {
  listenerAllowlist: ListenerAllowRule[];
}

export type Classifier = (rows: OsqueryRow[], context: ClassifierContext) => Finding[];

/** Host patterns that let an extension read and change every site. */
const BROAD_HOSTS = new Set(['<all_urls>', '*://*/*', 'http://*/*', 'https://*/*', '*://*/']);

/** Permissions that give an extension power over browsing data or the machine. */
const POWERFUL_PERMISSIONS = new Set([
  'webRequest',
  'webRequestBlocking',
  'declarativeNetRequestWithHostAccess',
  'cookies',
  'debugger',
  'nativeMessaging',
  'proxy',
  'management',
  'history',
  'clipboardRead',
  'tabs',
  'webNavigation',
  'downloads',
  'privacy',
  'browsingData',
  'contentSettings',
  'desktopCapture',
  'tabCapture',
]);

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Browser extensions that can see or change what the owner does: broad host access, powerful
 * permissions, or installed outside the browser's store. Disabled ones are listed, not counted.
 */
export const browserExtensionRisk: Classifier = (rows) => {
  const findings: Finding[] = [];
  for (const row of rows) {
    const reasons = extensionRisks(row);
    if (reasons.length === 0) continue;
    const enabled = row.enabled !== '0';
    findings.push({
      key: extensionKey(row),
      title: `${row.name || row.identifier} (${row.browser})${enabled ? '' : ' — disabled'}`,
      reason: reasons.join('; '),
      detail: {
        browser: row.browser ?? '',
        name: row.name ?? '',
        identifier: row.identifier ?? '',
        version: row.version ?? '',
        user: row.username ?? row.uid ?? '',
        profile: row.profile ?? '',
        permissions: extensionPermissions(row).join(', '),
        enabled: enabled ? 'yes' : 'no',
        path: row.path ?? '',
      },
      counted: enabled,
    });
  }
  return findings;
};

export function extensionKey(row: OsqueryRow): string {
  return [row.browser, row.uid, row.profile, row.identifier].join('|');
}

function extensionPermissions(row: OsqueryRow): string[] {
  return [...splitList(row.permissions), ...splitList(row.optional_permissions)];
}

/** Why an extension row is risky, in words; empty when it is not. */
export function extensionRisks(row: OsqueryRow): string[] {
  const permissions = extensionPermissions(row);
  const broad = permissions.filter((p) => BROAD_HOSTS.has(p));
  const powerful = permissions.filter((p) => POWERFUL_PERMISSIONS.has(p));
  const reasons: string[] = [];
  if (broad.length) reasons.push(`can read and change all websites (${broad.join(', ')})`);
  if (powerful.length) reasons.push(`powerful permissions: ${powerful.join(', ')}`);
  if (row.from_store === '0') reasons.push('installed outside the browser’s store or unpacked');
  return reasons;
}

export const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp' };

/**
 * Sockets other machines can reach (all interfaces or a non-loopback address), minus the owner's
 * allowlist. A socket whose owner osquery cannot see (pid -1) is an "unknown process", not dropped.
 */
export const exposedListener: Classifier = (rows, context) => {
  const findings: Finding[] = [];
  for (const row of rows) {
    const address = row.address ?? '';
    if (isLoopback(address)) continue;
    const port = Number(row.port);
    const processPath = row.process_path ?? '';
    const known = row.pid !== '-1' && (row.process_name ?? '') !== '';
    if (context.listenerAllowlist.some((rule) => allows(rule, processPath, port))) continue;
    const protocol = PROTOCOLS[row.protocol ?? ''] ?? `protocol ${row.protocol}`;
    const processName = known ? (row.process_name ?? '') : 'unknown process';
    const where = address === '' || address === '0.0.0.0' || address === '::' ? 'all interfaces' : address;
    findings.push({
      key: [protocol, address, port, known ? processPath || processName : 'unknown'].join('|'),
      title: `${processName} listens on ${protocol} port ${port} (${where})`,
      reason: known
        ? 'reachable from other machines on the network'
        : 'reachable from other machines; osquery needs administrator rights to see which process owns it',
      detail: {
        process: processName,
        path: processPath,
        pid: row.pid ?? '',
        port: String(port),
        protocol,
        address,
      },
      counted: true,
    });
  }
  return findings;
};

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === 'localhost' || address.startsWith('::ffff:127.');
}

export function allows(rule: ListenerAllowRule, processPath: string, port: number): boolean {
  if (rule.processPath === undefined && rule.port === undefined) return false;
  if (rule.processPath !== undefined && rule.processPath !== processPath) return false;
  if (rule.port !== undefined && rule.port !== port) return false;
  return true;
}

export const CLASSIFIER_IMPLEMENTATIONS: Record<string, Classifier> = {
  'browser-extension-risk': browserExtensionRisk,
  'exposed-listener': exposedListener,
};
