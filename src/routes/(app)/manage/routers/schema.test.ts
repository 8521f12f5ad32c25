import { describe, expect, it } from 'vitest';
import { isHostOrIpv4, routerSchema } from './schema';

const form = (fields: Record<string, string>) =>
	routerSchema.safeParse({ name: 'Kibera HQ', host: '10.0.0.1', username: 'mtandao', ...fields });

describe('the router form', () => {
	it('takes IPv4 addresses and host names, and refuses what can be neither', () => {
		for (const host of [
			'192.168.88.1',
			'10.0.0.1',
			'hq.example.co.ke',
			'router-1',
			'HQ.Example.CO.KE'
		])
			expect(isHostOrIpv4(host), host).toBe(true);
		for (const host of [
			'10.0.0.300',
			'1.2.3',
			'http://10.0.0.1',
			'hq example',
			'-bad.example',
			'a..b',
			'',
			'999.1.1.1'
		])
			expect(isHostOrIpv4(host), host).toBe(false);
	});

	it('defaults the port to 8728, or 8729 with TLS, and refuses ports outside 1–65535', () => {
		expect(form({}).data?.port).toBe(8728);
		expect(form({ tls: 'on' }).data).toMatchObject({ port: 8729, tls: true });
		expect(form({ port: '18728' }).data?.port).toBe(18728);
		for (const port of ['0', '65536', '70000', '87a', '-1'])
			expect(form({ port }).error?.issues[0]?.path, port).toEqual(['port']);
	});

	it('accepts an empty password, which a fresh MikroTik admin has', () => {
		expect(form({ password: '' }).data?.password).toBe('');
		expect(form({}).data).toMatchObject({ password: '', hotspotServer: 'all', noPassword: false });
	});

	it('reports a bad host and a bad port together', () => {
		const paths = form({ host: '10.0.0.300', port: '70000' }).error?.issues.map((i) => i.path[0]);
		expect(paths).toEqual(expect.arrayContaining(['host', 'port']));
	});
});
