import { describe, expect, it } from 'vitest';
import { hotspotLoginAddress } from './hotspot-login';

const fields: [string, string][] = [
	['username', 'MT-12345'],
	['password', 'pa ss&word'],
	['dst', 'http://example.com/news?a=1'],
	['popup', 'true']
];

describe('the hotspot login from our page', () => {
	it('follows an address carrying the fields when our page is https and the hotspot’s is http', () => {
		const address = new URL(hotspotLoginAddress('http://10.5.50.1/login', fields, 'https:')!);
		expect(address.origin + address.pathname).toBe('http://10.5.50.1/login');
		expect(Object.fromEntries(address.searchParams)).toEqual(Object.fromEntries(fields));
	});

	it('posts the form as written otherwise', () => {
		expect(hotspotLoginAddress('http://10.5.50.1/login', fields, 'http:')).toBeNull();
		expect(hotspotLoginAddress('https://login.hotspot.lan/login', fields, 'https:')).toBeNull();
	});
});
