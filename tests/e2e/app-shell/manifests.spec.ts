import { expect, test, type Page } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';
import { TopUpPage, customerAnswers } from '../payments/self-service-pages';

test.use({ viewport: { width: 360, height: 740 } });

/** The manifest the page names now, as the browser would fetch it from the current address. */
async function manifestOf(
	page: Page
): Promise<{ href: string; status: number; type: string; body: Record<string, unknown> | null }> {
	return page.evaluate(async () => {
		const links = document.querySelectorAll<HTMLLinkElement>('link[rel="manifest"]');
		if (links.length !== 1) throw new Error(`${links.length} manifest links`);
		const link = links[0]!;
		const response = await fetch(link.href);
		const type = response.headers.get('content-type') ?? '';
		return {
			href: link.getAttribute('href') ?? '',
			status: response.status,
			type,
			body: response.ok ? await response.json() : null
		};
	});
}

test("the top-up page and the captive portal are their own apps, in the tenant's name and colour", async ({
	page,
	request
}) => {
	for (const area of ['pay', 'portal']) {
		await page.goto(`/${area}/nyota`);
		const manifest = await manifestOf(page);
		expect(manifest.href).toBe(`/${area}/nyota/manifest.webmanifest`);
		expect(manifest.status).toBe(200);
		expect(manifest.type).toContain('application/manifest+json');
		expect(manifest.body).toMatchObject({
			name: 'Nyota Net',
			start_url: `/${area}/nyota`,
			scope: `/${area}/nyota`,
			display: 'standalone',
			theme_color: '#0b7a45'
		});
		const icons = manifest.body!.icons as { src: string; purpose: string }[];
		for (const icon of icons)
			expect((await request.get(icon.src)).headers()['content-type']).toBe('image/png');
		// Launchers crop a maskable icon; the plain ones are shown as they are.
		expect(icons.map((i) => i.purpose)).toEqual(expect.arrayContaining(['any', 'maskable']));
	}
	// Another tenant's page is another app, in its own colour.
	const pwani = await (await request.get('/pay/pwani/manifest.webmanifest')).json();
	expect(pwani).toMatchObject({ name: 'Pwani WiFi', start_url: '/pay/pwani' });
	expect((await request.get('/pay/no-such-isp/manifest.webmanifest')).status()).toBe(404);
});

test('the staff app keeps its manifest, and the link still works after in-app navigation', async ({
	page
}) => {
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	await page.goto('/manage/subscribers');
	await page.waitForLoadState('networkidle');
	expect(await manifestOf(page)).toMatchObject({ href: '/manifest.webmanifest', status: 200 });

	// Deeper, without a page load: a relative link would now point under /manage/subscribers/.
	await page.getByTestId('subscribers').getByRole('link').first().click();
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	const manifest = await manifestOf(page);
	expect(manifest.status).toBe(200);
	// The installed staff app starts in the agent area (a manager is sent on to /manage).
	expect(manifest.body).toMatchObject({ start_url: '/agent?source=pwa', scope: '/' });
});

test("the top-up page's manifest link still works after in-app navigation to the payment's page", async ({
	page
}) => {
	const MWANGI = '254712000102';
	await customerAnswers(MWANGI, { resultCode: 1032, delayMs: 500 });
	const topUp = new TopUpPage(page);
	await topUp.open();
	await topUp.find('0712 000 102');
	await topUp.pay();
	await expect(page).toHaveURL(/\/pay\/nyota\/status\/[0-9a-f-]{36}$/);
	expect(await manifestOf(page)).toMatchObject({
		href: '/pay/nyota/manifest.webmanifest',
		status: 200
	});
	await expect(page.getByTestId('failure-reason')).toBeVisible({ timeout: 20_000 });
	await page.getByRole('link', { name: 'Try again' }).click();
	await expect(page).toHaveURL(/\/pay\/nyota$/);
	expect(await manifestOf(page)).toMatchObject({
		href: '/pay/nyota/manifest.webmanifest',
		status: 200
	});
});
