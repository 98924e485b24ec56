import type { OsqueryRow } from '../osquery/extension-socket-client.js';
import type { Platform } from '../platform.js';
import type { Classifier, Finding, ListenerAllowRule } from './classifiers.js';

/**
 * Listening sockets judged the way a careful person would: a TCP listener other machines can
 * reach is worth a look; UDP only on ports where a server answers (a bound UDP socket is usually a
 * client, or a discovery protocol every OS runs); the OS's own services are shown, not counted;
 * and ports the OS hands out at random never go into a finding's key, so a finding survives a
 * restart of the program that owns it.
 *
 * Rows come from the listening-ports check's query (see catalog/listening-ports.ts):
 * pid, port, protocol, family, address, process_name, process_path, services, socket.
 */

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp' };

/**
 * Ports the OS picks for sockets bound to port 0. Linux: net.ipv4.ip_local_port_range defaults
 * to 32768–60999 (kernel Documentation/networking/ip-sysctl). macOS: IPPORT_HIFIRSTAUTO 49152 to
 * IPPORT_HILASTAUTO 65535 (xnu bsd/netinet/in.h). Windows Vista and later: 49152–65535 (Microsoft
 * KB 832017, "dynamic port range").
 */
const DYNAMIC_PORTS: Record<Platform, [number, number]> = { linux: [32768, 60999], darwin: [49152, 65535], windows: [49152, 65535] };

/**
 * UDP ports where something answers requests from the network (a server), as opposed to the
 * bound sockets of clients and of discovery protocols (mDNS 5353, LLMNR 5355, DHCP client 68…),
 * which osquery also lists because a bound, unconnected UDP socket has no remote port
 * (osquery/tables/networking/listening_ports.cpp:33-37 keeps every one).
 */
const UDP_SERVER_PORTS = new Set([
  53, // DNS server
  67, // DHCP server
  69, // TFTP
  111, // rpcbind (NFS)
  123, // NTP server
  137, // NetBIOS name service (Samba's nmbd)
  138, // NetBIOS datagrams
  161, // SNMP
  162, // SNMP traps
  500, // IKE (VPN server)
  514, // syslog
  520, // RIP
  631, // cups-browsed (CVE-2024-47176: it bound INADDR_ANY:631)
  1194, // OpenVPN
  1701, // L2TP
  1812, // RADIUS
  1813, // RADIUS accounting
  1900, // SSDP / UPnP server
  2049, // NFS
  3478, // STUN / TURN
  3702, // WS-Discovery host
  4500, // IKE NAT traversal
  5060, // SIP
  5349, // TURN over TLS
  5683, // CoAP
  41641, // Tailscale
  51820, // WireGuard
]);

interface SystemServiceRule {
  /** What the owner is told it is. */
  label: string;
  protocol: 'tcp' | 'udp';
  /** Fixed ports, or 'dynamic' for the OS's dynamic range (RPC endpoints, Continuity). */
  ports: readonly number[] | 'dynamic';
  /** Program names, lower case; a program osquery cannot name (pid -1) matches when `ownerMayBeHidden`. */
  processes: readonly string[];
  /** Where the program lives; a visible path elsewhere is not the OS's program, whatever its name. */
  directories: readonly string[];
  /** The listener belongs to another account, so osquery as this user cannot see which program it is. */
  ownerMayBeHidden?: boolean;
}

const WINDOWS_SYSTEM32 = ['c:\\windows\\system32\\'];

/**
 * Services every fresh install of an OS runs, so a listener that matches one is listed as
 * "system service" and not counted. Sources beside each list; the OS's own firewall profile
 * decides who may reach them.
 */
const SYSTEM_SERVICES: Record<Platform, readonly SystemServiceRule[]> = {
  // macOS: osqueryd as the user sees only the user's own processes' sockets (xnu proc_info.c
  // proc_security_policy with CHECK_SAME_USER), so these are the user-session agents of macOS.
  // chainguard-dev/osquery-defense-kit 2-unexpected-listening-port-macos.sql lists the same
  // (ControlCenter 5000/7000, rapportd on a dynamic port, sharingd 8770/8771).
  darwin: [
    { label: 'AirPlay Receiver', protocol: 'tcp', ports: [5000, 7000], processes: ['controlcenter'], directories: ['/System/Library/CoreServices/'] },
    { label: 'Continuity and Handoff', protocol: 'tcp', ports: 'dynamic', processes: ['rapportd'], directories: ['/usr/libexec/'] },
    { label: 'AirDrop and sharing', protocol: 'tcp', ports: [8770, 8771], processes: ['sharingd'], directories: ['/usr/libexec/'] },
  ],
  // Windows 10/11: Microsoft KB 832017 "Service overview and network port requirements", Delivery
  // Optimization docs (TCP 7680), and netstat listings of fresh installs. A standard user sees
  // every socket's pid, but not the path of SYSTEM's processes (processes.cpp:650-665).
  windows: [
    { label: 'File and printer sharing (SMB)', protocol: 'tcp', ports: [445], processes: ['system'], directories: [] },
    { label: 'NetBIOS over TCP/IP', protocol: 'tcp', ports: [139], processes: ['system'], directories: [] },
    { label: 'NetBIOS over TCP/IP', protocol: 'udp', ports: [137, 138], processes: ['system'], directories: [] },
    { label: 'Network discovery (WSD, UPnP)', protocol: 'tcp', ports: [5357, 5358, 2869], processes: ['system'], directories: [] },
    { label: 'RPC endpoint mapper', protocol: 'tcp', ports: [135], processes: ['svchost.exe'], directories: WINDOWS_SYSTEM32 },
    { label: 'Connected Devices Platform', protocol: 'tcp', ports: [5040], processes: ['svchost.exe'], directories: WINDOWS_SYSTEM32 },
    { label: 'Delivery Optimization', protocol: 'tcp', ports: [7680], processes: ['svchost.exe'], directories: WINDOWS_SYSTEM32 },
    { label: 'Delivery Optimization', protocol: 'udp', ports: [7680], processes: ['svchost.exe'], directories: WINDOWS_SYSTEM32 },
    {
      label: 'Windows RPC endpoint',
      protocol: 'tcp',
      ports: 'dynamic',
      processes: ['lsass.exe', 'wininit.exe', 'services.exe', 'spoolsv.exe', 'svchost.exe'],
      directories: WINDOWS_SYSTEM32,
    },
    {
      label: 'Windows network service (discovery, time, IKE)',
      protocol: 'udp',
      ports: [123, 500, 1900, 3702, 4500, 5050, 5353, 5355],
      processes: ['svchost.exe'],
      directories: WINDOWS_SYSTEM32,
    },
  ],
  // Linux desktops: root's services show as pid -1 to a user (process_open_sockets.cpp:149-151),
  // so only the port tells them apart. systemd-resolved answers LLMNR on 5355 when enabled
  // (resolved.conf LLMNR=); the UDP ones (avahi 5353, DHCP 68) are not server ports anyway.
  linux: [
    { label: 'LLMNR name resolution (systemd-resolved)', protocol: 'tcp', ports: [5355], processes: ['systemd-resolve'], directories: ['/usr/lib/systemd/', '/lib/systemd/'], ownerMayBeHidden: true },
  ],
};

export type ListenerJudgement = 'counted' | 'allowed' | 'system service' | 'this computer only' | 'client or discovery';

export interface ListeningPort {
  /** What to call it: the program's name (with the Windows services it hosts), or "unknown process" when osquery cannot see the owner (pid -1). */
  process: string;
  /** The program's own name, empty when osquery cannot see it. */
  program: string;
  path: string;
  pid: string;
  port: number;
  protocol: string;
  address: string;
  /** Windows services hosted by the program (svchost), when osquery names them. */
  services: string;
  /** Reachable from other machines. */
  exposed: boolean;
  /** Matched by the owner's allowlist. */
  allowed: boolean;
  /** How the listening-ports check counts it. */
  judgement: ListenerJudgement;
  /** What it is, when Porchlight knows (a system service's name). */
  note: string;
}

export interface ListenerContext {
  allowlist: ListenerAllowRule[];
  platform: Platform;
}

/** Every listening socket, deduplicated, each judged the way the listening-ports check judges it. */
export function describeListeners(rows: OsqueryRow[], context: ListenerContext): ListeningPort[] {
  return uniqueSockets(rows).map((row) => describeListener(row, context));
}

/**
 * On Linux as a normal user osquery lists every host socket twice (once under net namespace 0,
 * because /proc/1/ns/net is unreadable: osquery/filesystem/linux/proc.cpp:63-86 and
 * tables/networking/linux/process_open_sockets.cpp:82-135), with the same socket inode.
 */
function uniqueSockets(rows: OsqueryRow[]): OsqueryRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const inode = row.socket ?? '';
    const identity = inode !== '' && inode !== '0' ? `inode:${inode}` : [row.pid, row.protocol, row.address, row.port].join('|');
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}

function describeListener(row: OsqueryRow, context: ListenerContext): ListeningPort {
  const port = Number(row.port);
  const protocol = PROTOCOLS[row.protocol ?? ''] ?? `protocol ${row.protocol}`;
  const path = row.process_path ?? '';
  const name = row.process_name ?? '';
  const known = row.pid !== '-1' && name !== '';
  const address = row.address ?? '';
  const exposed = !isLocalOnly(address);
  const allowed = context.allowlist.some((rule) => allows(rule, path, port, context.platform));
  const system = systemService(context.platform, { pid: row.pid ?? '', name, path, port, protocol, known });
  const judgement: ListenerJudgement = !exposed
    ? 'this computer only'
    : system
      ? 'system service'
      : protocol === 'udp' && !UDP_SERVER_PORTS.has(port)
        ? 'client or discovery'
        : allowed
          ? 'allowed'
          : 'counted';
  const services = row.services ?? '';
  return {
    process: known ? (services ? `${name} (${services})` : name) : 'unknown process',
    program: known ? name : '',
    path,
    pid: row.pid ?? '',
    port,
    protocol,
    address,
    services,
    exposed,
    allowed,
    judgement,
    note: system?.label ?? '',
  };
}

function systemService(
  platform: Platform,
  socket: { pid: string; name: string; path: string; port: number; protocol: string; known: boolean },
): SystemServiceRule | undefined {
  const name = socket.name.toLowerCase();
  const path = platform === 'windows' ? socket.path.toLowerCase() : socket.path;
  return SYSTEM_SERVICES[platform].find((rule) => {
    if (rule.protocol !== socket.protocol) return false;
    if (rule.ports === 'dynamic' ? !isDynamic(platform, socket.port) : !rule.ports.includes(socket.port)) return false;
    if (!socket.known) return rule.ownerMayBeHidden === true;
    // The Windows kernel's "System" process is always pid 4.
    if (rule.processes.includes('system') && socket.pid !== '4') return false;
    if (!rule.processes.includes(name)) return false;
    const directories = platform === 'windows' ? rule.directories.map((d) => d.toLowerCase()) : rule.directories;
    return path === '' || directories.length === 0 || directories.some((directory) => path.startsWith(directory));
  });
}

function isDynamic(platform: Platform, port: number): boolean {
  const [first, last] = DYNAMIC_PORTS[platform];
  return port >= first && port <= last;
}

/** Loopback, link-local and multicast binds: nothing on another machine can connect to them. */
function isLocalOnly(address: string): boolean {
  const a = address.toLowerCase();
  return (
    a === '::1' ||
    a === 'localhost' ||
    a.startsWith('127.') ||
    a.startsWith('::ffff:127.') ||
    a.startsWith('fe80:') ||
    a.startsWith('169.254.') ||
    /^(22[4-9]|23\d)\./.test(a) ||
    a.startsWith('ff')
  );
}

function allows(rule: ListenerAllowRule, processPath: string, port: number, platform: Platform): boolean {
  if (rule.processPath === undefined && rule.port === undefined) return false;
  if (rule.processPath !== undefined) {
    const same = platform === 'windows' ? rule.processPath.toLowerCase() === processPath.toLowerCase() : rule.processPath === processPath;
    if (!same) return false;
  }
  if (rule.port !== undefined && rule.port !== port) return false;
  return true;
}

/**
 * Listeners other machines can reach that the owner has not allowed: TCP, and UDP on server
 * ports, minus the OS's own services. One finding per program and port; the same service on
 * IPv4 and IPv6, or on several addresses, is one finding. A port from the OS's dynamic range is
 * keyed as "dynamic", since it changes every time the program starts.
 */
export function exposedListenerFindings(rows: OsqueryRow[], context: ListenerContext): Finding[] {
  const findings = new Map<string, Finding>();
  for (const listener of describeListeners(rows, context)) {
    if (listener.judgement !== 'counted') continue;
    const { process, program, path, pid, port, protocol, address } = listener;
    const known = program !== '';
    // A server's well-known port (WireGuard's 51820) stays fixed even inside the dynamic range.
    const dynamic = isDynamic(context.platform, port) && !UDP_SERVER_PORTS.has(port);
    const key = [protocol, dynamic ? 'dynamic' : String(port), known ? path || program : 'unknown'].join('|');
    const previous = findings.get(key);
    if (previous) {
      const addresses = new Set(previous.detail.address!.split(', '));
      addresses.add(address);
      previous.detail.address = [...addresses].join(', ');
      continue;
    }
    const where = address === '' || address === '0.0.0.0' || address === '::' ? 'all interfaces' : address;
    findings.set(key, {
      key,
      title: dynamic
        ? `${process} listens on a changing ${protocol} port (now ${port}, ${where})`
        : `${process} listens on ${protocol} port ${port} (${where})`,
      reason: known
        ? 'reachable from other machines on the network'
        : 'reachable from other machines; it belongs to another account (usually a system service), and osquery needs administrator rights to see which program it is',
      detail: { process, path, pid, port: String(port), protocol, address },
      counted: true,
    });
  }
  return [...findings.values()];
}

export const exposedListener: Classifier = (rows, context) =>
  exposedListenerFindings(rows, { allowlist: context.listenerAllowlist, platform: context.platform });
