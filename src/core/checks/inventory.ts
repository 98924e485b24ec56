import type { OsqueryRow } from '../osquery/extension-socket-client.js';
import { ALL_LISTENERS } from './catalog.js';
import { allows, extensionRisks, isLoopback, PROTOCOLS, type ListenerAllowRule } from './classifiers.js';
import type { LoadedCheck, Platform } from './definition.js';
import type { QueryRunner } from './runner.js';

export interface ListeningPort {
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

export interface BrowserExtension {
  browser: string;
  name: string;
  identifier: string;
  version: string;
  user: string;
  profile: string;
  permissions: string;
  enabled: boolean;
  fromStore: boolean;
  /** Why it is risky; empty when it is not. */
  risk: string;
}

/** Every listening socket, loopback included, marked exposed and allowlisted the way the check judges them. */
export async function listeningPorts(osquery: QueryRunner, allowlist: ListenerAllowRule[]): Promise<ListeningPort[]> {
  return (await osquery.query(ALL_LISTENERS)).map((row) => {
    const port = Number(row.port);
    const path = row.process_path ?? '';
    const known = row.pid !== '-1' && (row.process_name ?? '') !== '';
    return {
      process: known ? (row.process_name ?? '') : 'unknown process',
      path,
      pid: row.pid ?? '',
      port,
      protocol: PROTOCOLS[row.protocol ?? ''] ?? String(row.protocol),
      address: row.address ?? '',
      exposed: !isLoopback(row.address ?? ''),
      allowed: allowlist.some((rule) => allows(rule, path, port)),
    };
  });
}

/** Every extension osquery can see, with the browser-extensions check's verdict on each. */
export async function browserExtensions(osquery: QueryRunner, check: LoadedCheck, platform: Platform): Promise<BrowserExtension[]> {
  const sql = check.queries[platform]?.sql;
  if (!sql) return [];
  return (await osquery.query(sql)).map((row: OsqueryRow) => ({
    browser: row.browser ?? '',
    name: row.name ?? '',
    identifier: row.identifier ?? '',
    version: row.version ?? '',
    user: row.username ?? row.uid ?? '',
    profile: row.profile ?? '',
    permissions: [row.permissions, row.optional_permissions].filter(Boolean).join(', '),
    enabled: row.enabled !== '0',
    fromStore: row.from_store !== '0',
    risk: extensionRisks(row).join('; '),
  }));
}
