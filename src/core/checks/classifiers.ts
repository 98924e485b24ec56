import type { OsqueryRow } from '../osquery/extension-socket-client.js';
import type { Platform } from '../platform.js';
import { browserExtensionRisk } from './extensions.js';
import { exposedListener } from './listeners.js';

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
  platform: Platform;
  /** For a check with a baseline: the keys found at its first scan; undefined during that scan. */
  baseline?: ReadonlySet<string> | undefined;
}

export type Classifier = (rows: OsqueryRow[], context: ClassifierContext) => Finding[];

export const CLASSIFIER_IMPLEMENTATIONS: Record<string, Classifier> = {
  'browser-extension-risk': browserExtensionRisk,
  'exposed-listener': exposedListener,
};
