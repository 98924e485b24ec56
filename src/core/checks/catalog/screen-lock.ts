import type { CheckDefinitionInput } from '../definition.js';

const DESKTOP = 'HKEY_CURRENT_USER\\Control Panel\\Desktop';
const DESKTOP_POLICY = 'HKEY_CURRENT_USER\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop';
const SYSTEM_POLICY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System';
/** "Require a password when a computer wakes" (ADMX ACPromptForPasswordOnResume_2 / DC…): 0 turns it off. */
const WAKE_PASSWORD_POLICY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Power\\PowerSettings\\0e796bdb-100d-47d6-a2d5-f7d2daa51f51';

/**
 * Windows locks in three ways: an inactivity limit (policy InactivityTimeoutSecs, unset on home
 * PCs), a password-protected screen saver (only with SCRNSAVE.EXE set), and sign-in on wake, which
 * is on unless a policy or "Require sign-in: Never" (DelayLockInterval 0xFFFFFFFF, which osquery
 * prints as -1: registry.cpp:385-386) turns it off. A default Windows 10/11 laptop has only the last:
 * the screen turns off and the PC sleeps after the power plan's minutes, and waking asks for sign-in.
 * Fleet's policies read only InactivityTimeoutSecs and so fail every default PC. osqueryd runs as
 * the owner, so HKEY_CURRENT_USER is theirs (registry.cpp:57,228). Policy values win over the user's.
 */
const WINDOWS_LOCK = `WITH desktop AS (
  SELECT lower(name) AS name, data, 1 AS policy FROM registry WHERE key = '${DESKTOP_POLICY}'
  UNION ALL
  SELECT lower(name), data, 0 FROM registry WHERE key = '${DESKTOP}'
),
effective AS (
  SELECT name, (SELECT d.data FROM desktop d WHERE d.name = names.name ORDER BY d.policy DESC LIMIT 1) AS data
  FROM (SELECT DISTINCT name FROM desktop) names
)
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM registry WHERE key = '${SYSTEM_POLICY}' AND lower(name) = 'inactivitytimeoutsecs' AND CAST(data AS INTEGER) BETWEEN 1 AND 900)
    THEN 'it locks after a few minutes without use (policy)'
  WHEN COALESCE((SELECT data FROM effective WHERE name = 'scrnsave.exe'), '') != ''
    AND (SELECT data FROM effective WHERE name = 'screensaveactive') = '1'
    AND (SELECT data FROM effective WHERE name = 'screensaverissecure') = '1'
    AND CAST((SELECT data FROM effective WHERE name = 'screensavetimeout') AS INTEGER) BETWEEN 1 AND 900
    THEN 'a password-protected screen saver starts within 15 minutes'
  ELSE 'Windows asks for sign-in when it wakes from sleep, as it does by default'
END AS detail
WHERE NOT EXISTS (SELECT 1 FROM registry WHERE key = '${WAKE_PASSWORD_POLICY}' AND lower(name) IN ('acsettingindex', 'dcsettingindex') AND data = '0')
  AND COALESCE((SELECT data FROM effective WHERE name = 'delaylockinterval'), '') != '-1'`;

export const screenLock: CheckDefinitionInput = {
  id: 'screen-lock',
  title: 'Screen lock',
  description: 'The screen locks and asks for your password soon after you step away.',
  category: 'system',
  severity: 'medium',
  queries: {
    // screenlock asks MobileKeyBag for the current user's grace period (tables/system/darwin/screenlock.mm:25-87):
    // it answers only inside the user's GUI session (no row as root or without one); grace_period
    // is seconds, 0 meaning at once. Fleet's policies read MDM profiles only.
    darwin: {
      sql: 'SELECT 1 FROM screenlock WHERE enabled = 1 AND grace_period BETWEEN 0 AND 300',
      preconditions: [{ sql: 'SELECT 1 FROM screenlock', reason: 'osquery reads screen lock settings only inside your logged-in desktop session' }],
      visibility: 'osquery reads your own screen lock setting; it needs your desktop session, not administrator rights.',
    },
    windows: {
      sql: WINDOWS_LOCK,
      preconditions: [
        { sql: `SELECT 1 FROM registry WHERE key = '${DESKTOP}' LIMIT 1`, reason: 'osquery could not read your desktop settings in the registry' },
      ],
      visibility: 'osquery reads your lock settings and the machine’s lock policies from the registry as you.',
    },
  },
  evaluation: {
    kind: 'policy',
    passSummary: 'The screen locks with a password when you step away',
    failSummary: 'The screen does not lock with a password soon enough',
  },
  remediation: {
    summary: 'Require your password within 5 minutes of the screen saver or sleep.',
    steps: {
      darwin: ['Open System Settings → Lock Screen.', 'Set "Require password after screen saver begins or display is turned off" to 5 minutes or less.'],
      windows: [
        'Open Settings → Accounts → Sign-in options and set "If you’ve been away, when should Windows require you to sign in again?" to "When PC wakes up from sleep".',
        'Open Settings → System → Power & battery → Screen and sleep, and choose a few minutes.',
      ],
    },
    links: {
      darwin: [{ label: 'Open Lock Screen settings', url: 'x-apple.systempreferences:com.apple.Lock-Screen-Settings.extension' }],
      windows: [{ label: 'Open Sign-in options', url: 'ms-settings:signinoptions' }],
    },
  },
};
