import { describe, expect, it } from 'vitest';
import { buySchema } from './schema';

const PACKAGE = '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21';
const issues = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
	result.error?.issues.map((i) => [i.path[0], i.message]);
const form = (fields: Record<string, string>) =>
	buySchema.safeParse({
		phone: '0712 345 678',
		packageId: PACKAGE,
		mac: '02:00:5e:10:00:01',
		ip: '10.5.50.23',
		'link-login-only': 'http://10.5.50.1/login',
		'link-orig': 'http://example.com/',
		...fields
	});

describe('buying on the captive portal', () => {
	it('keeps the device as RouterOS writes it', () => {
		expect(form({}).data).toMatchObject({
			phone: '254712345678',
			mac: '02:00:5E:10:00:01',
			ip: '10.5.50.23',
			router: ''
		});
	});

	it('sells without device details too (the customer opened the page directly)', () => {
		expect(buySchema.parse({ phone: '0712345678', packageId: PACKAGE })).toMatchObject({
			mac: null,
			ip: null,
			'link-login-only': null,
			'link-orig': null
		});
	});

	it('asks for a proper phone and a tapped package', () => {
		for (const phone of ['', '0712', '+1 202 555 0100'])
			expect(issues(form({ phone })), phone).toEqual([
				['phone', 'Enter your M-Pesa number like 0712 345 678.']
			]);
		expect(issues(form({ packageId: '' }))).toEqual([['packageId', 'Tap a package.']]);
	});

	it('refuses tampered device fields instead of trusting them', () => {
		expect(
			issues(form({ mac: 'zz', 'link-login-only': 'javascript:alert(1)', router: 'first' }))?.map(
				([field]) => field
			)
		).toEqual(['mac', 'link-login-only', 'router']);
	});
});
