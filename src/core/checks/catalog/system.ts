import type { CheckDefinitionInput } from '../definition.js';
import { readableOrAbsent } from './sql.js';

const SECURE_BOOT_STATE = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecureBoot\\State';

export const secureBoot: CheckDefinitionInput = {
  id: 'secure-boot',
  title: 'Secure Boot',
  description: 'The firmware starts only a trusted operating system.',
  category: 'system',
  severity: 'medium',
  queries: {
    // tables/system/darwin/secureboot.mm: Apple silicon reads SPiBridgeDataType ("Full" and
    // "Reduced Security" are secure_boot 1, "Permissive" 0: :180-237); an Intel Mac without a T2
    // chip has no such NVRAM variable and gets a row of NULLs (:163-168).
    darwin: {
      sql: 'SELECT 1 FROM secureboot WHERE secure_boot = 1',
      preconditions: [{ sql: 'SELECT 1 FROM secureboot WHERE secure_boot IN (0, 1)', reason: 'this Mac does not report Secure Boot (an Intel Mac without a T2 chip has none)' }],
      visibility: 'osquery reads the startup security setting as you.',
    },
    // tables/system/linux/secureboot.cpp:21-99: efivarfs files are world-readable (created 0644),
    // so a user reads the real value; no row on legacy BIOS, NULL or -1 when unreadable.
    linux: {
      sql: 'SELECT 1 FROM secureboot WHERE secure_boot = 1',
      preconditions: [
        { sql: 'SELECT 1 FROM secureboot WHERE secure_boot IN (0, 1)', reason: 'the firmware does not report Secure Boot (legacy BIOS, or EFI variables not mounted)' },
      ],
      visibility: 'osquery reads the firmware’s Secure Boot variable, which every user may read.',
    },
    // The secureboot table needs SeSystemEnvironmentPrivilege, which standard users lack: on UEFI
    // it returns one row of -1 (tables/system/windows/secureboot.cpp:66-159). Windows records the
    // state in the registry, readable by users, as Fleet's policy reads it
    // (it-and-security/lib/windows/policies/secure-boot-enabled.yml). 0 also means Setup Mode.
    windows: {
      sql: `SELECT 1 FROM registry WHERE key = '${SECURE_BOOT_STATE}' AND lower(name) = 'uefisecurebootenabled' AND data = '1'
UNION ALL SELECT 1 FROM secureboot WHERE secure_boot = 1`,
      preconditions: [
        {
          sql: `SELECT 1 FROM registry WHERE key = '${SECURE_BOOT_STATE}' AND lower(name) = 'uefisecurebootenabled' AND data IN ('0', '1')
UNION ALL SELECT 1 FROM secureboot WHERE secure_boot IN (0, 1)`,
          reason: 'Windows did not say whether Secure Boot is on (a PC that starts in legacy BIOS mode has none)',
        },
      ],
      visibility: 'osquery reads the Secure Boot state Windows records in the registry; the firmware itself answers only administrators.',
    },
  },
  evaluation: { kind: 'policy', passSummary: 'Secure Boot is on', failSummary: 'Secure Boot is off' },
  remediation: {
    summary: 'Turn Secure Boot on in the firmware settings.',
    steps: {
      darwin: ['Start up in macOS Recovery, open Startup Security Utility and choose Full Security.'],
      linux: ['Reboot into the UEFI firmware settings and enable Secure Boot (your distribution must be signed).'],
      windows: ['Reboot into the UEFI firmware settings and enable Secure Boot.'],
    },
  },
};

export const systemIntegrityProtection: CheckDefinitionInput = {
  id: 'system-integrity-protection',
  title: 'System Integrity Protection',
  description: 'macOS protects its own files from changes, even by administrators.',
  category: 'system',
  severity: 'high',
  queries: {
    // sip_config (tables/system/darwin/sip_config.cpp:98-150) uses csr_get_active_config(), which
    // any user may call; flags it does not know leave `enabled` NULL (:121-133). Fleet: sip-enabled.yml.
    darwin: {
      sql: "SELECT 1 FROM sip_config WHERE config_flag = 'sip' AND enabled = 1",
      preconditions: [{ sql: "SELECT 1 FROM sip_config WHERE config_flag = 'sip' AND enabled IN (0, 1)", reason: 'osquery could not read SIP’s configuration' }],
      visibility: 'osquery reads SIP’s state as you.',
    },
  },
  evaluation: { kind: 'policy', passSummary: 'SIP is on', failSummary: 'SIP is off' },
  remediation: {
    summary: 'Turn SIP back on from macOS Recovery.',
    steps: { darwin: ['Start up in macOS Recovery, open Terminal and run `csrutil enable`, then restart.'] },
  },
};

/**
 * gatekeeper (tables/system/darwin/gatekeeper.cpp) reads SystemPolicy's prefs through the plist
 * table and reports "enabled" when it got nothing (:97-101), which is also what an unreadable file
 * gives; `version` is set only when gke.bundle's version.plist was read (:118-135). macOS 15 moved
 * the files under /var/db/SystemPolicyConfiguration (fixed in osquery 5.23.0, PR #8831).
 */
const GATEKEEPER_PREFS = ['/var/db/SystemPolicyConfiguration/SystemPolicy-prefs.plist', '/var/db/SystemPolicy-prefs.plist'];

export const gatekeeper: CheckDefinitionInput = {
  id: 'gatekeeper',
  title: 'Gatekeeper',
  description: 'macOS checks apps before opening them.',
  category: 'system',
  severity: 'high',
  queries: {
    darwin: {
      sql: 'SELECT 1 FROM gatekeeper WHERE assessments_enabled = 1',
      preconditions: [
        {
          sql: `SELECT 1 FROM gatekeeper WHERE version != '' AND ${GATEKEEPER_PREFS.map(readableOrAbsent).join(' AND ')}`,
          reason: 'osquery could not read Gatekeeper’s settings',
        },
      ],
      visibility: 'osquery reads Gatekeeper’s settings files as you.',
    },
  },
  evaluation: { kind: 'policy', passSummary: 'Gatekeeper is on', failSummary: 'Gatekeeper is off' },
  remediation: {
    summary: 'Turn Gatekeeper back on.',
    steps: { darwin: ['Run `sudo spctl --master-enable` in Terminal.', 'In System Settings → Privacy & Security, allow apps from the App Store and identified developers.'] },
  },
};
