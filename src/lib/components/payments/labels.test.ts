import { describe, expect, it } from 'vitest';
import { displayPhone, paymentReason } from './labels';

const failed = (resultCode: number | null, resultDesc: string | null = null) => paymentReason({ status: 'failed', resultCode, resultDesc, note: null, accountReference: null });

describe('why a payment did not go through', () => {
	it('says the common M-Pesa results in plain words', () => {
		expect(failed(1032)).toBe('The customer cancelled the prompt.');
		expect(failed(2001)).toBe('The M-Pesa PIN was wrong.');
		expect(failed(1)).toBe('Not enough money in M-Pesa.');
		expect(failed(1037, 'No answer from the phone within 10 minutes')).toBe('The phone was off or could not be reached.');
	});

	it("falls back to Safaricom's own words, then to a plain 'no reason'", () => {
		expect(failed(2028, 'The request is not permitted according to product assignment')).toBe('The request is not permitted according to product assignment');
		expect(failed(null, 'M-Pesa could not be reached')).toBe('M-Pesa could not be reached');
		expect(failed(null)).toBe('M-Pesa gave no reason.');
	});

	it('names the account of an unmatched payment and gives no reason for a paid one', () => {
		expect(paymentReason({ status: 'unmatched', resultCode: 0, resultDesc: null, note: null, accountReference: 'ABC12' })).toBe('Account “ABC12” matches no subscriber. Assign it below.');
		expect(paymentReason({ status: 'succeeded', resultCode: 0, resultDesc: 'ok', note: null, accountReference: null })).toBeNull();
	});

	it('shows a real phone the Kenyan way and a hashed one shortened', () => {
		expect(displayPhone('254712345678')).toBe('0712 345 678');
		expect(displayPhone('2547 ***** 678')).toBe('2547 ***** 678');
		expect(displayPhone('a'.repeat(64))).toBe(`${'a'.repeat(10)}…`);
	});
});
