import { describe, expect, it } from 'vitest';
import { assignSchema, findPayerSchema } from './schema';

const PAYMENT = '7f1d1b7e-8a36-4d55-9d0c-2f1f0e9b6a10';
const SUBSCRIBER = '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21';

describe('assigning an unmatched payment', () => {
	it('finds by an account number or a phone typed the Kenyan way', () => {
		for (const q of ['482913', ' 0712 345 678 ', '+254712345678', 'AB12'])
			expect(findPayerSchema.safeParse({ paymentId: PAYMENT, q }).success, q).toBe(true);
		expect(findPayerSchema.safeParse({ paymentId: PAYMENT, q: ' 482913 ' }).data?.q).toBe('482913');
	});

	it('asks for something to look up, and refuses what can be neither', () => {
		const issues = (q: string) =>
			findPayerSchema
				.safeParse({ paymentId: PAYMENT, q })
				.error?.issues.map((i) => [i.path[0], i.message]);
		expect(issues('   ')).toEqual([['q', 'This is required.']]);
		expect(issues('<script>')?.[0]?.[0]).toBe('q');
		expect(issues('1'.repeat(41))?.[0]?.[0]).toBe('q');
	});

	it('needs a real payment and a real subscriber', () => {
		expect(assignSchema.safeParse({ paymentId: PAYMENT, subscriberId: SUBSCRIBER }).success).toBe(
			true
		);
		expect(
			assignSchema
				.safeParse({ paymentId: 'nope', subscriberId: '' })
				.error?.issues.map((i) => i.path[0])
		).toEqual(['paymentId', 'subscriberId']);
	});
});
