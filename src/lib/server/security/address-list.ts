/**
 * Lists of IP addresses and CIDR prefixes (IPv4 and IPv6): MPESA_ALLOWED_IPS, a tenant's callback
 * allowlist and ROUTER_NETWORKS are all read here. An IPv4-mapped IPv6 address
 * (::ffff:196.201.214.9, what a dual-stack socket reports) matches the IPv4 entries.
 */
import { ipBytes } from './ip-bytes';

/** A prefix; a lone address is a prefix of its full length. */
export interface Cidr {
	readonly bytes: Uint8Array;
	readonly bits: number;
	/** The entry as written, for messages. */
	readonly text: string;
}

export interface AddressList {
	/** The entries as written, for messages. */
	entries: string[];
	networks: Cidr[];
	has(address: string | null | undefined): boolean;
}

/** `10.8.0.0/16`, `2001:db8::/32` or a lone address; undefined when it is none of these. */
export function parseCidr(entry: string): Cidr | undefined {
	const [base = '', bitsText, ...rest] = entry.split('/');
	const bytes = ipBytes(base);
	if (!bytes || rest.length > 0) return undefined;
	const max = bytes.length * 8;
	const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
	if (!(bits >= 0 && bits <= max)) return undefined;
	return { bytes, bits, text: entry };
}

/** Whether the address (as bytes, of the same family) lies in the prefix. */
export function inCidr(bytes: Uint8Array, network: Cidr): boolean {
	if (bytes.length !== network.bytes.length) return false;
	let bits = network.bits;
	for (let i = 0; bits > 0; i++, bits -= 8) {
		const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
		if ((bytes[i]! & mask) !== (network.bytes[i]! & mask)) return false;
	}
	return true;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d), or the bytes as they are. */
function unmapped(bytes: Uint8Array): Uint8Array {
	const mapped =
		bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff;
	return mapped && bytes[11] === 0xff ? bytes.slice(12) : bytes;
}

/** Entries separated by commas, spaces or new lines; `bad` names those that are not addresses or prefixes. */
export function parseAddressList(text: string): { list: AddressList; bad: string[] } {
	const networks: Cidr[] = [];
	const bad: string[] = [];
	for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
		const network = parseCidr(entry);
		if (network) networks.push(network);
		else bad.push(entry);
	}
	const matched = networks.map((n) =>
		n.bits >= 96 && unmapped(n.bytes).length === 4
			? { ...n, bytes: unmapped(n.bytes), bits: n.bits - 96 }
			: n
	);
	return {
		bad,
		list: {
			entries: networks.map((n) => n.text),
			networks,
			has(address) {
				const bytes = address ? ipBytes(address) : undefined;
				if (!bytes) return false;
				const plain = unmapped(bytes);
				return matched.some((network) => inCidr(plain, network));
			}
		}
	};
}
