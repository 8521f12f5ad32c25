import { describe, expect, it } from 'vitest';
import { isRedirect } from '@sveltejs/kit';
import { actions } from './+page.server';

const ORIGIN = 'https://billing.example.co.ke';

async function switchLanguage(back: string): Promise<string> {
	const body = new URLSearchParams({ lang: 'sw', back });
	const event = {
		request: new Request(`${ORIGIN}/language`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		}),
		url: new URL(`${ORIGIN}/language`),
		cookies: { set: () => {} },
		locals: { user: null, tenantId: null }
	};
	try {
		await (actions.default as unknown as (e: typeof event) => Promise<unknown>)(event);
	} catch (thrown) {
		if (isRedirect(thrown)) return thrown.location;
		throw thrown;
	}
	throw new Error('no redirect');
}

describe('the language switch', () => {
	it('goes back to the page it was on', async () => {
		expect(await switchLanguage('/pay/nyota?x=1')).toBe('/pay/nyota?x=1');
	});

	it.each([
		'/\t/evil.example',
		'/\\evil.example',
		'//evil.example',
		'https:evil.example',
		'/..//evil.example',
		'/%2e%2e//evil.example'
	])('goes home instead of to %j', async (back) => {
		expect(await switchLanguage(back)).toBe('/');
	});
});
