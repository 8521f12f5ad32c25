import { expect, test, type Page } from '@playwright/test';
import { normalizeMsisdn } from '../../../src/lib/phone';
import { TopUpPage, customerAnswers, expectFitsPhone, newDevice } from './self-service-pages';

/** Pays for "1 Hour" on the portal opened straight, without the hotspot's login page: no MAC, no IP. */
async function buyWithoutDeviceDetails(page: Page) {
	const { phone } = newDevice();
	await customerAnswers(normalizeMsisdn(phone)!, { resultCode: 0, delayMs: 500 });
	await page.goto('/portal/nyota');
	await page.waitForLoadState('networkidle');
	await page.locator('input[name="phone"]').fill(phone);
	await page
		.getByTestId('package-card')
		.filter({ has: page.locator('.name', { hasText: /^1 Hour$/ }) })
		.click();
	await expect(page.getByTestId('receipt')).toHaveText(/^[A-Z0-9]{10}$/, { timeout: 20_000 });
}

test.describe('the hotspot success page', () => {
	test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

	test('shows the login large with copy buttons, and says what to tap instead of an error when the router gave no device', async ({
		page
	}) => {
		await buyWithoutDeviceDetails(page);
		const username = page.getByTestId('hotspot-username');
		const password = page.getByTestId('hotspot-password');
		await expect(username).toHaveText(/^\d+$/);
		await expect(password).toHaveText(/^[a-z2-9]{8}$/);
		// Large enough to read off one phone and type into another.
		expect(
			parseFloat(await password.evaluate((el) => getComputedStyle(el).fontSize))
		).toBeGreaterThanOrEqual(24);

		// No red error: the payment went through, and the buyer is told what to do, in the words of
		// the portal's own buttons ("Already paid? Log in", then "Log in").
		await expect(page.getByTestId('login-problem')).toHaveCount(0);
		await expect(page.locator('.alert')).toHaveCount(0);
		await expect(page.getByTestId('login-how')).toHaveText(
			'To go online: join the hotspot’s Wi-Fi, open any website, tap “Already paid? Log in”, enter the username and password above, then tap “Log in”.'
		);

		const copyPassword = page.getByRole('button', { name: 'Copy password' });
		const box = await copyPassword.boundingBox();
		expect(box!.height).toBeGreaterThanOrEqual(48);
		await copyPassword.click();
		await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
			await password.textContent()
		);
		await page.getByRole('button', { name: 'Copy username' }).click();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
			await username.textContent()
		);
		await expectFitsPhone(page);
	});
});

test('copying still says "Copied" where the browser has no clipboard API (plain http)', async ({
	page
}) => {
	await page.addInitScript(() => {
		Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
		// Records what the fallback copies.
		const original = document.execCommand.bind(document);
		document.execCommand = (command: string, ...rest: unknown[]) => {
			if (command === 'copy')
				(window as unknown as { copied?: string }).copied =
					document.querySelector<HTMLTextAreaElement>('body > textarea')?.value;
			return command === 'copy' ? true : original(command, ...(rest as []));
		};
	});
	await buyWithoutDeviceDetails(page);
	await page.getByRole('button', { name: 'Copy password' }).click();
	await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
	expect(await page.evaluate(() => (window as unknown as { copied: string }).copied)).toBe(
		await page.getByTestId('hotspot-password').textContent()
	);
});

test('in Kiswahili the success page speaks Kiswahili, with the same button words', async ({
	page,
	context,
	baseURL
}) => {
	await context.addCookies([{ name: 'lang', value: 'sw', url: baseURL! }]);
	await buyWithoutDeviceDetails(page);
	await expect(page.getByRole('heading', { name: 'Kuingia kwenye hotspot' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Nakili nenosiri' })).toBeVisible();
	await expect(page.getByTestId('login-how')).toContainText('gusa “Umeshalipa? Ingia”');
	await expect(page.getByTestId('login-how')).toContainText('kisha gusa “Ingia”');
	await expect(page.locator('.alert')).toHaveCount(0);
});

test('package cards on the portal and on /pay say the speed and how long a package lasts', async ({
	page,
	context,
	baseURL
}) => {
	await page.goto('/portal/nyota');
	const daily = page
		.getByTestId('package-card')
		.filter({ has: page.locator('.name', { hasText: /^Daily$/ }) });
	// Demo "Daily" is 2M/5M: 2 Mbps up, 5 Mbps down for the customer.
	await expect(daily.getByTestId('package-speed')).toHaveText('Speed up to 5 Mbps (upload 2 Mbps)');
	await expect(daily.getByTestId('package-validity')).toHaveText('Valid for 1 day');
	await expect(
		page
			.getByTestId('package-card')
			.filter({ has: page.locator('.name', { hasText: /^1 Hour$/ }) })
			.getByTestId('package-speed')
	).toHaveText('Speed up to 2 Mbps');
	await expectFitsPhone(page);

	const topUp = new TopUpPage(page);
	await topUp.open();
	await topUp.find('0712 000 103');
	const weekly = page
		.locator('label.option')
		.filter({ has: page.locator('input[type=radio]') })
		.filter({ hasText: 'Weekly' });
	await expect(weekly.getByTestId('package-speed')).toHaveText(
		'Speed up to 5 Mbps (upload 3 Mbps)'
	);
	await expect(weekly.getByTestId('package-validity')).toHaveText('Valid for 7 days');
	await expectFitsPhone(page);

	await context.addCookies([{ name: 'lang', value: 'sw', url: baseURL! }]);
	await page.goto('/portal/nyota');
	await expect(
		page
			.getByTestId('package-card')
			.filter({ has: page.locator('.name', { hasText: /^Daily$/ }) })
			.getByTestId('package-validity')
	).toHaveText('Muda wake: siku 1');
	await expect(
		page
			.getByTestId('package-card')
			.filter({ has: page.locator('.name', { hasText: /^Daily$/ }) })
			.getByTestId('package-speed')
	).toHaveText('Kasi hadi 5 Mbps (kupakia 2 Mbps)');
});
