import type { CheckDefinitionInput } from '../definition.js';

/**
 * Listening sockets from process_open_sockets, not listening_ports: listening_ports keeps every
 * inet socket with no remote port (osquery/tables/networking/listening_ports.cpp:33-37), so it
 * also lists unix and packet sockets, TCP sockets in other states and every client UDP socket; on
 * Windows it compares the family with Linux's AF_INET6 (10, line 17) where Windows says 23, so
 * every IPv6 connection shows as "listening". Here: TCP in LISTEN, UDP bound with no peer.
 * The columns are what listeners.ts judges.
 */
const LISTENERS = (family6: number, extra: { services: string; socket: string; from: string }) =>
  `SELECT s.pid, s.local_port AS port, s.protocol, s.family, s.local_address AS address,
  COALESCE(p.name, '') AS process_name, COALESCE(p.path, '') AS process_path, ${extra.services} AS services, ${extra.socket} AS socket
FROM process_open_sockets s LEFT JOIN processes p ON p.pid = s.pid${extra.from}
WHERE s.family IN (2, ${family6}) AND s.local_port > 0
  AND ((s.protocol = 6 AND s.state = 'LISTEN') OR (s.protocol = 17 AND s.remote_port = 0))`;

/** osqueryd's own extension socket is listed whenever osquery can list sockets at all. */
const OWN_SOCKET_VISIBLE = {
  sql: 'SELECT 1 FROM process_open_sockets WHERE pid = (SELECT pid FROM osquery_info) LIMIT 1',
  reason: 'osquery could not list this computer’s sockets',
};

export const listeningPorts: CheckDefinitionInput = {
  id: 'listening-ports',
  title: 'Services open to the network',
  description: 'Programs that accept connections from other machines on your network.',
  category: 'network',
  severity: 'high',
  queries: {
    // Linux (tables/networking/linux/process_open_sockets.cpp): every host socket is listed, but a
    // socket of another user's process has pid -1 (its /proc/<pid>/fd is unreadable), and each
    // appears twice, under net namespace 0 and the user's own (lines 82-135): `socket` is the inode
    // that tells the copies apart.
    linux: {
      sql: LISTENERS(10, { services: "''", socket: 's.socket', from: '' }),
      preconditions: [OWN_SOCKET_VISIBLE],
      visibility: 'osquery sees every socket, but not which program owns one started by another account (system services show as "unknown process").',
    },
    // macOS (tables/system/darwin/process_open_descriptors.cpp): the kernel answers proc_pidfdinfo
    // only for the caller's own processes (xnu bsd/kern/proc_info.c, CHECK_SAME_USER), so as a user
    // osquery sees the sockets of your programs only.
    darwin: {
      sql: LISTENERS(10, { services: "''", socket: "''", from: '' }),
      preconditions: [OWN_SOCKET_VISIBLE],
      visibility:
        'As you, osquery sees only your own programs’ sockets; Remote Login, Screen Sharing and File Sharing run as other accounts, so the Remote login check covers them.',
    },
    // Windows (tables/networking/windows/process_open_sockets.cpp:236-293): GetExtendedTcpTable and
    // GetExtendedUdpTable give every socket with its pid to any user; the services table says which
    // services a svchost process hosts (services.cpp:130).
    windows: {
      sql: `WITH hosted AS (SELECT pid, group_concat(name, ', ') AS names FROM services WHERE status = 'RUNNING' AND pid > 4 GROUP BY pid)
${LISTENERS(23, { services: "COALESCE(h.names, '')", socket: "''", from: ' LEFT JOIN hosted h ON h.pid = s.pid' })}`,
      preconditions: [
        {
          // The RPC endpoint mapper listens on every Windows; missing, the list cannot be trusted.
          sql: "SELECT 1 FROM process_open_sockets WHERE protocol = 6 AND local_port = 135 AND state = 'LISTEN'",
          reason: 'osquery did not list Windows’ own RPC listener (port 135), so its list of sockets cannot be trusted',
        },
      ],
      visibility: 'osquery sees every socket and its program’s name; the paths of system programs are hidden from a standard user.',
    },
  },
  evaluation: {
    kind: 'findings',
    key: ['protocol', 'port', 'process_path'],
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
};
