import type { CheckDefinitionInput } from '../definition.js';

const FIREWALL_POLICY = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';
const FIREWALL_GPO = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall';

/**
 * Windows' three firewall profiles, each the Group Policy value when one is set and the local
 * one otherwise (MS-FASP 2.2.38). Registry value names are matched with lower(): osquery compares
 * `name` case-sensitively (specs/windows/registry.table), and Windows does not.
 */
const WINDOWS_PROFILES = `profiles(profile, local_key, policy_key) AS (
  VALUES ('Domain', '${FIREWALL_POLICY}\\DomainProfile', '${FIREWALL_GPO}\\DomainProfile'),
         ('Private', '${FIREWALL_POLICY}\\StandardProfile', '${FIREWALL_GPO}\\PrivateProfile'),
         ('Public', '${FIREWALL_POLICY}\\PublicProfile', '${FIREWALL_GPO}\\PublicProfile')
),
effective AS (
  SELECT profile,
    (SELECT data FROM registry WHERE key = policy_key AND lower(name) = 'enablefirewall') AS policy,
    (SELECT data FROM registry WHERE key = local_key AND lower(name) = 'enablefirewall') AS local
  FROM profiles
)`;

/**
 * ufw writes `ENABLED=yes` into /etc/ufw/ufw.conf on `ufw enable` and `ENABLED=no` on disable
 * (ufw src/backend.py); ufw.service is a oneshot that stays "active" either way, since ufw-init
 * skips loading rules when not enabled and still exits 0 (src/ufw-init-functions). No augeas lens
 * osquery ships reads that file, and `iptables` returns nothing without CAP_NET_ADMIN
 * (tables/networking/linux/iptables.cpp:149-168), so the file's own words, read with yara_file, say it.
 */
export const UFW_ENABLED_RULE =
  'rule ufw_enabled { strings: $line = "\\nENABLED=yes" $first = "ENABLED=yes" $LINE = "\\nENABLED=YES" $FIRST = "ENABLED=YES" condition: $line or $LINE or $first at 0 or $FIRST at 0 }';
/** nftables.service only loads /etc/nftables.conf; the distributions' default file accepts everything. */
export const NFTABLES_DROP_RULE = 'rule nftables_drop { strings: $drop = "policy drop" condition: $drop }';

const yara = (path: string, rule: string) => `SELECT matches FROM yara_file WHERE path = '${path}' AND sigrule = '${rule}'`;

export const firewall: CheckDefinitionInput = {
  id: 'firewall',
  title: 'Firewall',
  description: 'A firewall blocks unexpected incoming connections.',
  category: 'network',
  severity: 'high',
  queries: {
    // alf (tables/system/darwin/firewall.mm): /Library/Preferences/com.apple.alf.plist up to macOS
    // 14, SPFirewallDataType from macOS 15 (:72-165), which pushes a row with a NULL global_state
    // when it cannot tell. 1 = on, 2 = block all. Fleet: it-and-security/lib/macos/policies/firewall-enabled.yml.
    darwin: {
      sql: 'SELECT 1 FROM alf WHERE global_state IN (1, 2)',
      preconditions: [{ sql: 'SELECT 1 FROM alf WHERE global_state IN (0, 1, 2)', reason: 'osquery could not read the firewall’s state' }],
      visibility: 'osquery reads the firewall’s state as you.',
    },
    // windows_security_center asks wscapi (windows_security_center.cpp:30-61): "Good" only with all
    // three profiles on (or another firewall product registered), "Poor" when one is off. When the
    // Security Center does not say, the registry's profile settings decide.
    windows: {
      sql: `WITH ${WINDOWS_PROFILES}
SELECT 1 WHERE (SELECT firewall FROM windows_security_center) = 'Good'
  OR (COALESCE((SELECT firewall FROM windows_security_center), '') != 'Poor'
      AND NOT EXISTS (SELECT 1 FROM effective WHERE COALESCE(policy, local, '') != '1'))`,
      preconditions: [
        {
          sql: `WITH ${WINDOWS_PROFILES}
SELECT 1 WHERE (SELECT firewall FROM windows_security_center) IN ('Good', 'Poor')
  OR NOT EXISTS (SELECT 1 FROM effective WHERE COALESCE(policy, local) IS NULL)`,
          reason: 'neither Windows Security nor the firewall’s settings told osquery whether the firewall is on',
        },
      ],
      visibility: 'osquery reads Windows Security’s verdict and the firewall settings as you.',
    },
    linux: {
      sql: `SELECT 'ufw' AS detail WHERE (${yara('/etc/ufw/ufw.conf', UFW_ENABLED_RULE)}) = 'ufw_enabled'
  AND EXISTS (SELECT 1 FROM systemd_units WHERE id = 'ufw.service' AND active_state = 'active')
UNION ALL
SELECT 'firewalld' FROM systemd_units WHERE id = 'firewalld.service' AND active_state = 'active' AND sub_state = 'running'
UNION ALL
SELECT 'nftables' WHERE (${yara('/etc/nftables.conf', NFTABLES_DROP_RULE)}) = 'nftables_drop'
  AND EXISTS (SELECT 1 FROM systemd_units WHERE id = 'nftables.service' AND active_state = 'active')`,
      preconditions: [
        // systemd_units asks systemd over the system bus (systemd_units.cpp:34-52), which any user may.
        { sql: 'SELECT 1 FROM systemd_units LIMIT 1', reason: 'osquery could not ask systemd which services run' },
        {
          sql: `SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM file WHERE path = '/etc/ufw/ufw.conf')
  OR EXISTS (${yara('/etc/ufw/ufw.conf', UFW_ENABLED_RULE)})`,
          reason: 'osquery could not read /etc/ufw/ufw.conf to see whether ufw is enabled',
        },
      ],
      visibility: 'As you, osquery cannot read the firewall’s rules; it reads whether ufw is enabled in its settings file and whether firewalld runs.',
    },
  },
  evaluation: { kind: 'policy', passSummary: 'The firewall is on', failSummary: 'No firewall is on' },
  remediation: {
    summary: 'Turn on the firewall that comes with your system.',
    steps: {
      darwin: ['Open System Settings → Network → Firewall and turn it on.'],
      windows: ['Open Windows Security → Firewall & network protection and turn on the firewall for each network.'],
      linux: ['Ubuntu: `sudo ufw enable`. Fedora: `sudo systemctl enable --now firewalld`.'],
    },
    links: {
      darwin: [{ label: 'Open Firewall settings', url: 'x-apple.systempreferences:com.apple.Network-Settings.extension?Firewall' }],
      windows: [{ label: 'Open Windows Security', url: 'windowsdefender://network' }],
    },
  },
};
