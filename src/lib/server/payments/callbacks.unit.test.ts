import { describe, expect, it } from 'vitest';
import { addressAllowed } from './callbacks';

describe('the callback IP allowlist', () => {
	it('lets everyone in when it is empty', () => {
		expect(addressAllowed(null, '10.0.0.1')).toBe(true);
		expect(addressAllowed([], null)).toBe(true);
	});

	it('matches single addresses and IPv4 prefixes, also IPv4-mapped IPv6', () => {
		const list = ['196.201.214.200', '196.201.213.0/24'];
		expect(addressAllowed(list, '196.201.214.200')).toBe(true);
		expect(addressAllowed(list, '::ffff:196.201.213.44')).toBe(true);
		expect(addressAllowed(list, '196.201.214.201')).toBe(false);
		expect(addressAllowed(list, '196.201.212.1')).toBe(false);
		expect(addressAllowed(list, null)).toBe(false);
		expect(addressAllowed(['0.0.0.0/0'], '8.8.8.8')).toBe(true);
	});
});
