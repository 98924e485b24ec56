import net from 'node:net';

/** An address alerts may not go to, and why. */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

export interface CheckedEndpoint {
  url: URL;
  /** Set for plain http: what the owner accepts by using it. */
  warning: string | null;
}

/** Where plain http stays: this computer, and the private ranges of a home or office network. */
const OWN_NETWORK = new net.BlockList();
for (const [prefix, bits] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
] as const) {
  OWN_NETWORK.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  OWN_NETWORK.addSubnet(prefix, bits, 'ipv6');
}

/**
 * Checks an alert destination: https anywhere, or http only to this computer or an address of a
 * private network (given as an IP address, since a name could resolve elsewhere later), with a
 * warning. Credentials never go in the URL, which is kept in config.json.
 */
export function checkEndpoint(raw: string): CheckedEndpoint {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new EndpointError(`"${raw.slice(0, 200)}" is not a URL; give one like https://ntfy.sh/your-topic`);
  }
  if (url.username || url.password) {
    throw new EndpointError('put credentials in a token or secret file, not in the URL (the URL is kept in config.json)');
  }
  url.hash = '';
  if (url.protocol === 'https:') return { url, warning: null };
  if (url.protocol !== 'http:') throw new EndpointError(`alerts go over https (or http inside your own network), not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = net.isIP(host);
  const own = host === 'localhost' || (family !== 0 && OWN_NETWORK.check(host, family === 6 ? 'ipv6' : 'ipv4'));
  if (!own) {
    throw new EndpointError(
      `plain http to ${url.host} would cross the internet unencrypted; use https, or http only to this computer or a private address such as 192.168.1.10`,
    );
  }
  return { url, warning: `${url.origin} is plain http: alerts (and any token) cross the network unencrypted, readable by anyone on it` };
}

/** ntfy's topic names (its server's topicRegex). */
const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

/** An ntfy topic's address, `https://ntfy.sh/your-topic`: the server (a reverse proxy may add a path) and the topic. */
export function checkNtfyTopicUrl(raw: string): CheckedEndpoint & { server: string; topic: string } {
  const checked = checkEndpoint(raw);
  const { url } = checked;
  if (url.search) throw new EndpointError('give the topic address without a query (a token goes in --token-file)');
  const segments = url.pathname.replace(/\/$/, '').split('/');
  const topic = segments.pop() ?? '';
  if (!NTFY_TOPIC.test(topic)) {
    throw new EndpointError(
      `"${topic}" is not an ntfy topic (letters, digits, - and _, at most 64); give the topic's address, like https://ntfy.sh/your-topic`,
    );
  }
  const server = `${url.origin}${segments.join('/')}`;
  return { ...checked, server, topic };
}
