import { describe, expect, it } from 'vitest';

process.env.MTANDAO_MODE = 'production';
process.env.PUBLIC_URL = 'https://billing.example.co.ke';
delete process.env.MPESA_ALLOWED_IPS;
const { allowedByTenant, fromSafaricom, sourcesWarning } = await import('./safaricom-sources');
const { publicUrl } = await import('../config');

describe('a production server without MPESA_ALLOWED_IPS', () => {
	it('says so at start-up in one line, and takes callbacks from any address', () => {
		expect(sourcesWarning()).toMatch(/^Warning: MPESA_ALLOWED_IPS is not set[^\n]*$/);
		expect(fromSafaricom('203.0.113.7')).toBe(true);
	});

	it('builds outside URLs from PUBLIC_URL alone', () => {
		expect(publicUrl()).toBe('https://billing.example.co.ke');
	});
});

describe("a tenant's own callback allowlist", () => {
	it('lets everyone in when it is empty', () => {
		expect(allowedByTenant(null, '10.0.0.1')).toBe(true);
		expect(allowedByTenant([], null)).toBe(true);
	});

	it('matches single addresses and prefixes, also IPv4-mapped IPv6', () => {
		const list = ['196.201.214.200', '196.201.213.0/24'];
		expect(allowedByTenant(list, '196.201.214.200')).toBe(true);
		expect(allowedByTenant(list, '::ffff:196.201.213.44')).toBe(true);
		expect(allowedByTenant(list, '196.201.214.201')).toBe(false);
		expect(allowedByTenant(list, '196.201.212.1')).toBe(false);
		expect(allowedByTenant(list, null)).toBe(false);
		expect(allowedByTenant(['0.0.0.0/0'], '8.8.8.8')).toBe(true);
	});
});
