import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { securityHeadersHandle } from './security-headers';
import { allowFormTarget } from '$lib/server/http/content-security';

const POLICY =
	"default-src 'self'; script-src 'self' 'nonce-abc'; form-action 'self'; frame-ancestors 'none'";

async function headersFor(url: string, formTargets: (string | null)[] = []) {
	const locals = {} as App.Locals;
	for (const target of formTargets) allowFormTarget(locals, target);
	const event = { url: new URL(url), locals } as unknown as RequestEvent;
	const response = await securityHeadersHandle({
		event,
		resolve: async () =>
			new Response('<p>ok</p>', {
				headers: { 'content-type': 'text/html', 'content-security-policy': POLICY }
			})
	});
	return response.headers;
}

describe('security headers', () => {
	it('send HSTS over https only', async () => {
		expect(
			(await headersFor('https://billing.example.co.ke/manage')).get('strict-transport-security')
		).toMatch(/^max-age=31536000/);
		expect(
			(await headersFor('http://127.0.0.1:3000/manage')).get('strict-transport-security')
		).toBeNull();
	});

	it('forbid framing on every page, the captive portal included', async () => {
		for (const path of [
			'/manage',
			'/pay/nyota',
			'/portal/nyota',
			'/portal/nyota/status/x',
			'/login'
		]) {
			expect(
				(await headersFor(`https://billing.example.co.ke${path}`)).get('x-frame-options'),
				path
			).toBe('DENY');
		}
	});

	it("add only the hotspot login page's origin to form-action, and nothing that is not an address", async () => {
		const policy = (
			await headersFor('https://billing.example.co.ke/portal/nyota', [
				'http://10.5.50.1/login?x=1',
				"http://a.lan; script-src 'unsafe-inline'",
				null
			])
		).get('content-security-policy');
		expect(policy).toBe(
			"default-src 'self'; script-src 'self' 'nonce-abc'; form-action 'self' http://10.5.50.1; frame-ancestors 'none'"
		);
		expect(
			(await headersFor('https://billing.example.co.ke/portal/nyota')).get(
				'content-security-policy'
			)
		).toBe(POLICY);
	});
});
