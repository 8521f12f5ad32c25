/**
 * A list of IP addresses and CIDR prefixes (IPv4 and IPv6) as a node:net BlockList, for settings
 * such as MPESA_ALLOWED_IPS. An IPv4-mapped IPv6 address (::ffff:196.201.214.9, what a dual-stack
 * socket reports) matches the IPv4 entries.
 */
import { BlockList, isIP } from 'node:net';

export interface AddressList {
	/** The entries as written, for messages. */
	entries: string[];
	has(address: string | null | undefined): boolean;
}

export function parseAddressList(text: string): { list: AddressList; bad: string[] } {
	const blocks = new BlockList();
	const entries: string[] = [];
	const bad: string[] = [];
	for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
		const [base = '', bits, extra] = entry.split('/');
		const family = isIP(base);
		const prefix = bits === undefined ? null : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
		if (
			!family ||
			extra !== undefined ||
			Number.isNaN(prefix) ||
			(prefix !== null && prefix > (family === 4 ? 32 : 128))
		) {
			bad.push(entry);
			continue;
		}
		const type = family === 4 ? 'ipv4' : 'ipv6';
		if (prefix === null) blocks.addAddress(base, type);
		else blocks.addSubnet(base, prefix, type);
		entries.push(entry);
	}
	return {
		bad,
		list: {
			entries,
			has(address) {
				if (!address) return false;
				const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
				const family = isIP(plain);
				if (!family) return false;
				return blocks.check(plain, family === 4 ? 'ipv4' : 'ipv6');
			}
		}
	};
}
