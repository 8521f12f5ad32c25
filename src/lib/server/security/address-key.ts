/**
 * The key a per-address limit counts under. An IPv6 subscriber is handed a whole /64 (often a /56),
 * so one phone can take a fresh address for every request: a limit per full IPv6 address would
 * never bite. IPv6 addresses therefore count per /64 prefix; IPv4 (and IPv4 mapped into IPv6) per
 * address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function addressKey(address: string): string {
	const trimmed = address.trim().toLowerCase();
	// A zone index (fe80::1%eth0) names an interface of ours, not a different client.
	const bare = trimmed.replace(/%.*$/, '').replace(/^\[|\]$/g, '');
	if (isIPv4(bare)) return bare;
	if (!isIPv6(bare)) return trimmed;
	const groups = expandIPv6(bare);
	const mapped = mappedIPv4(groups);
	if (mapped) return mapped;
	return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail becomes two groups). */
function expandIPv6(address: string): number[] {
	let text = address;
	const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
	if (dotted) {
		const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
		text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
	const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
	const left = parse(head);
	if (tail === undefined) return left;
	const right = parse(tail);
	return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** `::ffff:a.b.c.d` is an IPv4 client seen through a dual-stack socket. */
function mappedIPv4(groups: number[]): string | null {
	const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
	if (!isMapped) return null;
	const [hi, lo] = [groups[6]!, groups[7]!];
	return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
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
