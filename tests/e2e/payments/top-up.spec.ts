import { expect, test } from '@playwright/test';
import { TopUpPage, customerAnswers, expectFitsPhone } from './self-service-pages';

// Demo subscribers of Nyota Net (src/lib/server/demo/seed.ts).
const FATUMA = '254712000103';
const KIPRONO = '254712000104';

test('a subscriber tops up on a 360 px phone and sees the M-Pesa receipt and the new expiry', async ({
	page
}) => {
	await customerAnswers(FATUMA, { resultCode: 0, delayMs: 1_500 });
	const topUp = new TopUpPage(page);
	await topUp.open();
	await expect(page.getByRole('banner')).toContainText('Nyota Net');
	await topUp.find('0712 000 103');
	await expect(page.getByTestId('payer-name')).toHaveText('Fa***a Ha***n');
	await expect(page.getByRole('radio', { name: /^Daily Speed/ })).toBeChecked();
	await expectFitsPhone(page);
	await topUp.pay();

	await expect(page).toHaveURL(/\/pay\/nyota\/status\/[0-9a-f-]{36}$/);
	await expect(page.getByText('Check your phone and enter your M-Pesa PIN')).toBeVisible();
	await expect(page.getByTestId('receipt')).toHaveText(/^[A-Z0-9]{10}$/, { timeout: 20_000 });
	await expect(page.getByTestId('new-expiry')).toContainText('Your Daily package is active until');
	await expectFitsPhone(page);
});

test('a customer who cancels the prompt reads that they cancelled it, and can try again', async ({
	page
}) => {
	await customerAnswers(KIPRONO, { resultCode: 1032, delayMs: 1_000 });
	const topUp = new TopUpPage(page);
	await topUp.open();
	await topUp.find('0712 000 104');
	await topUp.pay('Weekly');
	await expect(page.getByTestId('failure-reason')).toHaveText('You cancelled the M-Pesa request.', {
		timeout: 20_000
	});
	await page.getByRole('link', { name: 'Try again' }).click();
	await expect(page).toHaveURL(/\/pay\/nyota$/);
	await expect(page.getByLabel('Account number or phone')).toBeVisible();
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the top-up works with plain forms, and the status page asks again by itself', async ({
		page
	}) => {
		await customerAnswers(FATUMA, { resultCode: 0, delayMs: 1_000 });
		await page.goto('/pay/nyota');
		await page.getByLabel('Account number or phone').fill('+254 712 000 103');
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByTestId('payer-name')).toHaveText('Fa***a Ha***n');
		await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
		await expect(page).toHaveURL(/\/pay\/nyota\/status\//);
		// The <noscript> refresh reloads the page until M-Pesa has answered.
		await expect(page.getByTestId('receipt')).toHaveText(/^[A-Z0-9]{10}$/, { timeout: 20_000 });
	});
});
