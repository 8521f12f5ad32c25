import { expect, test, type Page } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';

const PHONE = { width: 360, height: 740 };
// One spec puts a forged answer between the page and the server, which the service worker would
// bypass by fetching the page's data itself (tests/e2e/pwa/ covers the worker).
test.use({ viewport: PHONE, serviceWorkers: 'block' });

async function speak(page: Page, lang: 'en' | 'sw', baseURL: string) {
	await page.context().addCookies([{ name: 'lang', value: lang, url: baseURL }]);
}

test('a page that does not exist inside the app keeps the header, the navigation and a way home', async ({
	page,
	baseURL
}) => {
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	await speak(page, 'en', baseURL!);

	const response = await page.goto('/manage/no-such-page');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.getByTestId('error-page')).toContainText('There is nothing at this address.');
	await expect(page.getByTestId('error-page')).not.toContainText('Not found');
	await expect(page.getByTestId('tenant-name')).toHaveText('Nyota Net');
	await expect(
		page.getByRole('navigation').getByRole('link', { name: 'Subscribers' })
	).toBeVisible();
	await expect(page).toHaveTitle('Page not found · Mtandao');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		PHONE.width
	);

	// A record that is not there (a well-formed id) is the same page, with its way back.
	await page.goto('/manage/subscribers/00000000-0000-4000-8000-000000000000');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await page.getByTestId('error-home').click();
	await expect(page).toHaveURL(/\/manage$/);
	await expect(page.getByTestId('home-title')).toBeVisible();
});

test('the 404 page speaks Swahili to a Swahili reader', async ({ page, baseURL }) => {
	await new LoginPage(page).logIn(LOGINS.nyotaAgent);
	await expect(page).toHaveURL(/\/agent$/);
	await speak(page, 'sw', baseURL!);

	// An agent opening a manager's page is told it is not there, in the agent's own app.
	for (const path of ['/agent/hakuna', '/manage/team']) {
		const response = await page.goto(path);
		expect(response?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ukurasa haupatikani');
		await expect(page.getByTestId('error-page')).toContainText('Hakuna kitu kwenye anwani hii.');
		await expect(page.getByRole('navigation').getByRole('link', { name: 'Mwanzo' })).toBeVisible();
		await expect(page.getByTestId('error-home')).toHaveText('Nenda mwanzo');
		await expect(page.getByTestId('error-home')).toHaveAttribute('href', '/agent');
		await expect(page.locator('html')).toHaveAttribute('lang', 'sw');
		await expect(page).toHaveTitle('Ukurasa haupatikani · Mtandao');
	}
});

test('a server error keeps the layout and shows no stack, only a reference to quote', async ({
	page,
	baseURL
}) => {
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	await speak(page, 'en', baseURL!);
	await page.reload();
	await page.waitForLoadState('networkidle');

	// The server's answer to the next in-app navigation: the page's load failed (SvelteKit's own
	// format for it), and the message carries a stack trace, as a careless handler would send it.
	await page.route('**/manage/packages/__data.json*', async (route) => {
		const answer = await (await route.fetch()).json();
		answer.nodes[answer.nodes.length - 1] = {
			type: 'error',
			error: { message: 'TypeError: boom\n    at load (/app/src/routes/x.ts:1:1)', id: 'ref-1234' },
			status: 500
		};
		await route.fulfill({
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify(answer)
		});
	});
	await page.getByRole('navigation').getByRole('link', { name: 'Packages' }).click();

	const error = page.getByTestId('error-page');
	await expect(error).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Something went wrong');
	await expect(error).toContainText('Something went wrong on our side. Please try again.');
	await expect(error).not.toContainText('TypeError');
	await expect(error).not.toContainText('/app/src');
	await expect(error).toContainText('ref-1234');
	await expect(page.getByTestId('tenant-name')).toHaveText('Nyota Net');
	await expect(page.getByRole('navigation').getByRole('link', { name: 'Routers' })).toBeVisible();
	await expect(page.getByTestId('logout')).toBeVisible();
	await expect(page).toHaveTitle('Something went wrong · Mtandao');
});

test("a public page that does not exist stays in the network's own page", async ({ page }) => {
	const response = await page.goto('/pay/nyota/no-such-page');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.locator('header')).toContainText('Nyota Net');
	await expect(page.getByTestId('error-home')).toHaveAttribute('href', '/pay/nyota');
	await expect(page).toHaveTitle('Page not found · Nyota Net');

	// No such network: said plainly, with no staff login to wander into.
	const unknown = await page.goto('/pay/no-such-isp');
	expect(unknown?.status()).toBe(404);
	await expect(page.getByTestId('error-page')).toBeVisible();
	await expect(page.getByTestId('error-home')).toHaveCount(0);
	expect(await page.title()).not.toBe('');
});

test("an address outside every area is answered in the reader's language", async ({
	page,
	baseURL
}) => {
	await speak(page, 'sw', baseURL!);
	const response = await page.goto('/hakuna-kitu');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ukurasa haupatikani');
	await expect(page).toHaveTitle('Ukurasa haupatikani · Mtandao');
	// A reference number is for server errors; a wrong address needs none.
	await expect(page.getByTestId('error-page')).not.toContainText('Kumbukumbu');
});
