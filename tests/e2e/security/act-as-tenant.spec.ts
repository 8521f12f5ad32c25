import { expect, test, type Page } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';
import { PackagesPage } from '../network/network-pages';

const PHONE = { width: 360, height: 740 };
test.use({ viewport: PHONE });

async function expectFitsThePhone(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		PHONE.width
	);
}

const dailyPackage = (name: string) => ({
	name,
	price: '30',
	validity: '1',
	unit: 'Days',
	rate: '2M/2M'
});

test('the platform admin changes nothing in a tenant until acting as it, with a reason, and stops when done', async ({
	page
}) => {
	const name = `Act-as ${Date.now() % 100000}`;
	await new LoginPage(page).logIn(LOGINS.platform);
	await expect(page).toHaveURL(/\/platform$/);

	// Read-only: a write from the tenant pages is refused with the reason, and nothing is created.
	await page.goto('/manage/packages');
	await new PackagesPage(page).create(dailyPackage(name));
	await expect(
		page.getByText(/Read-only: a platform admin must start “act as tenant”/)
	).toBeVisible();
	await page.goto('/manage/packages');
	await expect(page.getByText(name)).toHaveCount(0);

	// Without JavaScript too: a plain form post is a 403.
	const refused = await page.request.post('/manage/packages?/create', {
		form: {
			name,
			kind: 'hotspot',
			priceKes: '30',
			validityCount: '1',
			validityUnit: 'days',
			rateLimit: '2M/2M',
			sharedDevices: '1'
		},
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(refused.status()).toBe(403);

	// Act as Pwani WiFi: a reason is required.
	await page.goto('/platform');
	await page
		.getByTestId('tenants')
		.getByRole('link', { name: /Pwani WiFi/ })
		.click();
	const reason = page.getByLabel('Reason');
	await expect(reason).toHaveAttribute('required', '');
	await reason.fill('Manager asked for a new package on the phone (ticket 4411)');
	await expectFitsThePhone(page);
	await page.getByRole('button', { name: 'Start acting as this tenant' }).click();

	// The banner is on every page while the grant lasts, and the tenant's pages are Pwani's.
	await expect(page).toHaveURL(/\/manage$/);
	const banner = page.getByTestId('act-as-banner');
	await expect(banner).toContainText('Acting as Pwani WiFi until');
	await expect(page.getByTestId('tenant-name')).toHaveText('Pwani WiFi');
	await expectFitsThePhone(page);
	await page.goto('/manage/packages');
	await expect(banner).toBeVisible();
	await new PackagesPage(page).create(dailyPackage(name));
	await page.goto('/manage/packages');
	await expect(page.getByText(name)).toBeVisible();
	await expectFitsThePhone(page);

	// Stop: the banner goes, writes are refused again, and both ends are in the tenant's activity.
	await page.getByTestId('act-as-stop').click();
	await expect(page).toHaveURL(/\/platform\/tenants\//);
	await expect(banner).toHaveCount(0);
	const activity = page.getByTestId('activity');
	await expect(activity).toContainText('Platform admin started acting as the tenant');
	await expect(activity).toContainText('Platform admin stopped acting as the tenant');
	const after = await page.request.post('/manage/packages?/create', {
		form: {
			name: `${name} again`,
			kind: 'hotspot',
			priceKes: '30',
			validityCount: '1',
			validityUnit: 'days',
			rateLimit: '2M/2M',
			sharedDevices: '1'
		},
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(after.status()).toBe(403);
});

test('a tenant manager is not touched by the rule', async ({ page }) => {
	await new LoginPage(page).logIn(LOGINS.pwaniManager);
	await expect(page).toHaveURL(/\/manage$/);
	await page.goto('/manage/packages');
	const name = `Own ${Date.now() % 100000}`;
	await new PackagesPage(page).create(dailyPackage(name));
	await page.goto('/manage/packages');
	await expect(page.getByText(name)).toBeVisible();
	await expect(page.getByTestId('act-as-banner')).toHaveCount(0);
});
