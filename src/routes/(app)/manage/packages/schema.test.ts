import { describe, expect, it } from 'vitest';
import { newPackageSchema } from './schema';

const form = (fields: Record<string, string>) =>
	newPackageSchema.safeParse({
		name: 'Daily',
		kind: 'hotspot',
		priceKes: '50',
		validityCount: '1',
		validityUnit: 'days',
		rateLimit: '2M/5M',
		sharedDevices: '1',
		...fields
	});
const fieldsWithErrors = (fields: Record<string, string>) => [
	...new Set(form(fields).error?.issues.map((i) => i.path[0]))
];

describe('the package form', () => {
	it('reads a daily 2M/5M hotspot package for KES 50 with no data cap', () => {
		expect(form({}).data).toEqual({
			name: 'Daily',
			kind: 'hotspot',
			priceKes: 50,
			validityCount: 1,
			validityUnit: 'days',
			rateLimit: '2M/5M',
			dataCapMb: null,
			sharedDevices: 1
		});
	});

	it('refuses a rate limit like 5X/2 and takes 512k/2m written loosely', () => {
		expect(fieldsWithErrors({ rateLimit: '5X/2' })).toEqual(['rateLimit']);
		expect(fieldsWithErrors({ rateLimit: '5M' })).toEqual(['rateLimit']);
		expect(form({ rateLimit: ' 512K / 2m ' }).data?.rateLimit).toBe('512k/2M');
	});

	it('wants whole shillings from 1, and 1–50 devices', () => {
		for (const priceKes of ['0', '49.50', '-5', 'fifty', ''])
			expect(fieldsWithErrors({ priceKes }), priceKes).toEqual(['priceKes']);
		for (const sharedDevices of ['0', '51'])
			expect(fieldsWithErrors({ sharedDevices })).toEqual(['sharedDevices']);
	});

	it('reads a data cap in MB, blank meaning unlimited', () => {
		expect(form({ dataCapMb: '500' }).data?.dataCapMb).toBe(500);
		expect(form({ dataCapMb: ' ' }).data?.dataCapMb).toBeNull();
		expect(fieldsWithErrors({ dataCapMb: '1.5' })).toEqual(['dataCapMb']);
	});

	it('refuses a data cap on a PPPoE package with a field message (PPPoE quotas do not exist yet)', () => {
		expect(fieldsWithErrors({ kind: 'pppoe', dataCapMb: '5000' })).toEqual(['dataCapMb']);
		expect(form({ kind: 'pppoe', dataCapMb: '' }).data?.dataCapMb).toBeNull();
		expect(form({ kind: 'hotspot', dataCapMb: '5000' }).data?.dataCapMb).toBe(5000);
	});
});
