/**
 * Issue 12 §2: a manager corrects a subscriber on a phone, and the routers follow. The demo's
 * simulator runs one simulated MikroTik per login: Nyota's own router (login "nyota") and the one
 * this spec adds (login "admin") are two routers, each asked directly for what it holds.
 */
import { expect, test } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import {
	EditSubscriberForm,
	NYOTA_SIM_LOGIN,
	RegisterSubscriberPage,
	RoutersPage,
	SIM_ROUTER,
	expectFitsPhone,
	hotspotUser,
	logIn,
	useLanguage
} from './network-pages';

const run = Date.now().toString(36).slice(-5);
const NEW_ROUTER = `Sim Annex ${run}`;
const localPhone = (seed: number) =>
	`07${String((Date.now() + seed) % 100_000_000).padStart(8, '0')}`;
const spaced = (local: string) => local.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3');

test('a manager corrects the phone and the router entry follows; a router change moves the subscriber', async ({
	page
}) => {
	test.setTimeout(120_000);
	await logIn(page, LOGINS.nyotaManager);

	// A second router for the tenant: another simulated MikroTik than Nyota's own.
	const routers = new RoutersPage(page);
	await routers.open();
	await routers.add({ name: NEW_ROUTER, ...SIM_ROUTER });

	const register = new RegisterSubscriberPage(page);
	// A relative on a family phone, for later.
	const familyPhone = localPhone(13);
	const relative = `Njeri Kiprotich ${run}`;
	await register.open();
	await register.register({
		name: relative,
		phone: familyPhone,
		router: 'Nyota Net HQ',
		packageName: /^Daily · /
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);

	await register.open();
	const name = `Chebet Kiprotich ${run}`;
	await register.register({
		name,
		phone: localPhone(11),
		router: 'Nyota Net HQ',
		packageName: /^Daily · /
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	const subscriberId = page.url().split('/').pop()!;
	const username = (await page.getByTestId('router-username').textContent())!;
	await page.getByTestId('renew').click();
	await expect(page.getByTestId('subscriber-status')).toHaveAttribute('data-status', 'active');
	await expect
		.poll(async () => (await hotspotUser(username, NYOTA_SIM_LOGIN))?.disabled, { timeout: 30_000 })
		.toBe('false');

	// A phone that is not one: refused beside the field, and nothing changes.
	const edit = new EditSubscriberForm(page);
	await edit.save({ phone: '0712' });
	await expect(
		edit.root.getByText('Enter a Safaricom, Airtel or Telkom number like 0712 345 678.')
	).toBeVisible();
	if (process.env.SCREENSHOTS)
		await page.screenshot({
			path: `${process.env.SCREENSHOTS}/edit-bad-phone.png`,
			fullPage: true
		});
	await expectFitsPhone(page);

	// The right phone, typed the international way: saved as 2547…, shown the Kenyan way.
	const corrected = localPhone(12);
	await edit.save({ phone: `+254 ${corrected.slice(1)}` });
	await expect(page.getByTestId('edit-notice')).toHaveText(
		'Saved. The router is updated in a moment.'
	);
	await expect(page.getByText(`${spaced(corrected)} ·`)).toBeVisible();
	await expectFitsPhone(page);
	// The same entry (named by the account number) now names the new phone.
	await expect
		.poll(async () => (await hotspotUser(username, NYOTA_SIM_LOGIN))?.comment, { timeout: 30_000 })
		.toMatch(new RegExp(`^mtandao:${subscriberId} t=\\S+ r=\\S+ ${name} ${spaced(corrected)}$`));

	// The move: gone from Nyota's router, enabled on the new one, and the page says where it is.
	await edit.save({ router: NEW_ROUTER });
	await expect(page.getByTestId('edit-notice')).toContainText(`Moved to ${NEW_ROUTER}.`);
	await expect(page.getByRole('heading', { name: `On the router: ${NEW_ROUTER}` })).toBeVisible();
	await expect
		.poll(async () => (await hotspotUser(username))?.disabled, { timeout: 30_000 })
		.toBe('false');
	await expect
		.poll(async () => hotspotUser(username, NYOTA_SIM_LOGIN), { timeout: 30_000 })
		.toBeUndefined();
	expect((await hotspotUser(username))?.comment).toContain(spaced(corrected));
	await expect(async () => {
		await page.reload();
		await expect(page.getByTestId('router-state')).toHaveAttribute('data-state', 'enabled', {
			timeout: 1_000
		});
	}).toPass({ timeout: 30_000 });
	await expectFitsPhone(page);

	// The relative's phone: allowed (a family phone), but only once the manager confirms it.
	await edit.save({ phone: familyPhone });
	await expect(edit.root.getByText(`${relative} (account`)).toBeVisible();
	await expect(page.getByTestId('edit-notice')).toHaveCount(0);
	if (process.env.SCREENSHOTS)
		await page.screenshot({
			path: `${process.env.SCREENSHOTS}/edit-shared-phone.png`,
			fullPage: true
		});
	await expectFitsPhone(page);
	await edit.root.getByTestId('shared-phone').check();
	await edit.root.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByTestId('edit-notice')).toHaveText(
		'Saved. The router is updated in a moment.'
	);
	await expect(page.getByText(`${spaced(familyPhone)} ·`)).toBeVisible();
	await expect
		.poll(async () => (await hotspotUser(username))?.comment, { timeout: 30_000 })
		.toContain(`${name} ${spaced(familyPhone)}`);

	// The activity feed names the change.
	await page.goto('/manage/activity');
	await expect(page.getByText('Subscriber details changed').first()).toBeVisible();

	// In Kiswahili the form speaks Kiswahili.
	await page.goto(`/manage/subscribers/${subscriberId}`);
	await useLanguage(page, 'sw');
	await expect(edit.root.locator('summary')).toHaveText('Hariri taarifa');
	await expectFitsPhone(page);
	await useLanguage(page, 'en');
});
