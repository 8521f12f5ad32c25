import { describe, expect, it } from 'vitest';
import { registerSchema } from './schema';

const form = (fields: Record<string, string>) =>
	registerSchema.safeParse({
		name: 'Wanjiru Muthoni',
		phone: '0712 345 678',
		kind: 'hotspot',
		routerId: '7f1d1b7e-8a36-4d55-9d0c-2f1f0e9b6a10',
		packageId: '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21',
		...fields
	});

describe('the registration form', () => {
	it('stores the phone the way Safaricom writes it, whichever way it was typed', () => {
		for (const phone of ['0712 345 678', '+254 712 345 678', '254712345678', '712345678'])
			expect(form({ phone }).data?.phone, phone).toBe('254712345678');
		expect(form({ phone: '0110 123 456' }).data?.phone).toBe('254110123456');
	});

	it('refuses 0712 and other shapes with the phone message', () => {
		for (const phone of ['0712', '0612345678', '07123456789', 'abc']) {
			expect(
				form({ phone }).error?.issues.map((i) => [i.path[0], i.message]),
				phone
			).toEqual([['phone', 'Enter a Safaricom, Airtel or Telkom number like 0712 345 678.']]);
		}
	});

	it('keeps a GPS fix, takes none, and refuses one off the globe', () => {
		expect(form({ latitude: '-1.2921', longitude: '36.8219' }).data).toMatchObject({
			latitude: -1.2921,
			longitude: 36.8219
		});
		expect(form({ latitude: '', longitude: '' }).data).toMatchObject({
			latitude: null,
			longitude: null
		});
		expect(form({ latitude: '91' }).success).toBe(false);
	});
});
