import type { CheckDefinitionInput } from './definition.js';

const NEEDS_ADMIN_DISKS = 'osquery returns no disk rows without administrator rights';

const LOOPBACK_FILTER = "l.address NOT IN ('127.0.0.1', '::1') AND l.address NOT LIKE '127.%'";

/** Browser tables are per user: with no user rows osquery sees no browser at all. */
const USERS_VISIBLE = { sql: 'SELECT 1 FROM users LIMIT 1', reason: 'osquery sees no user accounts, so no browsers' };

const SOCKETS_VISIBLE = {
  sql: 'SELECT 1 FROM listening_ports LIMIT 1',
  reason: 'osquery lists no listening sockets; it may lack the rights to see them',
};

/** Chromium-family extensions (every browser_type) for every user osquery can see. */
const CHROMIUM_EXTENSIONS = `SELECT c.browser_type AS browser, c.uid, u.username, c.profile, c.identifier, c.name, c.version,
  c.permissions, c.optional_permissions,
  CASE WHEN c.from_webstore = 'false' THEN '0' ELSE '1' END AS from_store,
  CASE WHEN c.state = '0' THEN '0' ELSE '1' END AS enabled, c.path
FROM users u JOIN chrome_extensions c USING (uid)`;

const FIREFOX_EXTENSIONS = `SELECT 'firefox', f.uid, u.username, '', f.identifier, f.name, f.version, '', '',
  CASE WHEN f.source_url LIKE 'https://addons.mozilla.org/%' OR f.location LIKE 'app-builtin%' OR f.location = 'app-system-defaults'
    THEN '1' ELSE '0' END,
  CASE WHEN f.active = 1 AND f.disabled = 0 THEN '1' ELSE '0' END, f.path
FROM users u JOIN firefox_addons f USING (uid) WHERE f.type = 'extension'`;

const SAFARI_EXTENSIONS = `SELECT 'safari', s.uid, u.username, '', s.identifier, s.name, s.version, '', '', '1', '1', s.path
FROM users u JOIN safari_extensions s USING (uid)`;

/** Every listening TCP/UDP socket, with its process when osquery can see it (pid -1 otherwise). */
export const ALL_LISTENERS = `SELECT l.pid, l.port, l.protocol, l.family, l.address,
  COALESCE(p.name, '') AS process_name, COALESCE(p.path, '') AS process_path
FROM listening_ports l LEFT JOIN processes p ON p.pid = l.pid
WHERE l.port > 0 AND l.protocol IN (6, 17)`;

const EXPOSED_LISTENERS = `${ALL_LISTENERS} AND ${LOOPBACK_FILTER}`;

/**
 * The built-in checks. Each is data: SQL per platform, how rows are judged, and what to do.
 * Every query is validated against osquery's schema for each platform it names (catalog tests).
 */
export const BUILTIN_CHECKS: CheckDefinitionInput[] = [
  {
    id: 'disk-encryption',
    title: 'Disk encryption',
    description: 'Your startup disk is encrypted, so a lost or stolen laptop does not give away your files.',
    category: 'encryption',
    severity: 'critical',
    queries: {
      darwin: {
        sql: "SELECT 1 FROM disk_encryption WHERE user_uuid != '' AND filevault_status = 'on' LIMIT 1",
        precondition: { sql: 'SELECT 1 FROM disk_encryption LIMIT 1', reason: 'osquery could not read FileVault status' },
      },
      linux: {
        sql: `WITH RECURSIVE chain(name, depth) AS (
  SELECT CASE WHEN device_alias != '' THEN device_alias ELSE device END, 0 FROM mounts WHERE path = '/'
  UNION
  SELECT b.parent, c.depth + 1 FROM block_devices b JOIN chain c ON b.name = c.name
  WHERE b.parent != '' AND c.depth < 8
)
SELECT 1 FROM chain c JOIN disk_encryption d ON d.name = c.name WHERE d.encrypted = 1 LIMIT 1`,
        precondition: { sql: 'SELECT 1 FROM disk_encryption LIMIT 1', reason: NEEDS_ADMIN_DISKS },
      },
      windows: {
        sql: "SELECT 1 FROM bitlocker_info WHERE drive_letter = 'C:' AND protection_status = 1",
        precondition: {
          sql: 'SELECT 1 FROM bitlocker_info LIMIT 1',
          reason: 'osquery reads BitLocker status only with administrator rights',
        },
      },
    },
    evaluation: {
      kind: 'policy',
      passSummary: 'The startup disk is encrypted',
      failSummary: 'The startup disk is not encrypted',
    },
    requires: ['administrator'],
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
  },
  {
    id: 'browser-extensions',
    title: 'Browser extensions',
    description: 'Extensions that can read every page, your cookies or your browsing, or that came from outside a store.',
    category: 'browser',
    severity: 'high',
    queries: {
      darwin: { sql: [CHROMIUM_EXTENSIONS, FIREFOX_EXTENSIONS, SAFARI_EXTENSIONS].join('\nUNION ALL\n'), precondition: USERS_VISIBLE },
      linux: { sql: [CHROMIUM_EXTENSIONS, FIREFOX_EXTENSIONS].join('\nUNION ALL\n'), precondition: USERS_VISIBLE },
      windows: { sql: [CHROMIUM_EXTENSIONS, FIREFOX_EXTENSIONS].join('\nUNION ALL\n'), precondition: USERS_VISIBLE },
    },
    evaluation: {
      kind: 'findings',
      key: ['browser', 'uid', 'profile', 'identifier'],
      title: '{name} ({browser})',
      classifier: 'browser-extension-risk',
    },
    remediation: {
      summary: 'Remove extensions you do not use or do not recognise; an extension with access to all sites sees everything you do.',
      steps: {
        darwin: ['Chrome/Edge/Brave: open the menu → Extensions → Manage Extensions, and Remove the extension.', 'Firefox: menu → Add-ons and themes → Extensions.', 'Safari: Settings → Extensions.'],
        linux: ['Chrome/Chromium/Edge/Brave: open the menu → Extensions → Manage Extensions, and Remove the extension.', 'Firefox: menu → Add-ons and themes → Extensions.'],
        windows: ['Chrome/Edge/Brave: open the menu → Extensions → Manage Extensions, and Remove the extension.', 'Firefox: menu → Add-ons and themes → Extensions.'],
      },
    },
  },
  {
    id: 'listening-ports',
    title: 'Services open to the network',
    description: 'Programs that accept connections from other machines on your network.',
    category: 'network',
    severity: 'high',
    queries: {
      darwin: { sql: EXPOSED_LISTENERS, precondition: SOCKETS_VISIBLE },
      linux: { sql: EXPOSED_LISTENERS, precondition: SOCKETS_VISIBLE },
      windows: { sql: EXPOSED_LISTENERS, precondition: SOCKETS_VISIBLE },
    },
    evaluation: {
      kind: 'findings',
      key: ['protocol', 'address', 'port', 'process_path'],
      title: '{process_name} on port {port}',
      classifier: 'exposed-listener',
    },
    remediation: {
      summary: 'Turn off sharing services you do not use, or allow the ones you expect in Porchlight’s settings.',
      steps: {
        darwin: ['Open System Settings → General → Sharing and turn off what you do not use.', 'Quit development servers bound to all interfaces, or bind them to 127.0.0.1.'],
        linux: ['Stop and disable services you do not need: `sudo systemctl disable --now NAME`.', 'Bind development servers to 127.0.0.1 instead of 0.0.0.0.'],
        windows: ['Open Settings → Apps and remove programs you do not use.', 'Check Windows Defender Firewall → Allowed apps.'],
      },
      links: {
        darwin: [{ label: 'Open Sharing settings', url: 'x-apple.systempreferences:com.apple.Sharing-Settings.extension' }],
        windows: [{ label: 'Open Firewall settings', url: 'ms-settings:windowsdefender' }],
      },
    },
  },
  {
    id: 'firewall',
    title: 'Firewall',
    description: 'A firewall blocks unexpected incoming connections.',
    category: 'network',
    severity: 'high',
    queries: {
      darwin: { sql: 'SELECT 1 FROM alf WHERE global_state >= 1' },
      windows: { sql: "SELECT 1 FROM windows_security_center WHERE firewall = 'Good'" },
      linux: {
        sql: `SELECT 1 FROM systemd_units WHERE id IN ('ufw.service', 'firewalld.service', 'nftables.service') AND active_state = 'active'
UNION SELECT 1 FROM iptables WHERE chain = 'INPUT' AND policy IN ('DROP', 'REJECT')`,
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
  },
  {
    id: 'screen-lock',
    title: 'Screen lock',
    description: 'The screen locks and asks for your password soon after you step away.',
    category: 'system',
    severity: 'medium',
    queries: {
      darwin: {
        sql: 'SELECT 1 FROM screenlock WHERE enabled = 1 AND grace_period <= 300',
        precondition: { sql: 'SELECT 1 FROM screenlock', reason: 'osquery reads screen lock settings only for a logged-in user' },
      },
      windows: {
        sql: "SELECT 1 FROM registry WHERE key LIKE 'HKEY_USERS\\%\\Control Panel\\Desktop' AND name = 'ScreenSaverIsSecure' AND data = '1'",
      },
    },
    evaluation: {
      kind: 'policy',
      passSummary: 'The screen locks within 5 minutes and needs a password',
      failSummary: 'The screen does not lock with a password soon enough',
    },
    remediation: {
      summary: 'Require your password within 5 minutes of the screen saver or sleep.',
      steps: {
        darwin: ['Open System Settings → Lock Screen.', 'Set "Require password after screen saver begins or display is turned off" to 5 minutes or less.'],
        windows: ['Open Settings → Personalization → Lock screen → Screen saver.', 'Tick "On resume, display logon screen".'],
      },
      links: {
        darwin: [{ label: 'Open Lock Screen settings', url: 'x-apple.systempreferences:com.apple.Lock-Screen-Settings.extension' }],
        windows: [{ label: 'Open Lock screen settings', url: 'ms-settings:lockscreen' }],
      },
    },
  },
  {
    id: 'automatic-updates',
    title: 'Automatic updates',
    description: 'Security updates install without you having to remember.',
    category: 'updates',
    severity: 'high',
    queries: {
      darwin: {
        sql: "SELECT 1 FROM plist WHERE path = '/Library/Preferences/com.apple.SoftwareUpdate.plist' AND key = 'AutomaticCheckEnabled' AND value = '1'",
      },
      windows: { sql: "SELECT 1 FROM windows_security_center WHERE autoupdate = 'Good'" },
      linux: {
        sql: `SELECT 1 FROM systemd_units
WHERE id IN ('unattended-upgrades.service', 'apt-daily-upgrade.timer', 'dnf-automatic.timer', 'dnf-automatic-install.timer', 'packagekit-offline-update.service')
  AND active_state = 'active'`,
      },
    },
    evaluation: {
      kind: 'policy',
      passSummary: 'Updates are checked and installed automatically',
      failSummary: 'Automatic updates are off',
    },
    remediation: {
      summary: 'Let the system install security updates by itself.',
      steps: {
        darwin: ['Open System Settings → General → Software Update → Automatic Updates and turn everything on.'],
        windows: ['Open Settings → Windows Update → Advanced options and keep automatic updates on.'],
        linux: ['Debian/Ubuntu: `sudo apt install unattended-upgrades`. Fedora: `sudo dnf install dnf-automatic && sudo systemctl enable --now dnf-automatic-install.timer`.'],
      },
      links: {
        darwin: [{ label: 'Open Software Update', url: 'x-apple.systempreferences:com.apple.Software-Update-Settings.extension' }],
        windows: [{ label: 'Open Windows Update', url: 'ms-settings:windowsupdate' }],
      },
    },
  },
  {
    id: 'remote-login',
    title: 'Remote login',
    description: 'Nobody can log in to this laptop over the network unless you chose that.',
    category: 'ssh',
    severity: 'medium',
    queries: {
      darwin: { sql: 'SELECT 1 FROM sharing_preferences WHERE remote_login = 0 AND remote_management = 0' },
      linux: {
        sql: `SELECT 1 WHERE NOT EXISTS (
  SELECT 1 FROM listening_ports l LEFT JOIN processes p ON p.pid = l.pid
  WHERE (l.port = 22 OR p.name = 'sshd') AND l.protocol = 6 AND ${LOOPBACK_FILTER}
)`,
      },
      windows: {
        sql: "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM services WHERE name IN ('sshd', 'TermService') AND status = 'RUNNING')",
      },
    },
    evaluation: {
      kind: 'policy',
      passSummary: 'Remote login is off',
      failSummary: 'Remote login (SSH or remote desktop) is on',
    },
    remediation: {
      summary: 'Turn remote login off unless you use it; if you do, use keys and a firewall.',
      steps: {
        darwin: ['Open System Settings → General → Sharing and turn off Remote Login and Remote Management.'],
        linux: ['If you do not use SSH: `sudo systemctl disable --now ssh` (or sshd).'],
        windows: ['Open Settings → System → Remote Desktop and turn it off; stop the OpenSSH Server service if unused.'],
      },
      links: {
        darwin: [{ label: 'Open Sharing settings', url: 'x-apple.systempreferences:com.apple.Sharing-Settings.extension' }],
        windows: [{ label: 'Open Remote Desktop settings', url: 'ms-settings:remotedesktop' }],
      },
    },
  },
  {
    id: 'secure-boot',
    title: 'Secure Boot',
    description: 'The firmware starts only a trusted operating system.',
    category: 'system',
    severity: 'medium',
    queries: {
      darwin: {
        sql: 'SELECT 1 FROM secureboot WHERE secure_boot = 1',
        precondition: { sql: 'SELECT 1 FROM secureboot', reason: 'this Mac does not report Secure Boot to osquery' },
      },
      linux: {
        sql: 'SELECT 1 FROM secureboot WHERE secure_boot = 1',
        precondition: { sql: 'SELECT 1 FROM secureboot', reason: 'the firmware does not report Secure Boot (legacy BIOS, or no rights to read EFI variables)' },
      },
      windows: {
        sql: 'SELECT 1 FROM secureboot WHERE secure_boot = 1',
        precondition: { sql: 'SELECT 1 FROM secureboot', reason: 'osquery reads Secure Boot state only with administrator rights' },
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
  },
  {
    id: 'system-integrity-protection',
    title: 'System Integrity Protection',
    description: 'macOS protects its own files from changes, even by administrators.',
    category: 'system',
    severity: 'high',
    queries: { darwin: { sql: "SELECT 1 FROM sip_config WHERE config_flag = 'sip' AND enabled = 1" } },
    evaluation: { kind: 'policy', passSummary: 'SIP is on', failSummary: 'SIP is off' },
    remediation: {
      summary: 'Turn SIP back on from macOS Recovery.',
      steps: { darwin: ['Start up in macOS Recovery, open Terminal and run `csrutil enable`, then restart.'] },
    },
  },
  {
    id: 'gatekeeper',
    title: 'Gatekeeper',
    description: 'macOS checks apps before opening them.',
    category: 'system',
    severity: 'high',
    queries: { darwin: { sql: 'SELECT 1 FROM gatekeeper WHERE assessments_enabled = 1' } },
    evaluation: { kind: 'policy', passSummary: 'Gatekeeper is on', failSummary: 'Gatekeeper is off' },
    remediation: {
      summary: 'Turn Gatekeeper back on.',
      steps: { darwin: ['Run `sudo spctl --master-enable` in Terminal.', 'In System Settings → Privacy & Security, allow apps from the App Store and identified developers.'] },
    },
  },
  {
    id: 'administrator-accounts',
    title: 'Administrator accounts',
    description: 'Accounts that can change anything on this laptop. Acknowledge the ones you expect.',
    category: 'accounts',
    severity: 'low',
    queries: {
      darwin: {
        sql: "SELECT u.uid, u.username FROM users u JOIN user_groups ug ON ug.uid = u.uid JOIN groups g ON g.gid = ug.gid WHERE g.groupname = 'admin' AND u.uid >= 500",
      },
      linux: {
        sql: "SELECT u.uid, u.username FROM users u JOIN user_groups ug ON ug.uid = u.uid JOIN groups g ON g.gid = ug.gid WHERE g.groupname IN ('sudo', 'wheel', 'admin') AND u.uid >= 1000",
      },
      windows: {
        sql: "SELECT u.uid, u.username FROM users u JOIN user_groups ug ON ug.uid = u.uid JOIN groups g ON g.gid = ug.gid WHERE g.groupname = 'Administrators'",
      },
    },
    evaluation: { kind: 'findings', key: ['username'], title: '{username} is an administrator' },
    remediation: {
      summary: 'Use a standard account day to day; keep administrator rights for the people who need them.',
      steps: {
        darwin: ['Open System Settings → Users & Groups and turn off "Allow this user to administer this computer" for accounts that do not need it.'],
        linux: ['Remove a user from the sudo group: `sudo deluser USER sudo` (or `gpasswd -d USER wheel`).'],
        windows: ['Open Settings → Accounts → Other users, choose the account and change its type to Standard User.'],
      },
    },
  },
  {
    id: 'new-suid-binaries',
    title: 'New set-user-ID programs',
    description: 'Programs that run with their owner’s rights, added since Porchlight’s first scan.',
    category: 'system',
    severity: 'high',
    queries: {
      darwin: { sql: 'SELECT path, username, groupname, permissions FROM suid_bin' },
      linux: { sql: 'SELECT path, username, groupname, permissions FROM suid_bin' },
    },
    evaluation: { kind: 'findings', key: ['path'], title: '{path} runs as {username}', baseline: true },
    remediation: {
      summary: 'If you did not install it, remove the set-user-ID bit or the program, and check how it got there.',
      steps: {
        darwin: ['Check the file: `ls -l PATH`; if unexpected, `sudo chmod u-s PATH`.'],
        linux: ['Check which package owns it: `dpkg -S PATH` or `rpm -qf PATH`; if none, `sudo chmod u-s PATH`.'],
      },
    },
  },
  {
    id: 'ssh-keys-without-passphrase',
    title: 'SSH keys without a passphrase',
    description: 'A private SSH key without a passphrase lets anyone who copies the file use it.',
    category: 'ssh',
    severity: 'medium',
    queries: {
      darwin: { sql: 'SELECT u.username, k.path, k.key_type FROM users u JOIN user_ssh_keys k USING (uid) WHERE k.encrypted = 0' },
      linux: { sql: 'SELECT u.username, k.path, k.key_type FROM users u JOIN user_ssh_keys k USING (uid) WHERE k.encrypted = 0' },
      windows: { sql: 'SELECT u.username, k.path, k.key_type FROM users u JOIN user_ssh_keys k USING (uid) WHERE k.encrypted = 0' },
    },
    evaluation: { kind: 'findings', key: ['path'], title: '{path} has no passphrase' },
    remediation: {
      summary: 'Add a passphrase to the key; an SSH agent remembers it for you.',
      steps: {
        darwin: ['Run `ssh-keygen -p -f PATH` and choose a passphrase.'],
        linux: ['Run `ssh-keygen -p -f PATH` and choose a passphrase.'],
        windows: ['Run `ssh-keygen -p -f PATH` in PowerShell and choose a passphrase.'],
      },
    },
  },
  {
    id: 'authorized-ssh-keys',
    title: 'Authorized SSH keys',
    description: 'Keys that can log in to this laptop over SSH. Acknowledge the ones you expect.',
    category: 'ssh',
    severity: 'medium',
    queries: {
      darwin: { sql: 'SELECT u.username, a.key_file, a.algorithm, a.comment, a.key FROM users u JOIN authorized_keys a USING (uid)' },
      linux: { sql: 'SELECT u.username, a.key_file, a.algorithm, a.comment, a.key FROM users u JOIN authorized_keys a USING (uid)' },
    },
    evaluation: { kind: 'findings', key: ['key_file', 'algorithm', 'key'], title: '{algorithm} key "{comment}" may log in as {username}' },
    remediation: {
      summary: 'Remove keys you do not recognise from the authorized_keys file.',
      steps: {
        darwin: ['Edit the file named in the finding (usually ~/.ssh/authorized_keys) and delete the key’s line.'],
        linux: ['Edit the file named in the finding (usually ~/.ssh/authorized_keys) and delete the key’s line.'],
      },
    },
  },
];
