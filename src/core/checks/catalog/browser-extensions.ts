import type { CheckDefinitionInput } from '../definition.js';
import { OWN_UID, readable } from './sql.js';

const USERNAME = (uid: string) => `COALESCE((SELECT username FROM users WHERE uid = ${uid} LIMIT 1), '')`;

/**
 * Chromium-family extensions of the user osqueryd runs as: with no uid constraint the table reads
 * only that user's profiles (osquery/tables/system/system_utils.cpp:44-46). `referenced = 0` is a
 * folder the profile no longer lists (an old version or a leftover, utils.cpp:830): not installed.
 * `manifest_json` is hidden, so it is named; it carries MV3's host_permissions, which the
 * `permissions` column never does (utils.cpp:151-167). Chrome's id is `referenced_identifier`;
 * `identifier` is computed from the manifest's key and is empty for unpacked builds.
 */
const CHROMIUM = `SELECT c.browser_type AS browser, c.uid, ${USERNAME('c.uid')} AS username, c.profile, c.profile_path,
  CASE WHEN c.referenced_identifier != '' THEN c.referenced_identifier ELSE c.identifier END AS identifier,
  c.name, c.version, c.permissions, c.optional_permissions, c.manifest_json, c.from_webstore, c.update_url, c.state, c.path,
  '' AS source_url, '' AS location, '' AS active
FROM chrome_extensions c WHERE c.referenced = 1`;

/**
 * Firefox add-ons of that user (browser_firefox.cpp:183-210). Mozilla's own built-ins live in the
 * app-builtin and app-system-* locations; `visible` picks the copy Firefox uses when one id is
 * installed in several places. osquery gives no permissions for Firefox add-ons.
 */
const FIREFOX = `SELECT 'firefox', f.uid, ${USERNAME('f.uid')}, '', '', f.identifier, f.name, f.version, '', '', '', '', '', '', f.path,
  f.source_url, f.location, f.active
FROM firefox_addons f
WHERE f.type = 'extension' AND f.visible = 1
  AND f.location NOT IN ('app-builtin', 'app-system-defaults', 'app-system-addons', 'app-system-profile')`;

const EXTENSIONS = `${CHROMIUM}\nUNION ALL\n${FIREFOX}`;

/** The browser tables find profiles in the home of osqueryd's user, looked up in `users`. */
const OWNER_KNOWN = {
  sql: `SELECT 1 FROM users WHERE uid = ${OWN_UID}`,
  reason: 'osquery cannot find your account among this computer’s users (a network or systemd-homed account), so it cannot find your browsers',
};

const VISIBILITY = 'osquery reads your own browser profiles; other people’s accounts on this computer are not visible to it as you.';

export const browserExtensions: CheckDefinitionInput = {
  id: 'browser-extensions',
  title: 'Browser extensions',
  description: 'Extensions that can read every site you visit or your cookies, that came from outside a store, or that are new.',
  category: 'browser',
  severity: 'high',
  queries: {
    darwin: { sql: EXTENSIONS, preconditions: [OWNER_KNOWN], visibility: `${VISIBILITY} Safari has its own check.` },
    linux: { sql: EXTENSIONS, preconditions: [OWNER_KNOWN], visibility: VISIBILITY },
    windows: { sql: EXTENSIONS, preconditions: [OWNER_KNOWN], visibility: VISIBILITY },
  },
  evaluation: {
    kind: 'findings',
    key: ['browser', 'uid', 'profile', 'identifier'],
    title: '{name} ({browser})',
    classifier: 'browser-extension-risk',
    baseline: true,
  },
  remediation: {
    summary: 'Remove extensions you do not use or do not recognise; an extension with access to every site sees everything you do there.',
    steps: {
      darwin: ['Chrome/Edge/Brave: open the menu → Extensions → Manage Extensions, and Remove the extension.', 'Firefox: menu → Add-ons and themes → Extensions.'],
      linux: ['Chrome/Chromium/Edge/Brave: open the menu → Extensions → Manage Extensions, and Remove the extension.', 'Firefox: menu → Add-ons and themes → Extensions.'],
      windows: ['Chrome/Edge/Brave: open the menu → Extensions → Manage Extensions, and Remove the extension.', 'Firefox: menu → Add-ons and themes → Extensions.'],
    },
  },
};

/**
 * macOS's Safari keeps the list of enabled extensions in its container, which TCC lets only apps
 * with Full Disk Access read; without it `safari_extensions` silently returns no rows
 * (specs/darwin/safari_extensions.table; osquery/tables/applications/darwin/browser_plugins.cpp:253-368).
 * The system TCC database is readable exactly when Full Disk Access was given (to Porchlight.app,
 * which osqueryd, its child, inherits), so reading it tells whether the answer can be trusted.
 * osquery gives no permissions for Safari extensions: the check tracks new ones.
 */
export const safariExtensions: CheckDefinitionInput = {
  id: 'safari-extensions',
  title: 'Safari extensions',
  description: 'Safari extensions added since Porchlight’s first scan: each one should be something you installed.',
  category: 'browser',
  severity: 'medium',
  queries: {
    darwin: {
      sql: `SELECT identifier, name, version, uid, 'added since Porchlight’s first scan; check that you installed it' AS reason FROM safari_extensions`,
      preconditions: [
        {
          sql: readable('/Library/Application Support/com.apple.TCC/TCC.db'),
          reason: 'Safari keeps its extensions where only apps with Full Disk Access may look; give Porchlight Full Disk Access, then quit and reopen it',
        },
      ],
      visibility: 'osquery sees Safari’s extensions only when Porchlight has Full Disk Access.',
      requires: ['full_disk_access'],
      selfCheck: { steps: ['Open Safari → Settings → Extensions.'] },
    },
  },
  evaluation: { kind: 'findings', key: ['identifier'], title: '{name} (Safari)', baseline: true },
  remediation: {
    summary: 'Remove Safari extensions you do not recognise. To let Porchlight see them, give it Full Disk Access.',
    steps: {
      darwin: [
        'Safari → Settings → Extensions: untick or uninstall the extension.',
        'For this check to work: System Settings → Privacy & Security → Full Disk Access, turn on Porchlight, then quit and reopen Porchlight.',
      ],
    },
    links: {
      darwin: [{ label: 'Open Full Disk Access settings', url: 'x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles' }],
    },
  },
};
