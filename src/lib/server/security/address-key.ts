/**
 * The key a per-address limit counts under. An IPv6 subscriber is handed a whole /64 (often a /56),
 * so one phone can take a fresh address for every request: a limit per full IPv6 address would
 * never bite. IPv6 addresses therefore count per /64 prefix; IPv4 (and IPv4 mapped into IPv6) per
 * address.
 */
import { ipBytes } from './ip-bytes';

export function addressKey(address: string): string {
	const trimmed = address.trim().toLowerCase();
	// A zone index (fe80::1%eth0) names an interface of ours, not a different client.
	const bare = trimmed.replace(/%.*$/, '').replace(/^\[|\]$/g, '');
	const bytes = ipBytes(bare);
	if (!bytes) return trimmed;
	if (bytes.length === 4) return bare;
	// `::ffff:a.b.c.d` is an IPv4 client seen through a dual-stack socket.
	if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
		return Array.from(bytes.slice(12)).join('.');
	const groups = [0, 2, 4, 6].map((i) => ((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
	return `${groups.join(':')}::/64`;
}

/**
 * The client's address, or undefined when the adapter cannot tell (ADDRESS_HEADER is set and the
 * request came round the proxy without it): adapter-node throws then, and a login must not 500.
 */
export function clientAddressOf(event: { getClientAddress(): string }): string | undefined {
	try {
		return event.getClientAddress();
	} catch {
		return undefined;
	}
}
