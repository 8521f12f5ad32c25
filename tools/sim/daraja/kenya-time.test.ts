import { describe, expect, it } from 'vitest';
import { checkoutRequestId, mpesaReceipt } from './ids';
import { checkoutIdStamp, kenyanTimestamp, parseKenyanTimestamp } from './kenya-time';
import { SANDBOX, stkPassword } from './merchants';

describe('Kenyan time', () => {
	it('writes timestamps in Nairobi time, three hours ahead of UTC', () => {
		expect(kenyanTimestamp(new Date('2019-12-19T07:21:15Z'))).toBe('20191219102115');
		// Past midnight in Nairobi while still the previous day in UTC.
		expect(kenyanTimestamp(new Date('2024-02-29T22:30:00Z'))).toBe('20240301013000');
	});

	it('reads a timestamp back to the same instant', () => {
		expect(parseKenyanTimestamp('20191219102115')?.toISOString()).toBe('2019-12-19T07:21:15.000Z');
	});

	it.each([
		'2019121910211',
		'201912191021155',
		'20190230102115',
		'20191219242115',
		'2019-12-19T10'
	])('rejects %s', (value) => expect(parseKenyanTimestamp(value)).toBeNull());

	it('stamps CheckoutRequestIDs day first, to the millisecond', () => {
		expect(checkoutIdStamp(new Date('2023-07-03T02:44:10.314Z'))).toBe('03072023054410314');
		expect(checkoutRequestId(new Date('2023-07-03T02:44:10.314Z'), '254768168060')).toBe(
			'ws_CO_03072023054410314768168060'
		);
	});
});

describe('M-Pesa identifiers', () => {
	it('starts receipt numbers with the year, month and day letters', () => {
		expect(mpesaReceipt(new Date('2019-12-19T07:21:15Z'))).toMatch(/^NLJ[A-Z0-9]{7}$/);
		expect(mpesaReceipt(new Date('2025-01-31T12:00:00Z'))).toMatch(/^TAV[A-Z0-9]{7}$/);
	});

	it('builds the sandbox STK password as base64(shortcode + passkey + timestamp)', () => {
		const password = stkPassword(SANDBOX.shortcode, SANDBOX.passkey, '20191219102115');
		expect(Buffer.from(password, 'base64').toString()).toBe(
			`174379${SANDBOX.passkey}20191219102115`
		);
	});
});
