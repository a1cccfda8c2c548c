import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/core/errors.js';
import { isAddressAllowed, parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';

describe('parseNetworkPolicy', () => {
  it.each([
    ['127.0.0.1', 'IPv4 loopback'],
    ['10.2.3.4', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12, last address'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'the metadata service'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', '"this network"'],
    ['224.0.0.1', 'IPv4 multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved 240/4'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fd00::1', 'unique local'],
    ['fd00:ec2::254', 'the IPv6 metadata service'],
    ['fe80::1', 'IPv6 link-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata service'],
    // The rest of the IANA special-purpose registries.
    ['192.0.0.1', 'IETF protocol assignments 192.0.0.0/24'],
    ['192.0.0.170', 'NAT64 discovery'],
    ['192.0.2.1', 'TEST-NET-1'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['198.18.0.1', 'benchmarking 198.18.0.0/15'],
    ['198.19.255.254', 'benchmarking 198.18.0.0/15, second half'],
    ['198.51.100.7', 'TEST-NET-2'],
    ['203.0.113.9', 'TEST-NET-3'],
    ['64:ff9b:1::a00:5', 'local-use translation 64:ff9b:1::/48'],
    ['100::1', 'discard-only'],
    ['2001::1', 'Teredo'],
    ['2001:2::1', 'IPv6 benchmarking'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['3fff::1', 'IPv6 documentation 3fff::/20'],
    ['5f00::1', 'segment routing SIDs'],
    ['fec0::1', 'deprecated site-local'],
    // IPv6 forms that carry an IPv4 address, judged as that address.
    ['64:ff9b::a00:5', 'NAT64 of 10.0.0.5'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
    ['64:ff9b::169.254.169.254', 'NAT64 of the metadata service, dotted'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:a9fe:a9fe::1', '6to4 of the metadata service'],
    ['::7f00:1', 'IPv4-compatible 127.0.0.1'],
    ['::10.0.0.1', 'IPv4-compatible 10.0.0.1, dotted'],
    ['::ffff:0:7f00:1', 'IPv4-translated 127.0.0.1'],
    ['::ffff:0:c000:201', 'IPv4-translated TEST-NET-1'],
    ['::ffff:c612:1', 'IPv4-mapped benchmarking'],
    ['fe80::1%eth0', 'link-local with a zone'],
  ])('refuses %s (%s) by default', (ip) => {
    expect(isAddressAllowed(parseNetworkPolicy(undefined), ip)).toBe(false);
    expect(isAddressAllowed(parseNetworkPolicy(''), ip)).toBe(false);
  });

  it.each([
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '192.0.3.1',
    '198.20.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2001:200::1',
  ])('allows the public address %s by default', (ip) => {
    expect(isAddressAllowed(parseNetworkPolicy(undefined), ip)).toBe(true);
  });

  it('allows every address when set to true', () => {
    const policy = parseNetworkPolicy('true');

    expect(
      ['127.0.0.1', '169.254.169.254', 'fd00::1', '::ffff:10.0.0.1'].map((ip) => isAddressAllowed(policy, ip)),
    ).toEqual([true, true, true, true]);
  });

  it('allows exactly the listed CIDRs and still refuses other private ranges', () => {
    const policy = parseNetworkPolicy(' 127.0.0.0/8, 10.1.0.0/16 ,fd00:1::/32');

    expect(isAddressAllowed(policy, '127.0.0.1')).toBe(true);
    expect(isAddressAllowed(policy, '::ffff:127.0.0.1')).toBe(true);
    expect(isAddressAllowed(policy, '10.1.200.3')).toBe(true);
    expect(isAddressAllowed(policy, 'fd00:1::5')).toBe(true);
    expect(isAddressAllowed(policy, '10.2.0.1')).toBe(false);
    expect(isAddressAllowed(policy, '169.254.169.254')).toBe(false);
    expect(isAddressAllowed(policy, 'fd00:2::5')).toBe(false);
  });

  it('judges an IPv6 form carrying an IPv4 address by the IPv4 CIDRs allowed', () => {
    const policy = parseNetworkPolicy('127.0.0.0/8');

    expect(
      ['64:ff9b::7f00:1', '2002:7f00:1::', '::7f00:1', '::ffff:0:7f00:1'].map((ip) => isAddressAllowed(policy, ip)),
    ).toEqual([true, true, true, true]);
    expect(isAddressAllowed(policy, '64:ff9b::a00:5')).toBe(false);
  });

  it('refuses anything that is not an IP address', () => {
    expect(isAddressAllowed(parseNetworkPolicy('true'), 'localhost')).toBe(false);
  });

  it.each(['yes', 'false', '127.0.0.1', '10.0.0.0/33', 'fd00::/129', '127.0.0.0/8,,10.0.0.0/8', 'example.com/8'])(
    'rejects %j naming ALLOW_PRIVATE_NETWORKS',
    (value) => {
      const parse = () => parseNetworkPolicy(value);

      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow(/^ALLOW_PRIVATE_NETWORKS: /);
    },
  );
});
