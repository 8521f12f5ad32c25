import { expect, test } from '@playwright/test';
import { LOGINS, PASSWORD } from '../fixtures/login';

// `/\t/evil.example`: a browser drops the tab and opens //evil.example, another site.
const EVIL = encodeURIComponent('/\t/evil.example');

test('a login link with next=/\\t/evil.example lands on our own home page', async ({
	page,
	baseURL
}) => {
	await page.goto(`/login?next=${EVIL}`);
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Phone number or email').fill(LOGINS.nyotaManager);
	await page.getByLabel(/^Password$/).fill(PASSWORD);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForURL((url) => url.pathname !== '/login');
	expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
	await expect(page).toHaveURL(/\/manage$/);
});

test('the language switch does not follow a back address to another site', async ({
	request,
	baseURL
}) => {
	const answer = await request.post('/language', {
		form: { lang: 'sw', back: '/\t/evil.example' },
		maxRedirects: 0,
		headers: { accept: 'text/html', origin: baseURL! }
	});
	expect(answer.status()).toBe(303);
	expect(answer.headers()['location']).toBe('/');
});
