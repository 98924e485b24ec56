import type { OsqueryRow } from '../osquery/extension-socket-client.js';
import type { Classifier, Finding } from './classifiers.js';
import { ALL_SITES, knownExtension, type ExtensionStore, type KnownExtension } from './known-extensions.js';

/**
 * Browser extensions judged the way a careful person would. osquery's `permissions` column is the
 * manifest's "permissions" array only (osquery/tables/applications/chrome/utils.cpp:151-167): it
 * holds Manifest V2 host patterns but never V3's `host_permissions`, so site access is read from
 * the manifest itself (the hidden `manifest_json` column). Optional permissions are what an
 * extension may ask for later, not what it has.
 *
 * Rows come from the browser-extensions check's query (catalog/browser-extensions.ts): browser,
 * uid, username, profile, profile_path, identifier, name, version, permissions,
 * optional_permissions, manifest_json, from_webstore, update_url, state, path, source_url,
 * location, active.
 */

/** Permissions that give an extension power over your browsing data or your computer. */
const SENSITIVE_PERMISSIONS = new Set([
  'cookies',
  'webRequest',
  'webRequestBlocking',
  'scripting',
  'debugger',
  'nativeMessaging',
  'proxy',
  'management',
]);

/** Chrome Web Store's update URL (Chromium's kGalleryUpdateHttpsUrl) and Edge Add-ons'. */
const CHROME_WEB_STORE_UPDATES = 'https://clients2.google.com/service/update2/crx';
const EDGE_ADD_ONS_UPDATES = 'https://edge.microsoft.com/extensionwebstorebase/v1/crx';

/**
 * Firefox install locations (XPIProvider): add-ons another program put there, and the
 * about:debugging kind that lives until Firefox restarts.
 */
const FIREFOX_SIDELOADED = /^(winreg-app-|app-global$|app-system-share$|app-system-local$|app-system-user$)/;
const FIREFOX_TEMPORARY = 'app-temporary';
const FIREFOX_STORE = 'https://addons.mozilla.org/';

export type Enabled = 'yes' | 'no' | 'unknown';

export interface BrowserExtension {
  browser: string;
  name: string;
  identifier: string;
  version: string;
  user: string;
  profile: string;
  path: string;
  /** Where it came from: a store's name, "outside the store", "unpacked" or "unknown". */
  source: string;
  /** Permissions it has (API permissions, without site access). */
  granted: string[];
  /** Site access it has: "every site", or the hosts; empty when none (or osquery cannot tell). */
  sites: string;
  /** Permissions and sites it may ask for later (optional), which the owner has to approve. */
  mayRequest: string[];
  enabled: Enabled;
  /** The well-known extension it is, if any. */
  known: string;
  /** Why it is counted against the check; empty when it is not. */
  risk: string;
  /** Why it is listed, when it is listed without being counted. */
  note: string;
  counted: boolean;
}

export interface ExtensionContext {
  /** Extensions seen at the check's first scan; undefined during that first scan. */
  baseline: ReadonlySet<string> | undefined;
}

interface Manifest {
  permissions: string[];
  optionalPermissions: string[];
  hosts: string[];
  optionalHosts: string[];
}

/** A key that identifies the same extension in the same profile from scan to scan. */
export function extensionKey(row: OsqueryRow): string {
  return [row.browser, row.uid, profileOf(row), row.identifier].join('|');
}

/** Every extension row, judged. */
export function describeExtensions(rows: OsqueryRow[], context: ExtensionContext): BrowserExtension[] {
  return rows.map((row) => (row.browser === 'firefox' ? describeFirefox(row, context) : describeChromium(row, context)));
}

function describeChromium(row: OsqueryRow, context: ExtensionContext): BrowserExtension {
  const manifest = readManifest(row);
  const granted = manifest.permissions.filter((p) => !isHostPattern(p));
  const hosts = [...manifest.permissions.filter(isHostPattern), ...manifest.hosts];
  const allSites = hosts.some(isAllSites);
  const mayRequest = unique([...manifest.optionalPermissions, ...manifest.optionalHosts].map(siteLabel));
  const updateUrl = row.update_url ?? '';
  const store: ExtensionStore | undefined =
    updateUrl === EDGE_ADD_ONS_UPDATES ? 'edge' : updateUrl === CHROME_WEB_STORE_UPDATES || row.from_webstore === 'true' ? 'chrome' : undefined;
  const unpacked = isUnpacked(row);
  const known = unpacked ? undefined : knownExtension(store, row.identifier ?? '');
  const sensitive = granted.filter((p) => SENSITIVE_PERMISSIONS.has(p));
  const access = unique([...(allSites ? [ALL_SITES] : []), ...sensitive]);
  const sites = allSites ? 'every site' : unique(hosts.map(siteLabel)).join(', ');

  const risks: string[] = [];
  if (unpacked) risks.push(`unpacked or development build, loaded from ${row.path}`);
  else if (!store && row.from_webstore === 'false') risks.push('installed from outside the browser’s store');
  if (!known && allSites && sensitive.length > 0) risks.push(`can read and change every site, with ${sensitive.join(', ')}`);
  if (known) {
    const grown = access.filter((a) => !known.access.includes(a));
    if (grown.length > 0) risks.push(`asks for more than ${known.name} is known to: ${grown.map(siteLabel).join(', ')}`);
  }
  if (isNew(row, context) && hosts.length > 0) risks.push(`new since Porchlight’s first scan, and can read ${allSites ? 'every site' : sites}`);

  return judged(row, {
    source: unpacked ? 'unpacked' : store === 'edge' ? 'Edge Add-ons' : store === 'chrome' ? 'Chrome Web Store' : row.from_webstore === 'false' ? 'outside the store' : 'unknown',
    granted,
    sites,
    mayRequest,
    enabled: row.state === '1' ? 'yes' : row.state === '0' ? 'no' : 'unknown',
    known,
    risks,
    note: knownNote(known, sites, mayRequest),
    listed: hosts.length > 0 || mayRequest.some((p) => p === 'every site' || SENSITIVE_PERMISSIONS.has(p)),
  });
}

function describeFirefox(row: OsqueryRow, context: ExtensionContext): BrowserExtension {
  const location = row.location ?? '';
  const sourceUrl = row.source_url ?? '';
  const known = knownExtension('firefox', row.identifier ?? '');
  const fromStore = location === 'app-profile' && sourceUrl.startsWith(FIREFOX_STORE);
  const risks: string[] = [];
  if (location === FIREFOX_TEMPORARY) risks.push('temporary add-on, loaded for development');
  else if (FIREFOX_SIDELOADED.test(location)) risks.push('installed by another program, outside Firefox’s add-on store');
  else if (!fromStore) risks.push(`installed from outside Firefox’s add-on store${sourceUrl && sourceUrl !== 'null' ? ` (${sourceUrl})` : ''}`);
  // osquery's firefox_addons has no permissions (specs/firefox_addons.table): every new one is worth a look.
  if (isNew(row, context)) risks.push('new since Porchlight’s first scan; osquery cannot see what Firefox extensions may access');
  return judged(row, {
    source: fromStore ? 'Firefox Add-ons' : location === FIREFOX_TEMPORARY ? 'unpacked' : 'outside the store',
    granted: [],
    sites: '',
    mayRequest: [],
    // `disabled` misses softDisabled (browser_firefox.cpp:171-178 reads "softDisable"); `active` is Firefox's own.
    enabled: row.active === '1' ? 'yes' : 'no',
    known,
    risks,
    note: known ? `${known.name}, a well-known extension` : 'osquery cannot see what Firefox extensions may access',
    listed: true,
  });
}

function judged(
  row: OsqueryRow,
  verdict: {
    source: string;
    granted: string[];
    sites: string;
    mayRequest: string[];
    enabled: Enabled;
    known: KnownExtension | undefined;
    risks: string[];
    note: string;
    listed: boolean;
  },
): BrowserExtension {
  const risk = verdict.risks.join('; ');
  return {
    browser: row.browser ?? '',
    name: row.name ?? '',
    identifier: row.identifier ?? '',
    version: row.version ?? '',
    user: row.username || row.uid || '',
    profile: profileOf(row),
    path: row.path ?? '',
    source: verdict.source,
    granted: verdict.granted,
    sites: verdict.sites,
    mayRequest: verdict.mayRequest,
    enabled: verdict.enabled,
    known: verdict.known?.name ?? '',
    risk,
    note: risk ? '' : verdict.listed ? verdict.note : '',
    // A disabled extension can be switched back on in a click: it stays listed, not counted.
    counted: risk !== '' && verdict.enabled !== 'no',
  };
}

function knownNote(known: KnownExtension | undefined, sites: string, mayRequest: string[]): string {
  const access = sites ? `can read ${sites}` : 'reads no sites';
  const later = mayRequest.length > 0 ? `; may ask for ${mayRequest.join(', ')}` : '';
  return known ? `${known.name}, a well-known extension: ${access}${later}` : `${access}${later}`;
}

function isNew(row: OsqueryRow, context: ExtensionContext): boolean {
  return context.baseline !== undefined && !context.baseline.has(extensionKey(row));
}

/**
 * An unpacked (developer) extension lives outside the profile's Extensions folder; Chrome keeps
 * its absolute path in the profile's settings and osquery reads it from there (utils.cpp:548-586).
 */
function isUnpacked(row: OsqueryRow): boolean {
  const profilePath = row.profile_path ?? '';
  const path = row.path ?? '';
  if (!profilePath || !path) return false;
  const separator = profilePath.includes('\\') ? '\\' : '/';
  return !path.toLowerCase().startsWith(`${profilePath}${separator}Extensions${separator}`.toLowerCase());
}

/** Chrome profiles have names; Firefox's profile is the folder holding `extensions/<id>.xpi`. */
function profileOf(row: OsqueryRow): string {
  if (row.browser !== 'firefox') return row.profile ?? '';
  const parts = (row.path ?? '').split(/[\\/]/);
  const at = parts.lastIndexOf('extensions');
  return at > 0 ? (parts[at - 1] ?? '') : '';
}

/**
 * The manifest's permissions and site access. osquery re-serialises manifest.json with boost:
 * every value is a string and an empty list becomes "" (utils.cpp:948-974), so lists are read
 * leniently. Without a readable manifest, the `permissions` columns are what is left.
 */
function readManifest(row: OsqueryRow): Manifest {
  const fromColumns = { permissions: splitList(row.permissions), optionalPermissions: splitList(row.optional_permissions) };
  let manifest: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(row.manifest_json ?? '');
    if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
    manifest = parsed as Record<string, unknown>;
  } catch {
    return { ...fromColumns, hosts: [], optionalHosts: [] };
  }
  const contentScripts = list(manifest.content_scripts).flatMap((script) =>
    script && typeof script === 'object' ? strings((script as Record<string, unknown>).matches) : [],
  );
  return {
    permissions: unique([...fromColumns.permissions, ...strings(manifest.permissions)]),
    optionalPermissions: unique([...fromColumns.optionalPermissions, ...strings(manifest.optional_permissions)]),
    hosts: unique([...strings(manifest.host_permissions), ...contentScripts]),
    optionalHosts: strings(manifest.optional_host_permissions),
  };
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === 'string' && item !== '');
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** A match pattern (https://developer.chrome.com/docs/extensions/develop/concepts/match-patterns) rather than an API name. */
function isHostPattern(permission: string): boolean {
  return permission === '<all_urls>' || permission.includes('://');
}

/** A pattern whose host is any host: it matches every site. */
function isAllSites(pattern: string): boolean {
  if (pattern === '<all_urls>' || pattern === ALL_SITES) return true;
  const host = /^[^:]+:\/\/([^/]*)/.exec(pattern)?.[1];
  return host === '*';
}

function siteLabel(pattern: string): string {
  if (isAllSites(pattern)) return 'every site';
  const host = /^[^:]+:\/\/([^/]*)/.exec(pattern)?.[1];
  return host ?? pattern;
}

/** Extensions that can reach the owner's sites or data, or that came from outside a store. */
export const browserExtensionRisk: Classifier = (rows, context) =>
  describeExtensions(rows, { baseline: context.baseline }).flatMap((extension, index): Finding[] => {
    if (!extension.risk && !extension.note) return [];
    const row = rows[index]!;
    const { browser, name, identifier, version, user, profile, path, source, sites, enabled, known } = extension;
    return [
      {
        key: extensionKey(row),
        title: `${name || identifier} (${browser})${enabled === 'no' ? ' — disabled' : ''}`,
        reason: extension.risk || extension.note,
        detail: {
          browser,
          name,
          identifier,
          version,
          user,
          profile,
          source,
          permissions: extension.granted.join(', '),
          sites,
          'may request': extension.mayRequest.join(', '),
          enabled,
          known,
          path,
        },
        counted: extension.counted,
      },
    ];
  });
