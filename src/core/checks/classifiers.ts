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

export interface BrowserExtension {
  browser: string;
  name: string;
  identifier: string;
  version: string;
  user: string;
  profile: string;
  path: string;
  permissions: string;
  enabled: boolean;
  fromStore: boolean;
  /** Why it is risky; empty when it is not. */
  risk: string;
}

/** One row of the browser-extensions query, in the words the finding and the UI use. */
export function describeExtension(row: OsqueryRow): BrowserExtension {
  return {
    browser: row.browser ?? '',
    name: row.name ?? '',
    identifier: row.identifier ?? '',
    version: row.version ?? '',
    user: row.username || row.uid || '',
    profile: row.profile ?? '',
    path: row.path ?? '',
    permissions: extensionPermissions(row).join(', '),
    enabled: row.enabled !== '0',
    fromStore: row.from_store !== '0',
    risk: extensionRisks(row).join('; '),
  };
}

/**
 * Browser extensions that can see or change what the owner does: broad host access, powerful
 * permissions, or installed outside the browser's store. Disabled ones are listed, not counted.
 */
export const browserExtensionRisk: Classifier = (rows) =>
  rows.flatMap((row) => {
    const extension = describeExtension(row);
    if (!extension.risk) return [];
    const { browser, name, identifier, version, user, profile, permissions, path, enabled } = extension;
    return [
      {
        key: [row.browser, row.uid, row.profile, row.identifier].join('|'),
        title: `${name || identifier} (${browser})${enabled ? '' : ' — disabled'}`,
        reason: extension.risk,
        detail: { browser, name, identifier, version, user, profile, permissions, enabled: enabled ? 'yes' : 'no', path },
        counted: enabled,
      },
    ];
  });

function extensionPermissions(row: OsqueryRow): string[] {
  return [...splitList(row.permissions), ...splitList(row.optional_permissions)];
}

function extensionRisks(row: OsqueryRow): string[] {
  const permissions = extensionPermissions(row);
  const broad = permissions.filter((p) => BROAD_HOSTS.has(p));
  const powerful = permissions.filter((p) => POWERFUL_PERMISSIONS.has(p));
  const reasons: string[] = [];
  if (broad.length) reasons.push(`can read and change all websites (${broad.join(', ')})`);
  if (powerful.length) reasons.push(`powerful permissions: ${powerful.join(', ')}`);
  if (row.from_store === '0') reasons.push('installed outside the browser’s store or unpacked');
  return reasons;
}

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp' };

export interface ListeningPort {
  /** The process name, or "unknown process" when osquery cannot see the owner (pid -1). */
  process: string;
  path: string;
  pid: string;
  port: number;
  protocol: string;
  address: string;
  /** Reachable from other machines. */
  exposed: boolean;
  /** Matched by the owner's allowlist. */
  allowed: boolean;
}

/** One listening socket, judged the way the listening-ports check judges it. */
export function describeListener(row: OsqueryRow, allowlist: ListenerAllowRule[]): ListeningPort {
  const port = Number(row.port);
  const path = row.process_path ?? '';
  const known = row.pid !== '-1' && (row.process_name ?? '') !== '';
  return {
    process: known ? (row.process_name ?? '') : 'unknown process',
    path,
    pid: row.pid ?? '',
    port,
    protocol: PROTOCOLS[row.protocol ?? ''] ?? `protocol ${row.protocol}`,
    address: row.address ?? '',
    exposed: !isLoopback(row.address ?? ''),
    allowed: allowlist.some((rule) => allows(rule, path, port)),
  };
}

/**
 * Sockets other machines can reach (all interfaces or a non-loopback address), minus the owner's
 * allowlist. A socket whose owner osquery cannot see (pid -1) is an "unknown process", not dropped.
 */
export const exposedListener: Classifier = (rows, context) =>
  rows.flatMap((row) => {
    const listener = describeListener(row, context.listenerAllowlist);
    if (!listener.exposed || listener.allowed) return [];
    const { process, path, pid, port, protocol, address } = listener;
    const known = process !== 'unknown process';
    const where = address === '' || address === '0.0.0.0' || address === '::' ? 'all interfaces' : address;
    return [
      {
        key: [protocol, address, port, known ? path || process : 'unknown'].join('|'),
        title: `${process} listens on ${protocol} port ${port} (${where})`,
        reason: known
          ? 'reachable from other machines on the network'
          : 'reachable from other machines; osquery needs administrator rights to see which process owns it',
        detail: { process, path, pid, port: String(port), protocol, address },
        counted: true,
      },
    ];
  });

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === 'localhost' || address.startsWith('::ffff:127.');
}

function allows(rule: ListenerAllowRule, processPath: string, port: number): boolean {
  if (rule.processPath === undefined && rule.port === undefined) return false;
  if (rule.processPath !== undefined && rule.processPath !== processPath) return false;
  if (rule.port !== undefined && rule.port !== port) return false;
  return true;
}

export const CLASSIFIER_IMPLEMENTATIONS: Record<string, Classifier> = {
  'browser-extension-risk': browserExtensionRisk,
  'exposed-listener': exposedListener,
};
