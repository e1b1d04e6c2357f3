// Outbound URLs that users register (partner webhooks, case callbacks) must not make the
// server call itself or its network: only https, and only public unicast addresses — no
// loopback, private, link-local (cloud metadata), unique-local, CGNAT or reserved ranges,
// IPv4 or IPv6 (IPv4-mapped and NAT64 forms included). Checked when the URL is registered
// and again at delivery, on the very addresses the connection uses after DNS resolution
// (so a name that later resolves elsewhere does not slip through). Redirects are never
// followed. An allow-list lets tests and private deployments reach named hosts.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { InvalidInputError } from '../errors';

export interface UrlPolicy {
  allowHttp: boolean;
  /** Host names, IPs or CIDRs reachable although not public. */
  allowHosts: readonly string[];
}

export class ForbiddenDestinationError extends InvalidInputError {
  override readonly code: string = 'forbidden_destination';
}

/** Names that mean "this machine" or a metadata service whatever DNS says. */
const LOCAL_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal|.*\.internal|.*\.local)$/i;

/** Syntax, scheme and literal addresses: what can be judged without DNS. Returns the parsed URL. */
export function checkUrlSyntax(raw: string, policy: UrlPolicy, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new InvalidInputError(`${what} must be https${policy.allowHttp ? ' or http' : ''}`);
  }
  if (url.username || url.password) throw new InvalidInputError(`${what} must not carry credentials`);
  const host = hostOf(url);
  if (isAllowedName(host, policy)) return url;
  if (ipaddr.isValid(host)) {
    assertPublic(host, policy, what);
  } else if (LOCAL_NAMES.test(host)) {
    throw new ForbiddenDestinationError(`${what} points at a local or internal host (${host})`);
  }
  return url;
}

/**
 * At registration: syntax, then every address the name resolves to now. A name that does not
 * resolve yet is accepted (delivery checks again and fails if it still does not).
 */
export async function checkUrlAtRegistration(raw: string, policy: UrlPolicy, what: string): Promise<void> {
  const url = checkUrlSyntax(raw, policy, what);
  const host = hostOf(url);
  if (ipaddr.isValid(host) || isAllowedName(host, policy)) return;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    return;
  }
  for (const a of addresses) assertPublic(a.address, policy, `${what} (${host} → ${a.address})`);
}

/**
 * A `lookup` for http(s).request / net.connect that refuses to connect to a forbidden
 * address: the check happens on the address the socket then uses.
 */
export function guardedLookup(policy: UrlPolicy, what: string) {
  return (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    resolveAll(host).then(
      (addresses) => {
        try {
          if (!isAllowedName(host, policy)) for (const a of addresses) assertPublic(a.address, policy, `${what} (${host} → ${a.address})`);
        } catch (error) {
          return callback(error as Error, '', 0);
        }
        if ((options as { all?: boolean }).all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

export function isPublicAddress(address: string): boolean {
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (v6.range() === 'rfc6052' || v6.range() === '6to4' || v6.range() === 'teredo') return false;
  }
  return ip.range() === 'unicast';
}

function assertPublic(address: string, policy: UrlPolicy, what: string): void {
  if (isPublicAddress(address) || isAllowedAddress(address, policy)) return;
  throw new ForbiddenDestinationError(`${what} points at a ${ipaddr.parse(address).range()} address; only public addresses may be called`);
}

function isAllowedName(host: string, policy: UrlPolicy): boolean {
  return policy.allowHosts.includes(host);
}

function isAllowedAddress(address: string, policy: UrlPolicy): boolean {
  const ip = ipaddr.process(address);
  return policy.allowHosts.some((entry) => {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        return ip.kind() === range.kind() && ip.match(range, bits);
      }
      return ipaddr.isValid(entry) && ipaddr.process(entry).toString() === ip.toString();
    } catch {
      return false;
    }
  });
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}
