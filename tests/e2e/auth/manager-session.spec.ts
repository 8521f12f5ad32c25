import { expect, test } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';

test('a manager logs in on a phone, sees the tenant home, switches to Kiswahili and logs out', async ({
	page,
	browser
}) => {
	const login = new LoginPage(page);
	await login.logIn(LOGINS.nyotaManager);

	await expect(page).toHaveURL(/\/manage$/);
	await expect(page.getByTestId('home-title')).toHaveText('Nyota Net');
	await expect(page.getByTestId('sub-tenants')).toContainText('Nyota Kondele');
	await expect(page.getByTestId('sub-tenants')).not.toContainText('Pwani');
	// Nothing is wider than the phone.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

	await page.getByTestId('language-switch').click();
	await expect(page.getByRole('navigation')).toContainText('Mwanzo');
	await expect(
		page.getByRole('navigation').getByRole('link', { name: 'Zaidi', exact: true })
	).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'sw');

	// The choice follows the account: a new login on another phone speaks Kiswahili too.
	const otherPhone = await browser.newContext({ viewport: { width: 360, height: 740 } });
	const other = await otherPhone.newPage();
	await new LoginPage(other).logIn(LOGINS.nyotaManager);
	await expect(other.getByRole('navigation')).toContainText('Mwanzo');
	await otherPhone.close();

	await page.getByTestId('logout').click();
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('heading', { name: 'Ingia' })).toBeVisible();
	await page.getByTestId('language-switch').click();
	await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();

	// The session is gone on the server: the old pages send us back to the login.
	await page.goto('/manage');
	await expect(page).toHaveURL(/\/login/);
});

test('a wrong password and an unknown account get the same answer', async ({ page }) => {
	const login = new LoginPage(page);
	await login.logIn(LOGINS.pwaniManager, 'wrong-password');
	const known = await page.getByRole('alert').textContent();
	await login.logIn('0799999999', 'wrong-password');
	const unknown = await page.getByRole('alert').textContent();
	expect(known).toBeTruthy();
	expect(unknown).toBe(known);
});
