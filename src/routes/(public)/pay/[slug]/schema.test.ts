import { describe, expect, it } from 'vitest';
import { findSchema, paySchema } from './schema';

const PACKAGE = '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21';
const issues = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
	result.error?.issues.map((i) => [i.path[0], i.message]);

describe('the top-up look-up', () => {
	it('takes an account number with spaces or dashes, and a phone in any shape', () => {
		expect(findSchema.parse({ account: ' 123-456 ' }).account).toEqual({
			account: '123456',
			phone: null
		});
		expect(findSchema.parse({ account: '+254 712 000 103' }).account).toEqual({
			account: null,
			phone: '254712000103'
		});
		// Ten digits can be either: the account is tried first, then the phone.
		expect(findSchema.parse({ account: '0712 000 103' }).account).toEqual({
			account: '0712000103',
			phone: '254712000103'
		});
	});

	it('refuses a 13-character account reference, since M-Pesa carries only 12', () => {
		expect(issues(findSchema.safeParse({ account: '1234567890123' }))).toEqual([
			['account', 'An account number has at most 12 characters.']
		]);
	});

	it('refuses what is neither an account number nor a phone, and an empty box', () => {
		expect(issues(findSchema.safeParse({ account: 'acc#12' }))?.[0]?.[1]).toMatch(
			/^Enter an account number/
		);
		expect(issues(findSchema.safeParse({ account: '  ' }))?.[0]?.[0]).toBe('account');
		expect(findSchema.safeParse({}).success).toBe(false);
	});
});

describe('the top-up payment', () => {
	it('pays from the subscriber’s own phone when the phone is left empty', () => {
		expect(paySchema.parse({ account: '123456', packageId: PACKAGE })).toEqual({
			account: { account: '123456', phone: null },
			packageId: PACKAGE,
			phone: null
		});
		expect(
			paySchema.parse({ account: '123456', packageId: PACKAGE, phone: '0722 000 301' }).phone
		).toBe('254722000301');
	});

	it('refuses a phone of the wrong shape and a missing package, field by field', () => {
		for (const phone of ['0712', '0612345678', '07123456789', 'mpesa']) {
			expect(
				issues(paySchema.safeParse({ account: '123456', packageId: PACKAGE, phone })),
				phone
			).toEqual([['phone', 'Enter an M-Pesa number like 0712 345 678.']]);
		}
		expect(issues(paySchema.safeParse({ account: '123456', packageId: 'daily' }))).toEqual([
			['packageId', 'Choose a package.']
		]);
	});
});
