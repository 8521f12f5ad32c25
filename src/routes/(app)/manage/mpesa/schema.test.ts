import { describe, expect, it } from 'vitest';
import { mpesaSettingsSchema, parseAllowlist } from './schema';

const form = (fields: Record<string, string>) =>
	mpesaSettingsSchema.safeParse({
		kind: 'paybill',
		shortcode: '174379',
		environment: 'sandbox',
		...fields
	});
const fieldsWithErrors = (fields: Record<string, string>) =>
	form(fields).error?.issues.map((i) => i.path[0]);

describe('the M-Pesa settings form', () => {
	it('keeps the stored keys when their fields are left blank', () => {
		expect(form({ consumerKey: '', consumerSecret: '  ', passkey: '' }).data).toMatchObject({
			consumerKey: undefined,
			consumerSecret: undefined,
			passkey: undefined
		});
		expect(form({ consumerKey: ' abc ' }).data?.consumerKey).toBe('abc');
	});

	it('takes a paybill of 5 to 7 digits and refuses anything else', () => {
		expect(form({ shortcode: '600101' }).success).toBe(true);
		for (const shortcode of ['1234', '12345678', '17437a', ''])
			expect(fieldsWithErrors({ shortcode }), shortcode).toEqual(['shortcode']);
	});

	it('asks for the till number only for buy goods, and drops it for a paybill', () => {
		expect(fieldsWithErrors({ kind: 'till', tillNumber: '' })).toEqual(['tillNumber']);
		expect(fieldsWithErrors({ kind: 'till', tillNumber: '12ab' })).toEqual(['tillNumber']);
		expect(form({ kind: 'till', tillNumber: '5123456' }).data?.tillNumber).toBe('5123456');
		expect(form({ kind: 'paybill', tillNumber: '5123456' }).data?.tillNumber).toBeNull();
	});

	it('needs an http(s) address for a custom environment and forgets it otherwise', () => {
		expect(form({ environment: 'custom', baseUrl: 'http://127.0.0.1:18089/' }).data?.baseUrl).toBe(
			'http://127.0.0.1:18089'
		);
		for (const baseUrl of ['', 'ftp://x.example', 'not a url', 'https://u:p@x.example'])
			expect(fieldsWithErrors({ environment: 'custom', baseUrl }), baseUrl).toEqual(['baseUrl']);
		expect(
			form({ environment: 'production', baseUrl: 'http://ignored.example' }).data?.baseUrl
		).toBeNull();
		expect(fieldsWithErrors({ environment: 'mars' })).toEqual(['environment']);
	});

	it('reads an allowlist separated by commas or lines, and names the entries it cannot read', () => {
		expect(parseAllowlist('196.201.214.200, 196.201.214.0/24\n196.201.214.200')).toEqual({
			entries: ['196.201.214.200', '196.201.214.0/24'],
			bad: []
		});
		expect(parseAllowlist('2001:db8::/32; ::ffff:196.201.214.9')).toEqual({
			entries: ['2001:db8::/32', '::ffff:196.201.214.9'],
			bad: []
		});
		expect(form({ callbackIpAllowlist: '' }).data?.callbackIpAllowlist).toBeNull();
		const failed = form({ callbackIpAllowlist: '10.0.0.1\n300.1.1.1, 10.0.0.0/33' });
		expect(failed.error?.issues.map((i) => [i.path[0], i.message])).toEqual([
			['callbackIpAllowlist', expect.stringContaining('300.1.1.1, 10.0.0.0/33')]
		]);
	});

	it('reads the strict validation checkbox', () => {
		expect(form({ strictValidation: 'on' }).data?.strictValidation).toBe(true);
		expect(form({}).data?.strictValidation).toBe(false);
	});

	it('reports several bad fields at once', () => {
		expect(fieldsWithErrors({ shortcode: '12', environment: 'custom', baseUrl: '' })).toEqual(
			expect.arrayContaining(['shortcode', 'baseUrl'])
		);
	});
});
