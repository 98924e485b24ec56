import type { ListenerAllowRule } from './classifiers.js';
import type { LoadedCheck } from './definition.js';
import { describeExtensions, type BrowserExtension } from './extensions.js';
import { describeListeners, type ListeningPort } from './listeners.js';
import type { Platform } from '../platform.js';
import type { QueryRunner } from './runner.js';

/** Every listening socket the listening-ports check sees, loopback included, judged the way it judges them. */
export async function listeningPorts(
  osquery: QueryRunner,
  check: LoadedCheck,
  platform: Platform,
  allowlist: ListenerAllowRule[],
): Promise<ListeningPort[]> {
  const sql = check.queries[platform]?.sql;
  return sql ? describeListeners(await osquery.query(sql), { allowlist, platform }) : [];
}

/** Every extension the browser-extensions check sees, with its verdict on each. */
export async function browserExtensions(
  osquery: QueryRunner,
  check: LoadedCheck,
  platform: Platform,
  baseline: ReadonlySet<string> | undefined,
): Promise<BrowserExtension[]> {
  const sql = check.queries[platform]?.sql;
  return sql ? describeExtensions(await osquery.query(sql), { baseline }) : [];
}
