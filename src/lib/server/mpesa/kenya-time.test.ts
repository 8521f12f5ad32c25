import { describe, expect, it } from 'vitest';
import { darajaTimestamp, parseDarajaTimestamp, stkPassword } from './kenya-time';

describe('Kenyan time for Daraja', () => {
	it('writes the timestamp in Nairobi time, three hours ahead of UTC', () => {
		expect(darajaTimestamp(new Date('2024-12-31T22:05:09Z'))).toBe('20250101010509');
	});

	it('reads a callback TransactionDate number back to the same instant', () => {
		expect(parseDarajaTimestamp(20191219102115)?.toISOString()).toBe('2019-12-19T07:21:15.000Z');
	});

	it('refuses timestamps that are not real dates', () => {
		expect(parseDarajaTimestamp('20241340101010')).toBeNull();
		expect(parseDarajaTimestamp('2024')).toBeNull();
	});

	it('builds the STK password as base64 of shortcode, passkey and timestamp', () => {
		const password = stkPassword('174379', 'key', '20240101000000');
		expect(Buffer.from(password, 'base64').toString()).toBe('174379key20240101000000');
	});
});
