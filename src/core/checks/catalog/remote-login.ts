import type { CheckDefinitionInput } from '../definition.js';
import { readable } from './sql.js';

const LAUNCHD_DISABLED = '/var/db/com.apple.xpc.launchd/disabled.plist';
const TERMINAL_SERVER = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';
const TERMINAL_SERVICES_POLICY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services';

/** A TCP listener on `port` that other machines can reach. */
const EXPOSED_TCP = (port: number) =>
  `SELECT 1 FROM process_open_sockets WHERE protocol = 6 AND state = 'LISTEN' AND local_port = ${port}
    AND local_address NOT LIKE '127.%' AND local_address NOT IN ('::1', '::ffff:127.0.0.1')`;

export const remoteLogin: CheckDefinitionInput = {
  id: 'remote-login',
  title: 'Remote login',
  description: 'Nobody can log in to this laptop over the network unless you chose that.',
  category: 'ssh',
  severity: 'medium',
  queries: {
    // sharing_preferences asks launchd whether com.openssh.sshd and screen sharing are enabled
    // (tables/system/darwin/sharing_preferences.cpp:60-89) and turns any failure into 0, which looks
    // like "off". launchd's own list of disabled services is readable, so Remote Login must be off
    // there too: a key set to false means enabled. Screen sharing is forced to 0 whenever Remote
    // Management is on (:60-67), so both are read. Fleet: remote-login-disabled.yml.
    darwin: {
      sql: `SELECT 1 FROM sharing_preferences WHERE remote_login = 0 AND remote_management = 0 AND screen_sharing = 0
  AND NOT EXISTS (SELECT 1 FROM plist WHERE path = '${LAUNCHD_DISABLED}' AND key = 'com.openssh.sshd' AND value IN ('0', 'false'))`,
      preconditions: [{ sql: readable(LAUNCHD_DISABLED), reason: 'osquery could not read launchd’s list of disabled services to confirm Remote Login’s state' }],
      visibility: 'osquery asks launchd which sharing services are on, as you; it cannot see their sockets, which belong to the system.',
    },
    // As a user, sshd's socket has pid -1 (its /proc/<pid>/fd is root's); the port, systemd's units
    // (socket-activated ssh.socket on Ubuntu 22.10 and later) and the process name still tell.
    linux: {
      sql: `SELECT 1 WHERE NOT EXISTS (${EXPOSED_TCP(22)})
  AND NOT EXISTS (SELECT 1 FROM systemd_units WHERE id IN ('ssh.service', 'sshd.service', 'ssh.socket', 'sshd.socket') AND active_state = 'active')
  AND NOT EXISTS (SELECT 1 FROM processes WHERE name = 'sshd')`,
      preconditions: [
        { sql: 'SELECT 1 FROM process_open_sockets WHERE pid = (SELECT pid FROM osquery_info) LIMIT 1', reason: 'osquery could not list this computer’s sockets' },
      ],
      visibility: 'osquery sees the SSH port, systemd’s units and process names as you, though not which program owns a system socket.',
    },
    // Remote Desktop is fDenyTSConnections = 0 (a policy value wins); Home editions have no RDP host
    // and keep it at 1. OpenSSH Server is the sshd service. The registry and services are readable
    // by standard users (registry.cpp:228-236, services.cpp:163-213), but a service with hardened
    // rights drops silently from the list (:208-213), so services Windows always has must show.
    // Fleet: it-and-security/lib/windows/policies/remote-desktop-disabled.yml.
    windows: {
      sql: `SELECT 1 WHERE COALESCE(
    (SELECT data FROM registry WHERE key = '${TERMINAL_SERVICES_POLICY}' AND lower(name) = 'fdenytsconnections'),
    (SELECT data FROM registry WHERE key = '${TERMINAL_SERVER}' AND lower(name) = 'fdenytsconnections')) = '1'
  AND NOT EXISTS (SELECT 1 FROM services WHERE name = 'sshd' AND (status = 'RUNNING' OR start_type = 'AUTO_START'))
  AND NOT EXISTS (${EXPOSED_TCP(3389)})
  AND NOT EXISTS (${EXPOSED_TCP(22)})`,
      preconditions: [
        {
          sql: `SELECT 1 FROM registry WHERE key = '${TERMINAL_SERVER}' AND lower(name) = 'fdenytsconnections'`,
          reason: 'osquery could not read whether Remote Desktop is allowed',
        },
        {
          sql: "SELECT 1 WHERE (SELECT count(*) FROM services WHERE name IN ('RpcSs', 'Dnscache', 'LanmanWorkstation')) = 3",
          reason: 'osquery could not read the list of Windows services as you',
        },
      ],
      visibility: 'osquery reads the Remote Desktop setting, the services and the listening ports as you.',
    },
  },
  evaluation: {
    kind: 'policy',
    passSummary: 'Remote login is off',
    failSummary: 'Remote login (SSH, remote desktop or screen sharing) is on',
  },
  remediation: {
    summary: 'Turn remote login off unless you use it; if you do, use keys and a firewall.',
    steps: {
      darwin: ['Open System Settings → General → Sharing and turn off Remote Login, Remote Management and Screen Sharing.'],
      linux: ['If you do not use SSH: `sudo systemctl disable --now ssh ssh.socket` (or sshd).'],
      windows: ['Open Settings → System → Remote Desktop and turn it off; stop the OpenSSH Server service if unused.'],
    },
    links: {
      darwin: [{ label: 'Open Sharing settings', url: 'x-apple.systempreferences:com.apple.Sharing-Settings.extension' }],
      windows: [{ label: 'Open Remote Desktop settings', url: 'ms-settings:remotedesktop' }],
    },
  },
};
