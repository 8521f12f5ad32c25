import { expect, test } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';
import { openReady } from '../fixtures/pages';

test.use({
	viewport: { width: 360, height: 740 },
	permissions: ['clipboard-read', 'clipboard-write']
});

const freshPhone = () => `0798${String(Date.now() % 1_000_000).padStart(6, '0')}`;
const clipboard = (page: import('@playwright/test').Page) =>
	page.evaluate(() => navigator.clipboard.readText());

test('an invitation link is copied, shared, and stays on the team page until it is revoked', async ({
	page
}) => {
	// The phone's share sheet, as Android offers it: what the page hands to it is recorded.
	await page.addInitScript(() => {
		const shared: ShareData[] = [];
		Object.assign(window, { shared });
		Object.defineProperty(navigator, 'share', {
			value: async (data: ShareData) => void shared.push(data),
			configurable: true
		});
	});
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	await openReady(page, '/manage/team');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Full name').fill('Wanjiru Later');
	await page.getByLabel('Phone number or email').fill(freshPhone());
	await page.getByRole('button', { name: 'Create invitation' }).click();

	const link = (await page.getByTestId('invite-link').textContent())!.trim();
	expect(link).toMatch(/\/invite\/[a-z2-7]{24}\.[a-z2-7]{32}$/);
	await page.getByTestId('invite-link-copy').click();
	await expect(page.getByTestId('invite-link-copied')).toHaveText(
		'Link copied. Paste it into an SMS or WhatsApp.'
	);
	expect(await clipboard(page)).toBe(link);

	// Sent later: after a reload the link is still there, with its buttons.
	await page.reload();
	await page.waitForLoadState('networkidle');
	const row = page.getByTestId('invitation').filter({ hasText: 'Wanjiru Later' });
	await expect(row.getByTestId('invitation-link')).toHaveText(link);
	await page.evaluate(() => navigator.clipboard.writeText(''));
	await row.getByTestId('invitation-link-copy').click();
	await expect(row.getByTestId('invitation-link-copied')).toContainText('Link copied');
	expect(await clipboard(page)).toBe(link);
	await row.getByTestId('invitation-link-share').click();
	const shared = await page.evaluate(() => (window as unknown as { shared: ShareData[] }).shared);
	expect(shared).toEqual([
		{
			url: link,
			text: expect.stringContaining('Wanjiru Later, here is your invitation to Nyota Net')
		}
	]);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

	await row.getByRole('button', { name: 'Revoke: Wanjiru Later' }).click();
	await expect(page.getByRole('status')).toContainText(
		'The invitation for Wanjiru Later is revoked'
	);
	await page.reload();
	await expect(page.getByText('Wanjiru Later')).toHaveCount(0);
	expect((await page.request.get(link)).status()).toBe(410);
});
