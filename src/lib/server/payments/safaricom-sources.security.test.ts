import { describe, expect, it } from 'vitest';

process.env.MTANDAO_MODE = 'production';
process.env.PUBLIC_URL = 'https://billing.example.co.ke';
delete process.env.MPESA_ALLOWED_IPS;
const { fromSafaricom, sourcesWarning } = await import('./safaricom-sources');
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
