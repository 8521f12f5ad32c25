/**
 * Issue 11 item 3: a tenant's router address cannot turn this server into a scanner of its own
 * network. Every hostile spelling is refused, names included (checked after resolving), and the
 * connection goes to the address that was checked.
 */
import { describe, expect, it } from 'vitest';
import {
	RouterAddressRefused,
	assertConnectedTo,
	parseNetworks,
	resolveRouterAddress,
	type HostLookup,
	type RouterNetworkPolicy
} from './router-address';

const production: RouterNetworkPolicy = {
	networks: parseNetworks('10.8.0.0/16, fd12:3456::/48, 100.64.10.0/24'),
	allowLoopback: false
};
const demo: RouterNetworkPolicy = { networks: [], allowLoopback: true };

/** A resolver that answers from a table, as DNS would for a hostile name. */
const names: Record<string, string[]> = {
	'loop.example.com': ['127.0.0.1'],
	'mapped.example.com': ['::ffff:127.0.0.1'],
	'meta.example.com': ['169.254.169.254'],
	'mixed.example.com': ['203.0.113.7', '10.0.0.5'],
	'lan.example.com': ['192.168.1.1'],
	'vpn.example.com': ['10.8.3.4'],
	'router.example.com': ['203.0.113.7'],
	'ipv6.example.com': ['::1'],
	localhost: ['::1', '127.0.0.1']
};
const lookup: HostLookup = async (host) => {
	const found = names[host];
	if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
	return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const refusal = async (host: string, port = 8728, policy = production) => {
	try {
		await resolveRouterAddress(host, port, { policy, lookup });
		return 'allowed';
	} catch (error) {
		if (error instanceof RouterAddressRefused) return error.reason;
		throw error;
	}
};

describe('router addresses a tenant cannot use', () => {
	it.each([
		['127.0.0.1', 'loopback'],
		['127.1', 'loopback'],
		['2130706433', 'loopback'],
		['0177.0.0.1', 'loopback'],
		['0x7f.0.0.1', 'loopback'],
		['0x7f000001', 'loopback'],
		['localhost', 'loopback'],
		['::1', 'loopback'],
		['[::1]', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['::ffff:7f00:1', 'loopback'],
		['0.0.0.0', 'unspecified'],
		['0', 'unspecified'],
		['::', 'unspecified'],
		['::ffff:0.0.0.0', 'unspecified'],
		['169.254.169.254', 'metadata'],
		['2852039166', 'metadata'],
		['::ffff:169.254.169.254', 'metadata'],
		['::ffff:a9fe:a9fe', 'metadata'],
		['64:ff9b::a9fe:a9fe', 'metadata'],
		['fd00:ec2::254', 'metadata'],
		// 6to4 and Teredo carry an IPv4 address (here 127.0.0.1 and 169.254.169.254) through a tunnel.
		['2002:7f00:1::1', 'reserved'],
		['2002:a9fe:a9fe::', 'reserved'],
		['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
		['100.100.100.200', 'metadata'],
		['metadata.google.internal', 'metadata'],
		['169.254.1.1', 'link-local'],
		['fe80::1', 'link-local'],
		['fe80::1%eth0', 'link-local'],
		['224.0.0.1', 'multicast'],
		['ff02::1', 'multicast'],
		['::ffff:224.0.0.1', 'multicast'],
		['255.255.255.255', 'broadcast'],
		['240.0.0.1', 'reserved'],
		['10.0.0.1', 'private'],
		['172.16.5.4', 'private'],
		['192.168.88.1', 'private'],
		['100.64.0.1', 'private'],
		['fc00::1', 'private'],
		['::ffff:192.168.88.1', 'private'],
		['1.2.3.999', 'shape'],
		['loop.example.com', 'loopback'],
		['mapped.example.com', 'loopback'],
		['meta.example.com', 'metadata'],
		['mixed.example.com', 'private'],
		['lan.example.com', 'private'],
		['ipv6.example.com', 'loopback'],
		['nowhere.example.com', 'unresolved'],
		['router.example.com\r\n', 'control'],
		['10.8.0.1\u0000', 'control']
	])('%s is refused (%s)', async (host, reason) => {
		expect(await refusal(host)).toBe(reason);
	});

	it.each([1, 22, 25, 80, 443, 0, 65536, 1.5])('port %s is refused', async (port) => {
		expect(await refusal('203.0.113.7', port)).toBe('port');
	});

	it('allows public addresses, the API ports and the operator’s VPN subnets', async () => {
		expect(await resolveRouterAddress('203.0.113.7', 8728, { policy: production, lookup })).toEqual(
			{ address: '203.0.113.7', family: 4 }
		);
		expect(
			await resolveRouterAddress('router.example.com', 8729, { policy: production, lookup })
		).toEqual({ address: '203.0.113.7', family: 4 });
		expect(
			await resolveRouterAddress('vpn.example.com', 18728, { policy: production, lookup })
		).toEqual({ address: '10.8.3.4', family: 4 });
		expect(await refusal('10.8.255.1')).toBe('allowed');
		expect(await refusal('100.64.10.9')).toBe('allowed');
		expect(await refusal('100.64.11.9')).toBe('private');
		expect(await refusal('fd12:3456::9')).toBe('allowed');
		expect(await refusal('2001:db8::1')).toBe('allowed');
	});

	it('lets demo mode reach its simulator on loopback, and nothing else it forbids', async () => {
		expect(await refusal('127.0.0.1', 18728, demo)).toBe('allowed');
		expect(await refusal('169.254.169.254', 18728, demo)).toBe('metadata');
		expect(await refusal('192.168.88.1', 8728, demo)).toBe('private');
	});

	it('never allows metadata or link-local addresses, even inside ROUTER_NETWORKS', async () => {
		const wide: RouterNetworkPolicy = {
			networks: parseNetworks('0.0.0.0/0,::/0'),
			allowLoopback: true
		};
		expect(await refusal('169.254.169.254', 8728, wide)).toBe('metadata');
		expect(await refusal('100.100.100.200', 8728, wide)).toBe('metadata');
		expect(await refusal('169.254.1.1', 8728, wide)).toBe('link-local');
		expect(await refusal('0.0.0.0', 8728, wide)).toBe('unspecified');
	});

	it('refuses a connection that ended up somewhere other than the checked address (DNS rebinding)', () => {
		const checked = { address: '203.0.113.7', family: 4 as const };
		expect(() => assertConnectedTo('203.0.113.7', checked, 'router.example.com')).not.toThrow();
		expect(() =>
			assertConnectedTo('::ffff:203.0.113.7', checked, 'router.example.com')
		).not.toThrow();
		expect(() => assertConnectedTo('127.0.0.1', checked, 'router.example.com')).toThrow(
			RouterAddressRefused
		);
		expect(() => assertConnectedTo(undefined, checked, 'router.example.com')).toThrow(
			RouterAddressRefused
		);
	});

	it('rejects a malformed ROUTER_NETWORKS entry', () => {
		expect(() => parseNetworks('10.8.0.0/33')).toThrow(/ROUTER_NETWORKS/);
		expect(() => parseNetworks('vpn')).toThrow(/ROUTER_NETWORKS/);
	});
});
