import { describe, expect, it } from 'vitest';
import { parseAddressList } from './address-list';

describe('an address list (MPESA_ALLOWED_IPS)', () => {
	const { list, bad } = parseAddressList('196.201.214.0/24, 196.201.213.44\n2001:db8::/32');

	it('matches addresses, IPv4 and IPv6 prefixes, and IPv4-mapped IPv6 addresses', () => {
		expect(bad).toEqual([]);
		for (const address of [
			'196.201.214.1',
			'196.201.214.255',
			'196.201.213.44',
			'::ffff:196.201.214.9',
			'2001:db8::1',
			'2001:db8:ffff::1'
		]) {
			expect(list.has(address), address).toBe(true);
		}
	});

	it('refuses everything else, a missing address and what is not an address', () => {
		for (const address of [
			'196.201.215.1',
			'196.201.213.45',
			'127.0.0.1',
			'::1',
			'2001:db9::1',
			'::ffff:10.0.0.1',
			'',
			'evil.example',
			'196.201.214.1 ',
			null,
			undefined
		]) {
			expect(list.has(address), String(address)).toBe(false);
		}
	});

	it('names the entries it cannot read', () => {
		expect(
			parseAddressList(
				'10.0.0.0/33, 300.1.1.1, 10.0.0.1/8/1, safaricom.com, 10.0.0.0/x, ::/129, 10.0.0.1'
			).bad
		).toEqual([
			'10.0.0.0/33',
			'300.1.1.1',
			'10.0.0.1/8/1',
			'safaricom.com',
			'10.0.0.0/x',
			'::/129'
		]);
	});
});
