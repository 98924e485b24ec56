/**
 * Tables and columns that queries written for Fleet name but a plain osqueryd does not have, and
 * why: Fleet's agent (fleetd) loads an osquery extension with tables of its own, and some policies
 * use names osquery never had.
 */

/**
 * Tables of fleetd's osquery extension (fleetdm/fleet orbit/pkg/table/extension.go and
 * extension_{darwin,linux,windows}.go), which bundles tables from the macadmins extension and
 * Kolide's launcher as well. A plain osqueryd answers "no such table" for each.
 */
export const FLEETD_TABLES: ReadonlySet<string> = new Set([
  // every platform (extension.go; file_lines and google_chrome_profiles come from macadmins)
  'file_lines',
  'google_chrome_profiles',
  'puppet_info',
  'puppet_logs',
  'puppet_state',
  'sntp_request',
  'firefox_preferences',
  'cryptoinfo',
  'parse_json',
  'parse_jsonl',
  'parse_xml',
  'parse_ini',
  // macOS (extension_darwin.go)
  'icloud_private_relay',
  'user_login_settings',
  'pwd_policy',
  'csrutil_info',
  'nvram_info',
  'authdb',
  'pmset',
  'sudo_info',
  'software_update',
  'firmware_eficheck_integrity_check',
  'dscl',
  'apfs_volumes',
  'apfs_physical_stores',
  'corestorage_logical_volumes',
  'corestorage_logical_volume_families',
  'filevault_prk',
  'find_cmd',
  'filevault_users',
  'macos_profiles',
  'mdm',
  'munki_info',
  'munki_installs',
  'macos_rsr',
  'macadmins_unified_log',
  'airport_util',
  'apple_silicon_security_policy',
  'filevault_status',
  'firmwarepasswd',
  'ioreg',
  'profiles',
  'mdmclient',
  'parse_plist',
  // Linux (extension_linux.go)
  'cryptsetup_status',
  'gsettings',
  'gsettings_metadata',
  'xrdb',
  'xfconf',
  'falconctl_options',
  'falcon_kernel_check',
  'zfs_properties',
  'zpool_properties',
  // Windows (extension_windows.go)
  'mdm_bridge',
  'cis_audit',
]);

/** Table names osquery never had, with the table osquery has for the same data. */
export const OSQUERY_TABLE_FOR: Readonly<Record<string, string>> = {
  // Linux's sysctl(8) settings are osquery's system_controls (specs/posix/system_controls.table).
  sysctl: 'system_controls',
};

/** Columns osquery's table does not have, with osquery's column for the same value. */
export const OSQUERY_COLUMN_FOR: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // A unit's name ("ssh.service") is systemd_units.id (specs/linux/systemd_units.table).
  systemd_units: { name: 'id' },
  // A setting's value is current_value (and config_value, what sysctl.conf sets) (specs/posix/system_controls.table).
  system_controls: { value: 'current_value' },
};
