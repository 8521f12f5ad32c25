import { describe, expect, it } from 'vitest';
import { cashItem, fieldErrors, registrationItem } from './schemas';

const PACKAGE = '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21';
const SUBSCRIBER = '7f1d1b7e-8a36-4d55-9d0c-2f1f0e9b6a10';

const registration = (fields: Record<string, unknown>) =>
	registrationItem.safeParse({
		name: 'Wanjiru Muthoni',
		phone: '0712 345 678',
		kind: 'hotspot',
		packageId: PACKAGE,
		...fields
	});

describe('a queued registration', () => {
	it('stores the phone the way Safaricom writes it and drops blank optional text', () => {
		expect(registration({ idNumber: ' ', notes: '' }).data).toEqual({
			name: 'Wanjiru Muthoni',
			phone: '254712345678',
			kind: 'hotspot',
			packageId: PACKAGE
		});
	});

	it('parses its own output again unchanged (the server checks what the phone checked)', () => {
		const once = registration({ latitude: -1.29, longitude: 36.82, notes: 'Blue gate' }).data;
		expect(registrationItem.parse(once)).toEqual(once);
	});

	it('names each bad field once with its message', () => {
		const result = registration({
			phone: '0712',
			packageId: 'not-a-uuid',
			notes: 'x'.repeat(5 * 1024 * 1024),
			idNumber: '1'.repeat(21)
		});
		expect(result.success).toBe(false);
		expect(fieldErrors(result.error!)).toEqual({
			phone: 'Enter a Safaricom, Airtel or Telkom number like 0712 345 678.',
			packageId: 'Choose one from the list.',
			notes: 'This is too long.',
			idNumber: 'This is too long.'
		});
	});

	it('takes a GPS fix whole or not at all, and never one off the globe', () => {
		expect(registration({ latitude: -1.29 }).success).toBe(false);
		expect(registration({ latitude: 91, longitude: 36 }).success).toBe(false);
		expect(registration({ latitude: -1.29, longitude: 36.82 }).success).toBe(true);
	});
});

describe('a queued cash item', () => {
	it('points at exactly one subscriber: on the server, or queued on the phone', () => {
		expect(cashItem.safeParse({ subscriberId: SUBSCRIBER, amountKes: 500 }).success).toBe(true);
		expect(cashItem.safeParse({ subscriberRef: SUBSCRIBER, amountKes: 500 }).success).toBe(true);
		expect(cashItem.safeParse({ amountKes: 500 }).success).toBe(false);
		expect(
			cashItem.safeParse({ subscriberId: SUBSCRIBER, subscriberRef: SUBSCRIBER, amountKes: 500 })
				.success
		).toBe(false);
	});

	it('takes whole shillings from 1 to 150,000, typed as people write them', () => {
		const amount = (amountKes: unknown) =>
			cashItem.safeParse({ subscriberId: SUBSCRIBER, amountKes }).data?.amountKes;
		expect(amount('1,500')).toBe(1500);
		expect(amount('1 500')).toBe(1500);
		expect(amount(150_000)).toBe(150_000);
		for (const bad of [0, 150_001, 12.5, '12.5', 'abc', '', -5])
			expect(amount(bad), String(bad)).toBeUndefined();
	});
});
