import { expect, test } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';
import { openReady } from '../fixtures/pages';

test('the platform admin opens a tenant read-only and the visit is in its audit log', async ({
	page
}) => {
	await new LoginPage(page).logIn(LOGINS.platform);
	await expect(page).toHaveURL(/\/platform$/);
	await page
		.getByTestId('tenants')
		.getByRole('link', { name: /Pwani WiFi/ })
		.click();

	await expect(page.getByTestId('read-only')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Pwani WiFi' })).toBeVisible();
	await expect(page.getByTestId('activity')).toContainText('Platform admin opened this tenant');
	await expect(page.getByTestId('activity')).toContainText('Platform Admin');
});

test('the platform admin creates a tenant and gets an invitation link for its manager', async ({
	page,
	browser
}) => {
	await new LoginPage(page).logIn(LOGINS.platform);
	await page.getByTestId('new-tenant').click();
	await page.getByLabel('Name', { exact: true }).fill('Malindi Spot');
	await page.getByLabel(/Short name/).fill('malindi-spot');
	await page.getByLabel('Belongs to').selectOption({ label: 'Pwani WiFi' });
	await page.getByLabel('Type', { exact: true }).selectOption('site');
	await page.getByLabel('Full name').fill('Fatuma Ali');
	await page.getByLabel('Phone number or email').fill('+254 733 000 111');
	await page.getByRole('button', { name: 'Create tenant' }).click();
	const link = await page.getByTestId('invite-link').textContent();
	expect(link).toMatch(/\/invite\/[a-z2-7]{24}\.[a-z2-7]{32}$/);

	// The invited manager opens the link on her own phone and lands on her tenant's home.
	const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
	const invitee = await phone.newPage();
	await openReady(invitee, link!);
	await invitee.getByLabel('Password', { exact: true }).fill('malindi-2026');
	await invitee.getByLabel('Password again').fill('malindi-2026');
	await invitee.getByRole('button', { name: 'Create my account' }).click();
	await expect(invitee.getByTestId('home-title')).toHaveText('Malindi Spot');
	// The link works once: used, it is gone (410) and says so.
	const again = await phone.request.get(link!);
	expect(again.status()).toBe(410);
	await phone.close();

	// The same short name again is refused with a field message.
	await openReady(page, '/platform/tenants/new');
	await page.getByLabel('Name', { exact: true }).fill('Another');
	await page.getByLabel(/Short name/).fill('malindi-spot');
	await page.getByLabel('Full name').fill('Someone Else');
	await page.getByLabel('Phone number or email').fill('0733000222');
	await page.getByRole('button', { name: 'Create tenant' }).click();
	await expect(page.getByText('That short name is taken.')).toBeVisible();
});
