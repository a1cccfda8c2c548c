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
 * Ranges a feed URL must not reach unless allowed: they lead into the Lambda's own host, its VPC or
 * the instance metadata service rather than the public internet. BlockList also matches the
 * IPv4-mapped IPv6 form (`::ffff:10.0.0.1`) of every IPv4 range, so those need no entries of their own.
 */
const REFUSED_RANGES: readonly (readonly [network: string, prefix: number, family: 'ipv4' | 'ipv6'])[] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'], // private
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local, including the metadata service 169.254.169.254
  ['172.16.0.0', 12, 'ipv4'], // private
  ['192.168.0.0', 16, 'ipv4'], // private
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, including broadcast 255.255.255.255
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'], // loopback
  ['fc00::', 7, 'ipv6'], // unique local, including the IPv6 metadata service fd00:ec2::254
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const refused = new BlockList();
for (const [network, prefix, family] of REFUSED_RANGES) refused.addSubnet(network, prefix, family);

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
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return policy.allowed.check(ip, type) || !refused.check(ip, type);
}

/** The failure of a source whose host is, or resolves to, a refused address. */
export function blockedAddressError(host: string, address: string): SourceError {
  const target = host === address ? host : `${host} (${address})`;
  return new SourceError(
    'blocked_address',
    `refused to connect to ${target}: a private, loopback or reserved address; ${ENV_NAME} can allow it`,
  );
}
