import type { CheckDefinitionInput } from '../definition.js';

/**
 * macOS: FileVault protects the Data volume (/System/Volumes/Data since 10.15). In
 * osquery/tables/system/darwin/disk_encryption.mm:279-366, filevault_status becomes 'on' or 'off'
 * once DiskManagement answered and stays 'unknown' when a call failed; `encrypted` is 1 on every
 * T2 and Apple Silicon volume whether FileVault is on or not, so only filevault_status answers.
 * user_uuid lags the SecureToken after setup (Fleet PR #45928 dropped it from Fleet's policy), so
 * it is not required. The name join makes osquery ask about that one volume only (:468-483).
 */
const DATA_VOLUME = `FROM mounts m JOIN disk_encryption d ON d.name = m.device WHERE m.path = '/System/Volumes/Data'`;

/**
 * Linux: `disk_encryption` returns no rows unless osqueryd is root
 * (osquery/tables/system/linux/disk_encryption.cpp:111-114), and block_devices' type/uuid come from
 * opening the device node, empty for a user since 5.19 (utils/linux/block_device/block_device_enumeration.cpp:141-165).
 * What a user can read: the root mount's device (`device_alias` is its realpath, /dev/dm-N:
 * filesystem/linux/mounts.cpp:72-76), each block device's parent from sysfs (a dm device's first
 * slave: block_device_enumeration.cpp:43-75), and udev's /dev/disk/by-id/dm-uuid-* links, whose
 * names carry the device-mapper UUID cryptsetup gave the mapping (CRYPT-LUKS2-<uuid>-<name>) and
 * whose target the `file` table reads as raw link text, '../../dm-0' (tables/utility/file.cpp:392-396).
 * Only LUKS counts: CRYPT-VERITY and CRYPT-INTEGRITY mappings protect integrity, not secrecy.
 */
const LINUX_ROOT_CHAIN = `WITH RECURSIVE
root_device(name) AS (
  SELECT device_alias FROM mounts WHERE path = '/' AND device_alias LIKE '/dev/%' LIMIT 1
),
chain(name, depth) AS (
  SELECT name, 0 FROM root_device
  UNION
  SELECT b.parent, c.depth + 1 FROM block_devices b JOIN chain c ON b.name = c.name
  WHERE b.parent != '' AND c.depth < 8
),
mapped(name, uuid) AS (
  SELECT '/dev/' || replace(symlink_target_path, '../../', ''), substr(filename, 9) FROM file
  WHERE path LIKE '/dev/disk/by-id/dm-uuid-%' AND symlink = 1
)`;

export const diskEncryption: CheckDefinitionInput = {
  id: 'disk-encryption',
  title: 'Disk encryption',
  description: 'Your startup disk is encrypted, so a lost or stolen laptop does not give away your files.',
  category: 'encryption',
  severity: 'critical',
  queries: {
    darwin: {
      sql: `SELECT 1 ${DATA_VOLUME} AND d.filevault_status = 'on'`,
      preconditions: [
        { sql: `SELECT 1 ${DATA_VOLUME} AND d.filevault_status IN ('on', 'off')`, reason: 'osquery could not read FileVault’s state for the startup disk' },
      ],
      visibility: 'osquery reads FileVault’s state as you; it needs no administrator rights.',
      selfCheck: { steps: ['Open System Settings → Privacy & Security and look under FileVault.'] },
    },
    linux: {
      sql: `${LINUX_ROOT_CHAIN}
SELECT 1 FROM chain c JOIN mapped m ON m.name = c.name WHERE m.uuid LIKE 'CRYPT-LUKS1-%' OR m.uuid LIKE 'CRYPT-LUKS2-%' LIMIT 1`,
      preconditions: [
        {
          sql: "SELECT 1 FROM mounts WHERE path = '/' AND device_alias LIKE '/dev/%'",
          reason: 'the root filesystem is not on a disk device osquery can follow (ZFS, an overlay or an image), and its encryption is hidden without administrator rights',
        },
        {
          sql: `${LINUX_ROOT_CHAIN}
SELECT 1 WHERE (SELECT count(*) FROM chain WHERE name LIKE '/dev/dm-%') = (SELECT count(DISTINCT c.name) FROM chain c JOIN mapped m ON m.name = c.name)`,
          reason: 'a device-mapper layer under the root filesystem has no /dev/disk/by-id link, so osquery cannot tell what it is without administrator rights',
        },
      ],
      visibility:
        'As you, osquery cannot ask the disks themselves; it follows the root filesystem down to its disk and reads the LUKS mappings udev names in /dev/disk/by-id.',
      selfCheck: {
        steps: ['Run `lsblk -o NAME,TYPE,MOUNTPOINTS` in a terminal: the line for / should sit under one of TYPE "crypt".'],
        confirmation: 'The root filesystem is encrypted',
      },
    },
    windows: {
      // bitlocker_info asks WMI's root\CIMV2\Security\MicrosoftVolumeEncryption, which only
      // administrators may read; for anyone else it returns no rows (bitlocker_info.cpp:47-54), and
      // no other table a standard user can read says whether C: is protected. Fleet's policy
      // (it-and-security/lib/windows/policies/bitlocker-enabled.yml) assumes osquery runs as SYSTEM.
      sql: "SELECT 1 FROM bitlocker_info WHERE upper(drive_letter) = 'C:' AND protection_status = 1",
      preconditions: [
        {
          sql: "SELECT 1 FROM bitlocker_info WHERE upper(drive_letter) = 'C:' AND protection_status IN (0, 1)",
          reason: 'osquery reads BitLocker’s state only with administrator rights, and Porchlight runs osquery as you',
        },
      ],
      visibility: 'Windows shows BitLocker’s state only to administrators, so osquery running as you cannot see it.',
      requires: ['administrator'],
      selfCheck: {
        steps: [
          'Open Settings → Privacy & security → Device encryption (Windows Home), or Control Panel → System and Security → BitLocker Drive Encryption.',
          'Or open File Explorer → This PC: drive C: shows a padlock when BitLocker protects it.',
        ],
        confirmation: 'BitLocker (Device encryption) protects drive C:',
      },
    },
  },
  evaluation: {
    kind: 'policy',
    passSummary: 'The startup disk is encrypted',
    failSummary: 'The startup disk is not encrypted',
  },
  remediation: {
    summary: 'Turn on full-disk encryption and keep the recovery key somewhere safe, away from the laptop.',
    steps: {
      darwin: ['Open System Settings → Privacy & Security.', 'Under FileVault, click Turn On and follow the steps.'],
      windows: ['Open Settings → Privacy & security → Device encryption (or BitLocker in Control Panel).', 'Turn it on for drive C: and save the recovery key.'],
      linux: ['Disk encryption (LUKS) is chosen when Linux is installed.', 'Back up your files, then reinstall with "Encrypt the new installation" selected.'],
    },
    links: {
      darwin: [{ label: 'Open FileVault settings', url: 'x-apple.systempreferences:com.apple.preference.security?FileVault' }],
      windows: [{ label: 'Open Device encryption', url: 'ms-settings:deviceencryption' }],
    },
  },
};
