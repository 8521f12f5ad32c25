/** An IP address as bytes, for the checks that compare ranges and prefixes (router addresses, per-address limits). */
import { isIP } from 'node:net';

/** 4 bytes for IPv4, 16 for IPv6 (embedded dotted quads and zone ids accepted); undefined otherwise. */
export function ipBytes(text: string): Uint8Array | undefined {
	const ip = text.replace(/%.*$/, '');
	const family = isIP(ip);
	if (family === 4) return Uint8Array.from(ip.split('.').map(Number));
	if (family !== 6) return undefined;
	let head = ip;
	const tail: number[] = [];
	const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
	if (dotted) {
		const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
		tail.push((a << 8) | b, (c << 8) | d);
		head = ip.slice(0, -dotted[1]!.length);
		if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
	}
	const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
	let words: number[];
	if (head.includes('::')) {
		const [left = '', right = ''] = head.split('::');
		const l = groups(left);
		const r = [...groups(right), ...tail];
		words = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
	} else {
		words = [...groups(head), ...tail];
	}
	if (words.length !== 8) return undefined;
	const out = new Uint8Array(16);
	words.forEach((w, i) => {
		out[2 * i] = w >> 8;
		out[2 * i + 1] = w & 0xff;
	});
	return out;
}
