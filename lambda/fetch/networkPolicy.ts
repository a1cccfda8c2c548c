import { BlockList, isIP } from 'node:net';
import { InvalidInputError, SourceError } from '../core/errors.js';

/** Which addresses sources may connect to; built once from `ALLOW_PRIVATE_NETWORKS`. */
export interface NetworkPolicy {
  /** `true` when the operator allowed every address. */
  readonly allowAll: boolean;
  /** Addresses allowed even though they fall in a refused range. */
  readonly allowed: BlockList;
}

/**
 * Ranges a feed URL must not reach unless allowed: they lead into the Lambda's own host, its VPC, the
 * instance metadata service or addresses no public server has. The list is every block of the IANA
 * special-purpose registries whose "Globally Reachable" is False, as of their 2025 revisions:
 *   IPv4: https://www.iana.org/assignments/iana-ipv4-special-registry/
 *   IPv6: https://www.iana.org/assignments/iana-ipv6-special-registry/
 * plus multicast, and the deprecated IPv6 site-local block. A globally reachable entry inside a
 * refused block (the PCP and TURN anycast addresses in 192.0.0.0/24, 2001:1::1–3) stays refused:
 * no feed lives there. IPv6 forms that carry an IPv4 address are not listed here; `embeddedIpv4`
 * turns them into that address, which is judged instead.
 */
const REFUSED_RANGES: readonly (readonly [network: string, prefix: number, family: 'ipv4' | 'ipv6'])[] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network" (RFC 791)
  ['10.0.0.0', 8, 'ipv4'], // private (RFC 1918)
  ['100.64.0.0', 10, 'ipv4'], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8, 'ipv4'], // loopback (RFC 1122)
  ['169.254.0.0', 16, 'ipv4'], // link-local, including the metadata service 169.254.169.254 (RFC 3927)
  ['172.16.0.0', 12, 'ipv4'], // private (RFC 1918)
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments, DS-Lite, NAT64 discovery (RFC 6890, 7335, 8880)
  ['192.0.2.0', 24, 'ipv4'], // documentation TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24, 'ipv4'], // deprecated 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16, 'ipv4'], // private (RFC 1918)
  ['198.18.0.0', 15, 'ipv4'], // benchmarking (RFC 2544)
  ['198.51.100.0', 24, 'ipv4'], // documentation TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24, 'ipv4'], // documentation TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4, 'ipv4'], // multicast (RFC 5771)
  ['240.0.0.0', 4, 'ipv4'], // reserved, including limited broadcast 255.255.255.255 (RFC 1112, 919)
  ['::1', 128, 'ipv6'], // loopback (RFC 4291)
  ['::', 128, 'ipv6'], // unspecified (RFC 4291)
  ['64:ff9b:1::', 48, 'ipv6'], // local-use IPv4/IPv6 translation (RFC 8215)
  ['100::', 64, 'ipv6'], // discard-only (RFC 6666)
  ['100:0:0:1::', 64, 'ipv6'], // dummy prefix (RFC 9780)
  ['2001::', 23, 'ipv6'], // IETF protocol assignments: Teredo, benchmarking, ORCHID, … (RFC 2928)
  ['2001:db8::', 32, 'ipv6'], // documentation (RFC 3849)
  ['3fff::', 20, 'ipv6'], // documentation (RFC 9637)
  ['5f00::', 16, 'ipv6'], // segment routing SIDs (RFC 9602)
  ['fc00::', 7, 'ipv6'], // unique local, including the IPv6 metadata service fd00:ec2::254 (RFC 4193)
  ['fe80::', 10, 'ipv6'], // link-local (RFC 4291)
  ['fec0::', 10, 'ipv6'], // site-local, deprecated (RFC 3879)
  ['ff00::', 8, 'ipv6'], // multicast (RFC 4291)
];

const refused = new BlockList();
for (const [network, prefix, family] of REFUSED_RANGES) refused.addSubnet(network, prefix, family);

/**
 * IPv6 forms that carry an IPv4 address, with where it sits (the index of its first 16-bit group).
 * A router or the host delivers them to that IPv4 address: in a VPC with NAT64, `64:ff9b::a00:5`
 * reaches 10.0.0.5. So each is judged as the IPv4 address it carries.
 */
const IPV4_CARRIERS: readonly { prefix: readonly number[]; at: number }[] = [
  { prefix: [0, 0, 0, 0, 0, 0xffff], at: 6 }, // IPv4-mapped ::ffff:0:0/96 (RFC 4291)
  { prefix: [0, 0, 0, 0, 0, 0], at: 6 }, // IPv4-compatible ::/96, deprecated (RFC 4291); :: and ::1 too
  { prefix: [0, 0, 0, 0, 0xffff, 0], at: 6 }, // IPv4-translated ::ffff:0:0:0/96 (RFC 2765)
  { prefix: [0x64, 0xff9b, 0, 0, 0, 0], at: 6 }, // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052)
  { prefix: [0x2002], at: 1 }, // 6to4 2002::/16 (RFC 3056)
];

const ENV_NAME = 'ALLOW_PRIVATE_NETWORKS';

/**
 * Reads `ALLOW_PRIVATE_NETWORKS`: unset or empty refuses private, loopback, link-local and other
 * non-public ranges; `true` allows everything; otherwise a comma list of CIDRs allowed despite them
 * (`127.0.0.0/8,10.1.0.0/16`).
 */
export function parseNetworkPolicy(value: string | undefined): NetworkPolicy {
  const text = value?.trim() ?? '';
  const allowed = new BlockList();
  if (text === 'true') return { allowAll: true, allowed };
  if (text === '') return { allowAll: false, allowed };

  for (const entry of text.split(',').map((part) => part.trim())) {
    const match = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    const family = match ? isIP(match[1]!) : 0;
    const prefix = match ? Number(match[2]) : NaN;
    if (!match || family === 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new InvalidInputError(
        'config',
        ENV_NAME,
        `expected "true" or a comma list of CIDRs such as 127.0.0.0/8,10.1.0.0/16; "${entry}" is not a CIDR`,
      );
    }
    allowed.addSubnet(match[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return { allowAll: false, allowed };
}

/** Whether a connection to `ip` (an IPv4 or IPv6 literal) is permitted; anything else is refused. */
export function isAddressAllowed(policy: NetworkPolicy, ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  if (policy.allowAll) return true;
  if (family === 4) return policy.allowed.check(ip, 'ipv4') || !refused.check(ip, 'ipv4');
  if (policy.allowed.check(ip, 'ipv6')) return true;
  const ipv4 = embeddedIpv4(ip);
  if (ipv4 !== undefined) return policy.allowed.check(ipv4, 'ipv4') || !refused.check(ipv4, 'ipv4');
  return !refused.check(ip, 'ipv6');
}

/** The IPv4 address an IPv6 address carries in one of the IPV4_CARRIERS forms, dotted. */
function embeddedIpv4(ipv6: string): string | undefined {
  const groups = ipv6Groups(ipv6);
  const carrier = IPV4_CARRIERS.find(({ prefix }) => prefix.every((group, index) => groups[index] === group));
  if (carrier === undefined) return undefined;
  const [high = 0, low = 0] = groups.slice(carrier.at, carrier.at + 2);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 literal (`isIP` said 6), any zone id dropped. */
function ipv6Groups(ipv6: string): number[] {
  // WHATWG URL parsing writes an embedded dotted IPv4 as two hex groups and checks the rest.
  const canonical = new URL(`http://[${ipv6.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * The failure for a URL whose host is an address literal the policy refuses. Names never reach
 * this check: they are judged as they resolve, in the client's lookup (see httpClient.ts).
 */
export function refusedAddressLiteral(policy: NetworkPolicy, url: URL): SourceError | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) !== 0 && !isAddressAllowed(policy, host) ? blockedAddressError(host, host) : undefined;
}

/** The failure of a source whose host is, or resolves to, a refused address. */
export function blockedAddressError(host: string, address: string): SourceError {
  const target = host === address ? host : `${host} (${address})`;
  return new SourceError(
    'blocked_address',
    `refused to connect to ${target}: a private, loopback or reserved address; ${ENV_NAME} can allow it`,
  );
}
