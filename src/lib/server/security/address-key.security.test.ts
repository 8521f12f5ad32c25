/** Issue 11 item 6: per-address limits count an IPv6 client per /64, everywhere they apply. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { addressKey } from './address-key';
import { RATE_RULES, takeHits } from './rate-limit';

let db: TestDatabase;
beforeAll(async () => {
	db = await openTestDatabase();
});
afterAll(() => db?.close());

describe('addressKey', () => {
	it('keeps an IPv4 address and unwraps one mapped into IPv6', () => {
		expect(addressKey('196.201.214.9')).toBe('196.201.214.9');
		expect(addressKey('::ffff:196.201.214.9')).toBe('196.201.214.9');
		expect(addressKey('::FFFF:c4c9:d609')).toBe('196.201.214.9');
	});

	it('groups every IPv6 address of one /64, however it is written', () => {
		const key = addressKey('2c0f:fe38:2101:4a2::1');
		expect(key).toBe('2c0f:fe38:2101:4a2::/64');
		expect(addressKey('2c0f:fe38:2101:04a2:9c1e:77ff:fe00:1')).toBe(key);
		expect(addressKey('[2C0F:FE38:2101:4A2::dead:beef]')).toBe(key);
		expect(addressKey('2c0f:fe38:2101:4a3::1')).not.toBe(key);
		expect(addressKey('::1')).toBe('0:0:0:0::/64');
		expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
	});

	it('leaves what is not an address alone (an unknown caller shares one count)', () => {
		expect(addressKey('unknown')).toBe('unknown');
		expect(addressKey(addressKey('2001:db8::1'))).toBe(addressKey('2001:db8::1'));
	});
});

describe('the public pages’ per-address limit', () => {
	it('refuses a phone that takes a fresh IPv6 address in its /64 for every look-up', async () => {
		const now = new Date(Date.UTC(2025, 2, 3, 9, 1));
		const lookups = [];
		for (let i = 1; i <= RATE_RULES.lookupPerIp.limit + 1; i++) {
			lookups.push(
				await takeHits(
					[{ rule: RATE_RULES.lookupPerIp, subject: `2001:db8:77:1::${i.toString(16)}` }],
					now
				)
			);
		}
		expect(lookups.at(-2)?.allowed).toBe(true);
		expect(lookups.at(-1)?.allowed).toBe(false);
		expect(
			(await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: '2001:db8:77:2::1' }], now)).allowed
		).toBe(true);
	});
});
