import { describe, expect, it } from 'vitest';
import { cashSchema, editSchema, promptSchema, reverseSchema } from './schema';

const PACKAGE = '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21';
const fieldsOf = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
	result.error?.issues.map((i) => i.path[0]);

describe('recording cash', () => {
	it('takes whole shillings as people type them', () => {
		expect(cashSchema.safeParse({ amountKes: '1,500' }).data).toEqual({
			amountKes: 1500,
			note: '',
			buyPackage: false
		});
		expect(
			cashSchema.safeParse({ amountKes: ' 1 000 000 ', note: ' At the shop ', buyPackage: 'on' })
				.data
		).toEqual({ amountKes: 1_000_000, note: 'At the shop', buyPackage: true });
		expect(cashSchema.safeParse({ amountKes: '1' }).data?.amountKes).toBe(1);
	});

	it('refuses nothing, cents, negatives and more than a million', () => {
		for (const amountKes of ['0', '1000001', '50.50', '-20', 'fifty', ''])
			expect(fieldsOf(cashSchema.safeParse({ amountKes })), amountKes).toEqual(['amountKes']);
		expect(cashSchema.safeParse({ amountKes: '' }).error?.issues[0]?.message).toBe(
			'This is required.'
		);
	});

	it('keeps notes short', () => {
		expect(fieldsOf(cashSchema.safeParse({ amountKes: '50', note: 'x'.repeat(201) }))).toEqual([
			'note'
		]);
	});
});

describe('reversing a credit', () => {
	it('needs the entry and a reason', () => {
		expect(
			reverseSchema.safeParse({ entryId: '42', note: 'Typed 500 instead of 50' }).data
		).toEqual({ entryId: 42, note: 'Typed 500 instead of 50' });
		expect(fieldsOf(reverseSchema.safeParse({ entryId: '42', note: ' ' }))).toEqual(['note']);
		for (const entryId of ['0', '-1', 'abc', '1.5', ''])
			expect(fieldsOf(reverseSchema.safeParse({ entryId, note: 'mistake' })), entryId).toEqual([
				'entryId'
			]);
	});
});

describe('sending an M-Pesa prompt', () => {
	it("defaults to the subscriber's phone and takes another typed the Kenyan way", () => {
		expect(promptSchema.safeParse({ packageId: PACKAGE, phone: '' }).data).toEqual({
			packageId: PACKAGE,
			phone: null
		});
		expect(promptSchema.safeParse({ packageId: PACKAGE }).data?.phone).toBeNull();
		expect(promptSchema.safeParse({ packageId: PACKAGE, phone: '0712 345 678' }).data?.phone).toBe(
			'254712345678'
		);
	});

	it('refuses a short phone and a missing package with field messages', () => {
		const result = promptSchema.safeParse({ packageId: '', phone: '0712' });
		expect(result.error?.issues.map((i) => [i.path[0], i.message])).toEqual([
			['packageId', 'Choose one from the list.'],
			['phone', 'Enter a Safaricom, Airtel or Telkom number like 0712 345 678.']
		]);
	});
});

describe('editing a subscriber', () => {
	const ROUTER = '7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

	it('normalises the phone as registration does, trims the name, and keeps the package when left blank', () => {
		expect(
			editSchema.safeParse({
				name: '  Chebet Kiprotich ',
				phone: '+254 722 000 111',
				kind: 'pppoe',
				routerId: ROUTER,
				packageId: ''
			}).data
		).toEqual({
			name: 'Chebet Kiprotich',
			phone: '254722000111',
			kind: 'pppoe',
			routerId: ROUTER,
			packageId: undefined,
			sharedPhone: false
		});
		expect(
			editSchema.safeParse({
				name: 'Ab',
				phone: '0110 123 456',
				kind: 'hotspot',
				routerId: ROUTER,
				packageId: PACKAGE,
				sharedPhone: 'on'
			}).data
		).toMatchObject({
			phone: '254110123456',
			packageId: PACKAGE,
			sharedPhone: true
		});
	});

	it('names every wrong field at once', () => {
		const result = editSchema.safeParse({
			name: 'x'.repeat(81),
			phone: '0712',
			kind: 'castle',
			routerId: 'nope',
			packageId: "' or 1=1 --"
		});
		expect(fieldsOf(result)?.sort()).toEqual(['kind', 'name', 'packageId', 'phone', 'routerId']);
		expect(fieldsOf(editSchema.safeParse({}))?.sort()).toEqual([
			'kind',
			'name',
			'phone',
			'routerId'
		]);
	});
});
