import type { CheckDefinitionInput } from '../definition.js';
import { readableOrAbsent } from './sql.js';

const SOFTWARE_UPDATE_PLIST = '/Library/Preferences/com.apple.SoftwareUpdate.plist';
const MANAGED_SOFTWARE_UPDATE_PLIST = '/Library/Managed Preferences/com.apple.SoftwareUpdate.plist';

/**
 * macOS: each Software Update setting is a profile's value (managed_policies, from /Library/Managed
 * Preferences: tables/system/darwin/managed_policies.cpp), else the Mac's own
 * (/Library/Preferences/com.apple.SoftwareUpdate.plist, world-readable; the `preferences` table
 * would only show the user's own domain as non-root, preferences.cpp:137-143), else absent, which
 * is how a Mac set up with the defaults leaves them, and the defaults are on. Checking alone is
 * not installing: the download, the macOS updates and the security responses
 * (CriticalUpdateInstall + ConfigDataInstall) must be on too. plist and managed_policies give
 * booleans as '1'/'0' (utils/darwin/plist.mm:46-68). Fleet's policies read managed_policies only,
 * and so fail every Mac without a profile.
 */
const MACOS_UPDATES = `WITH settings(setting) AS (
  VALUES ('AutomaticCheckEnabled'), ('AutomaticDownload'), ('AutomaticallyInstallMacOSUpdates'), ('CriticalUpdateInstall'), ('ConfigDataInstall')
),
effective AS (
  SELECT setting, COALESCE(
    (SELECT value FROM managed_policies WHERE domain = 'com.apple.SoftwareUpdate' AND name = setting AND username = '' LIMIT 1),
    (SELECT value FROM plist WHERE path = '${SOFTWARE_UPDATE_PLIST}' AND key = setting AND subkey = '' LIMIT 1),
    'absent') AS value
  FROM settings
)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM effective WHERE value NOT IN ('1', 'true', 'absent'))`;

/**
 * Debian/Ubuntu: apt's timers run whatever the settings say; apt.systemd.daily upgrades only when
 * APT::Periodic::Unattended-Upgrade is not 0 and APT::Periodic::Enable is not 0, and only with the
 * unattended-upgrades package (apt debian/apt.systemd.daily:355-402,494). The settings are read
 * through osquery's augeas table with the AptConf lens osquery ships (augeas 1.12.0
 * lenses/aptconf.aug: /etc/apt/apt.conf and apt.conf.d/*): apt reads apt.conf.d in name order, then
 * apt.conf, and the last value wins; it skips names with a dot not ending in .conf (apt.conf(5)).
 * Fedora: dnf-automatic-install.timer installs; dnf(5)-automatic.timer only when automatic.conf's
 * apply_updates says so (dnf5-automatic(8); augeas' IniFile-based Yum lens reads it).
 */
const LINUX_UPDATES = `WITH apt AS (
  SELECT label, value, path FROM augeas
  WHERE (node LIKE '/files/etc/apt/apt.conf.d/%/APT/Periodic/%' OR node LIKE '/files/etc/apt/apt.conf/APT/Periodic/%')
    AND (path NOT LIKE '/etc/apt/apt.conf.d/%.%' OR path LIKE '%.conf')
),
periodic(setting, value) AS (
  SELECT label, (SELECT a.value FROM apt a WHERE a.label = names.label ORDER BY a.path = '/etc/apt/apt.conf' DESC, a.path DESC LIMIT 1)
  FROM (SELECT DISTINCT label FROM apt) names
)
SELECT 'unattended-upgrades' AS detail
WHERE EXISTS (SELECT 1 FROM deb_packages WHERE name = 'unattended-upgrades' AND status = 'install ok installed')
  AND COALESCE((SELECT value FROM periodic WHERE setting = 'Unattended-Upgrade'), '0') NOT IN ('0', '')
  AND COALESCE((SELECT value FROM periodic WHERE setting = 'Enable'), '1') != '0'
UNION ALL
SELECT 'dnf-automatic' FROM systemd_units WHERE id = 'dnf-automatic-install.timer' AND active_state = 'active'
UNION ALL
SELECT 'dnf-automatic' FROM systemd_units WHERE id IN ('dnf-automatic.timer', 'dnf5-automatic.timer') AND active_state = 'active'
  AND EXISTS (SELECT 1 FROM augeas WHERE path = '/etc/dnf/automatic.conf' AND label = 'apply_updates' AND lower(value) IN ('yes', 'true', '1', 'on'))`;

const WINDOWS_UPDATE_POLICY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU';

export const automaticUpdates: CheckDefinitionInput = {
  id: 'automatic-updates',
  title: 'Automatic updates',
  description: 'Security updates install without you having to remember.',
  category: 'updates',
  severity: 'high',
  queries: {
    darwin: {
      sql: MACOS_UPDATES,
      preconditions: [
        {
          sql: `SELECT 1 WHERE ${readableOrAbsent(SOFTWARE_UPDATE_PLIST)} AND ${readableOrAbsent(MANAGED_SOFTWARE_UPDATE_PLIST)}`,
          reason: 'osquery could not read Software Update’s settings',
        },
      ],
      visibility: 'osquery reads Software Update’s settings, and any a management profile sets, as you.',
    },
    linux: {
      sql: LINUX_UPDATES,
      preconditions: [
        // With no lenses where --augeas_lenses points, every augeas query is silently empty
        // (tables/system/posix/augeas.cpp:122-143, AUG_NO_STDINC); /etc/hosts always parses.
        { sql: "SELECT 1 FROM augeas WHERE path = '/etc/hosts' LIMIT 1", reason: 'osquery’s configuration readers (augeas lenses) are missing, so it cannot read apt’s or dnf’s settings' },
      ],
      visibility: 'osquery reads apt’s and dnf’s settings and the installed packages as you.',
    },
    // services reads the Service Control Manager, which standard users may enumerate
    // (tables/system/windows/services.cpp:163-213); windows_security_center's "autoupdate" is
    // itself derived from those two services (windows_security_center.cpp:63-104). Updates are off
    // when a policy says NoAutoUpdate=1, or only notify (AUOptions 2) or download (3), or when a
    // service is disabled. Fleet: it-and-security/lib/windows/policies/automatic-updates-enabled.yml.
    windows: {
      sql: `SELECT 1 WHERE NOT EXISTS (
    SELECT 1 FROM registry WHERE key = '${WINDOWS_UPDATE_POLICY}'
      AND ((lower(name) = 'noautoupdate' AND data = '1') OR (lower(name) = 'auoptions' AND data IN ('2', '3'))))
  AND NOT EXISTS (SELECT 1 FROM services WHERE name IN ('wuauserv', 'UsoSvc') AND start_type = 'DISABLED')`,
      preconditions: [
        {
          sql: "SELECT 1 WHERE (SELECT count(*) FROM services WHERE name IN ('wuauserv', 'UsoSvc')) = 2",
          reason: 'osquery could not read the Windows Update services as you',
        },
      ],
      visibility: 'osquery reads the Windows Update services and update policies as you.',
    },
  },
  evaluation: {
    kind: 'policy',
    passSummary: 'Updates are installed automatically',
    failSummary: 'Updates are not installed automatically',
  },
  remediation: {
    summary: 'Let the system install security updates by itself.',
    steps: {
      darwin: ['Open System Settings → General → Software Update → Automatic Updates and turn everything on.'],
      windows: ['Open Settings → Windows Update → Advanced options and keep automatic updates on.'],
      linux: [
        'Debian/Ubuntu: `sudo apt install unattended-upgrades && sudo dpkg-reconfigure -plow unattended-upgrades` and answer Yes.',
        'Fedora: `sudo dnf install dnf-automatic && sudo systemctl enable --now dnf-automatic-install.timer`.',
      ],
    },
    links: {
      darwin: [{ label: 'Open Software Update', url: 'x-apple.systempreferences:com.apple.Software-Update-Settings.extension' }],
      windows: [{ label: 'Open Windows Update', url: 'ms-settings:windowsupdate' }],
    },
  },
};
