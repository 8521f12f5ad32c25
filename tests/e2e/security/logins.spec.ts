import { expect, test } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';

const PHONE = { width: 360, height: 740 };
test.use({ viewport: PHONE });

test('a manager is told at their next login how many attempts on their account failed', async ({
	page
}) => {
	const login = new LoginPage(page);
	for (let i = 0; i < 3; i++) {
		await login.logIn(LOGINS.kondeleManager, `not-the-password-${i}`);
		await expect(page.getByRole('alert')).toContainText('do not match an account');
	}
	await login.logIn(LOGINS.kondeleManager);
	await expect(page).toHaveURL(/\/manage$/);
	const notice = page.getByTestId('failed-logins-notice');
	await expect(notice).toContainText('3 failed attempts to sign in to your account since');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		PHONE.width
	);
	await notice.getByRole('button', { name: 'OK' }).click();
	await expect(notice).toHaveCount(0);

	// Told once: the next page load has no notice.
	await page.reload();
	await expect(page.getByTestId('home-title')).toBeVisible();
	await expect(page.getByTestId('failed-logins-notice')).toHaveCount(0);
});
