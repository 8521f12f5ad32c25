/**
 * Issue 12 item 2 (routers), on a 360 px phone against the production build: a manager retires a
 * router, sees its subscribers counted and chooses what happens to them before confirming, and
 * afterwards the subscriber is on the other router (the simulated MikroTik witnesses the removal)
 * and the retired router is no longer offered on the registration form. Deleting says why not when
 * subscribers are on a router, and deletes one nothing depends on.
 */
import { expect, test } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import {
	RegisterSubscriberPage,
	RoutersPage,
	SIM_ROUTER,
	expectFitsPhone,
	hotspotUser,
	logIn,
	useLanguage
} from './network-pages';

// Names unique to this run: the e2e database is shared by every spec of the run.
const run = Date.now().toString(36).slice(-5);
const OLD_SITE = `Old site ${run}`;
/** The Kondele reseller's own router, seeded by the demo on a simulated MikroTik of its own. */
const KONDELE_HQ = 'Nyota Kondele HQ';
const phone = () => `07${String((Date.now() + 7) % 100_000_000).padStart(8, '0')}`;

test.describe.configure({ mode: 'serial' });

test('a manager retires a router, choosing to move its subscribers, and it is no longer offered', async ({
	page
}) => {
	test.setTimeout(90_000);
	await logIn(page, LOGINS.kondeleManager);
	const routers = new RoutersPage(page);
	await routers.open();
	await routers.add({ name: OLD_SITE, ...SIM_ROUTER });
	const oldId = page.url().split('/').pop()!;

	// A subscriber on the old site, activated: the router gets the user.
	const register = new RegisterSubscriberPage(page);
	await register.open();
	await register.register({
		name: `Retiree ${run}`,
		phone: phone(),
		router: OLD_SITE,
		packageName: 'Daily'
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	const subscriberUrl = page.url();
	await page.getByTestId('renew').click();
	const account = (await page.locator('.account').first().textContent())!.trim();
	await expect
		.poll(async () => (await hotspotUser(account))?.disabled, { timeout: 20_000 })
		.toBe('false');

	// The confirm step: the count, the choice, nothing done yet.
	await page.goto(`/manage/routers/${oldId}`);
	await page.getByTestId('retire-router').click();
	await expect(page).toHaveURL(`/manage/routers/${oldId}/retire`);
	await expect(page.getByTestId('router-subscriber-counts')).toHaveText(
		'1 subscribers on this router: 1 active, 0 expired.'
	);
	await expect(page.getByRole('radio', { name: /Move them to another router/ })).toBeVisible();
	await expect(page.getByRole('radio', { name: /Disable them/ })).toBeVisible();
	await expect(page.getByRole('radio', { name: /Leave them on it/ })).toBeVisible();
	await page.waitForLoadState('networkidle');
	await page.getByRole('radio', { name: /Move them to another router/ }).check();
	await page.getByLabel('Move them to', { exact: true }).selectOption({ label: KONDELE_HQ });
	await expectFitsPhone(page);
	await page.screenshot({ path: test.info().outputPath('retire-confirm-360.png'), fullPage: true });
	await page.getByTestId('retire-submit').click();

	// The result: retired, the subscriber moved, said in words.
	await expect(page).toHaveURL(new RegExp(`/manage/routers/${oldId}\\?retired=moved`));
	await expect(page.getByTestId('retire-result')).toHaveText(
		`Router retired. 1 subscribers moved to ${KONDELE_HQ}.`
	);
	await expect(page.getByTestId('router-retired-badge')).toHaveText('Retired');
	await expect(page.getByTestId('reactivate')).toBeVisible();
	await expectFitsPhone(page);
	await page.screenshot({ path: test.info().outputPath('retired-360.png'), fullPage: true });

	// The old MikroTik no longer has the user; the subscriber's page names the new router.
	await expect.poll(async () => hotspotUser(account), { timeout: 20_000 }).toBeUndefined();
	await page.goto(subscriberUrl);
	await expect(page.locator('#on-router')).toContainText(KONDELE_HQ);

	// Not offered for new subscribers any more; still listed for the manager, marked retired.
	await register.open();
	// Kondele is back to one router in service: the form names it rather than offering a choice.
	await expect(page.getByTestId('only-router').locator('.router-name')).toHaveText(KONDELE_HQ);
	await expect(page.locator('#routerId option')).toHaveCount(0);
	await expect(page.getByText(OLD_SITE)).toHaveCount(0);
	await routers.open();
	await expect(page.getByTestId('routers').locator(`li[data-router-id="${oldId}"]`)).toContainText(
		'Retired'
	);

	// And in Kiswahili, the retired router's page says so.
	await page.goto(`/manage/routers/${oldId}`);
	await useLanguage(page, 'sw');
	await expect(page.getByTestId('router-retired-badge')).toHaveText('Imesitishwa');
	await useLanguage(page, 'en');
});

test('deleting says why not while subscribers are on a router, and deletes one nothing depends on', async ({
	page
}) => {
	await logIn(page, LOGINS.kondeleManager);
	const routers = new RoutersPage(page);
	await routers.open();
	await page
		.getByTestId('routers')
		.getByRole('link', { name: new RegExp(KONDELE_HQ) })
		.click();
	await page.getByTestId('delete-router').click();
	await expect(page.getByTestId('delete-blocked')).toContainText(/subscribers are on it/);
	await expect(page.getByTestId('retire-instead')).toBeVisible();
	await expectFitsPhone(page);

	await routers.open();
	const typo = `Typo ${run}`;
	await routers.add({ name: typo, ...SIM_ROUTER });
	await page.getByTestId('delete-router').click();
	await expect(page.getByTestId('router-subscriber-counts')).toHaveText(
		'No subscribers are on this router.'
	);
	await page.getByTestId('delete-submit').click();
	await expect(page).toHaveURL(/\/manage\/routers\?deleted=1$/);
	await expect(page.getByTestId('router-deleted')).toBeVisible();
	await expect(page.getByTestId('routers')).not.toContainText(typo);
});
