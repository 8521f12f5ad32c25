import { expect, test } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';

// The e2e server is a demo: whoever is signed in sees that nothing there is real, on every staff
// page, in their language, within a 360 px phone.
test('every staff page of the demo says DEMO, in English and Kiswahili, within 360 px', async ({
	page
}) => {
	await new LoginPage(page).logIn(LOGINS.nyotaAgent);
	await expect(page).toHaveURL(/\/agent$/);
	await expect(page.getByTestId('demo-banner')).toHaveText('DEMO');
	await page.getByTestId('logout').click();

	await new LoginPage(page).logIn(LOGINS.platform);
	await expect(page).toHaveURL(/\/platform$/);
	for (const path of ['/platform', '/account/password']) {
		await page.goto(path);
		await expect(page.getByTestId('demo-banner')).toHaveText('DEMO');
		const box = (await page.getByTestId('demo-banner').boundingBox())!;
		expect(box.x + box.width).toBeLessThanOrEqual(360);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			360
		);
	}
	await page.getByTestId('language-switch').click();
	await expect(page.getByTestId('demo-banner')).toHaveText('MAJARIBIO');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.getByTestId('language-switch').click();
	await expect(page.getByTestId('demo-banner')).toHaveText('DEMO');
});
