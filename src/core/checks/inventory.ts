import { ALL_LISTENERS } from './catalog.js';
import { describeExtension, describeListener, type BrowserExtension, type ListenerAllowRule, type ListeningPort } from './classifiers.js';
import type { Platform } from '../platform.js';
import type { LoadedCheck } from './definition.js';
import type { QueryRunner } from './runner.js';

/** Every listening socket, loopback included, marked exposed and allowlisted the way the check judges them. */
export async function listeningPorts(osquery: QueryRunner, allowlist: ListenerAllowRule[]): Promise<ListeningPort[]> {
  return (await osquery.query(ALL_LISTENERS)).map((row) => describeListener(row, allowlist));
}

/** Every extension osquery can see, with the browser-extensions check's verdict on each. */
export async function browserExtensions(osquery: QueryRunner, check: LoadedCheck, platform: Platform): Promise<BrowserExtension[]> {
  const sql = check.queries[platform]?.sql;
  return sql ? (await osquery.query(sql)).map(describeExtension) : [];
}
