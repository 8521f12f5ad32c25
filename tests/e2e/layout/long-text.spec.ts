import { expect, test, type Page } from '@playwright/test';
import * as playwright from '@playwright/test';
import { LOGINS, PASSWORD, apiAs, tenantIds } from '../fixtures/login';
import { SIM_ROUTER } from '../network/network-pages';
import { SIM_MPESA, NYOTA_SHORTCODE } from '../payments/manager-pages';
import { customerAnswers } from '../payments/self-service-pages';
import { normalizeMsisdn } from '../../../src/lib/phone';
import {
	expectPageFits,
	freshPhone,
	inviteLinkIn,
	locationOf,
	logInAs,
	longWord,
	postForm,
	useLanguage
} from './long-text-pages';

/*
 * Every free-text field a person can fill, filled with one word as long as the form allows, and
 * then every page each user reaches, at 360 × 740: nothing may be wider than the phone, and the
 * bottom navigation stays on screen. The e2e database is shared by the run: names unique to it.
 */
const run = Date.now().toString(36).slice(-5);
const LONG = {
	tenant: longWord('Tenant', run),
	tenantSlug: `wide-${run}-`.padEnd(39, 'x') + 'z',
	manager: longWord('Manager', run),
	managerEmail: `${longWord('manager', run, 60).toLowerCase()}@${longWord('mtandao', run, 40).toLowerCase()}.co.ke`,
	agent: longWord('Agent', run),
	agentEmail: `${longWord('agent', run, 60).toLowerCase()}@${longWord('nyota', run, 40).toLowerCase()}.co.ke`,
	package: longWord('Package', run, 40),
	router: longWord('Router', run, 60),
	offlineRouter: longWord('Offline', run, 60),
	offlineHost: `${longWord('host', run, 63).toLowerCase()}.invalid`,
	hotspotServer: longWord('hotspot', run, 60),
	subscriber: longWord('Subscriber', run),
	gone: longWord('Deleted', run),
	note: longWord('Note', run),
	// M-Pesa takes at most 20 characters for the account a customer types on the paybill menu.
	billRef: longWord('REF', run, 20).toUpperCase(),
	payer: longWord('PAYER', run),
	pending: longWord('Pending', run),
	pendingEmail: `${longWord('pending', run, 60).toLowerCase()}@${longWord('pwani', run, 40).toLowerCase()}.co.ke`,
	secondPackage: longWord('Second', run, 40),
	reason: longWord('Reason', run)
};
const ids: {
	nyota?: string;
	tenant?: string;
	package?: string;
	router?: string;
	offlineRouter?: string;
	subscriber?: string;
	gone?: string;
	agent?: string;
	account?: string;
} = {};
const links: { pay?: string; portal?: string } = {};
const visitedTenantInvite: { link?: string } = {};

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test('long one-word values are accepted in every field that takes text', async ({ baseURL }) => {
	// The platform admin: a tenant with a long name, whose first manager has a long name and e-mail.
	const admin = await apiAs(playwright, baseURL!, LOGINS.platform);
	ids.nyota = (await tenantIds(admin))['Nyota Net'];
	const created = await postForm(admin, '/platform/tenants/new', {
		name: LONG.tenant,
		slug: LONG.tenantSlug,
		parentId: ids.nyota!,
		kind: 'reseller',
		brandColor: '#3b2f8f',
		timezone: 'Africa/Nairobi',
		managerName: LONG.manager,
		managerContact: LONG.managerEmail
	});
	const html = await created.text();
	visitedTenantInvite.link = inviteLinkIn(html);
	ids.tenant = /\/platform\/tenants\/([0-9a-f-]{36})/.exec(html)![1];
	await admin.dispose();

	// Nyota's manager: a package, two routers (one that answers, one that never will), an agent.
	const manager = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	await postForm(manager, '/manage/packages?/create', {
		name: LONG.package,
		kind: 'hotspot',
		priceKes: '35',
		validityCount: '3',
		validityUnit: 'hours',
		rateLimit: '2M/2M',
		dataCapMb: '',
		sharedDevices: '1'
	});
	const packages = await (await manager.get('/manage/packages')).text();
	ids.package = packages
		.split('data-package-id="')
		.find((row) => row.includes(LONG.package))!
		.slice(0, 36);
	const router = await postForm(manager, '/manage/routers?/create', {
		name: LONG.router,
		host: SIM_ROUTER.host,
		port: String(SIM_ROUTER.port),
		username: SIM_ROUTER.user,
		password: SIM_ROUTER.password,
		hotspotServer: 'all'
	});
	ids.router = locationOf(router).split('/').pop();
	const offline = await postForm(manager, '/manage/routers?/create', {
		name: LONG.offlineRouter,
		host: LONG.offlineHost,
		port: '8728',
		username: longWord('apiuser', run, 60),
		password: longWord('secret', run, 80),
		hotspotServer: LONG.hotspotServer
	});
	ids.offlineRouter = locationOf(offline).split('/').pop();
	expect(ids.router).toMatch(/^[0-9a-f-]{36}$/);
	expect(ids.offlineRouter).toMatch(/^[0-9a-f-]{36}$/);

	const team = await (await manager.get('/manage/team')).text();
	const nyotaTenant = /id="invite-tenant"[^]*?<option value="([0-9a-f-]{36})"/.exec(team)![1]!;
	const invited = await postForm(manager, '/manage/team?/invite', {
		name: LONG.agent,
		contact: LONG.agentEmail,
		role: 'agent',
		tenantId: nyotaTenant
	});
	const agentInvite = inviteLinkIn(await invited.text());
	const agentPhone = await playwright.request.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL!, accept: 'text/html' }
	});
	await postForm(agentPhone, agentInvite, { password: PASSWORD, confirm: PASSWORD });

	// The agent registers a subscriber with a long name on the long-named router and package.
	const registered = await postForm(agentPhone, '/manage/subscribers/new', {
		name: LONG.subscriber,
		phone: freshPhone(),
		kind: 'hotspot',
		routerId: ids.router!,
		packageId: ids.package,
		latitude: '',
		longitude: ''
	});
	ids.subscriber = locationOf(registered).split('/').pop();
	await agentPhone.dispose();
	// And the manager one on the router that never answers: its jobs fail with the long host name.
	const gone = await postForm(manager, '/manage/subscribers/new', {
		name: LONG.gone,
		phone: freshPhone(),
		kind: 'hotspot',
		routerId: ids.offlineRouter!,
		packageId: ids.package,
		latitude: '',
		longitude: ''
	});
	ids.gone = locationOf(gone).split('/').pop();
	expect(ids.subscriber).toMatch(/^[0-9a-f-]{36}$/);
	expect(ids.gone).toMatch(/^[0-9a-f-]{36}$/);

	// Money with long words: a cash note, a paybill payment to a long account reference from a
	// payer with a long name (unmatched), and one to the subscriber's account.
	const subscriberPage = await (await manager.get(`/manage/subscribers/${ids.subscriber}`)).text();
	ids.account = /data-testid="account-number"[^>]*>([^<]+)</.exec(subscriberPage)![1]!.trim();
	await postForm(manager, `/manage/subscribers/${ids.subscriber}?/cash`, {
		amountKes: '20',
		note: LONG.note
	});
	for (const account of [LONG.billRef, ids.account]) {
		const paid = await fetch(`${SIM_MPESA}/simulate/c2b`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				ShortCode: NYOTA_SHORTCODE,
				Amount: 35,
				Msisdn: normalizeMsisdn(freshPhone()),
				BillRefNumber: account,
				FirstName: LONG.payer,
				LastName: LONG.payer
			})
		});
		expect(paid.status).toBe(200);
	}
	await manager.dispose();
});

test('the platform admin’s pages fit the phone', async ({ page }) => {
	await logInAs(page, LOGINS.platform);
	await expectPageFits(page, '/platform', 'platform-tenants');
	await expect(page.getByTestId('tenants')).toContainText(LONG.tenant);
	await expectPageFits(page, `/platform/tenants/${ids.tenant}`, 'platform-tenant-long');
	await expectPageFits(page, `/platform/tenants/${ids.nyota}`, 'platform-tenant-nyota');
	await expectPageFits(page, '/platform/tenants/new', 'platform-tenant-new');
	await expectPageFits(page, '/account/password', 'platform-account');
});

test('the long-named tenant’s invitation, and its manager’s pages, fit the phone', async ({
	page
}) => {
	await expectPageFits(page, visitedTenantInvite.link!, 'invite-manager');
	await expect(page.getByRole('heading', { level: 1 })).toContainText(LONG.manager);
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByLabel('Password again').fill(PASSWORD);
	await page.getByRole('button', { name: 'Create my account' }).click();
	await expect(page.getByTestId('home-title')).toContainText(LONG.tenant);
	await checkManagerPages(page, 'reseller');

	await logInAs(page, LONG.managerEmail);
	await expectPageFits(page, '/manage', 'reseller-home-again');
	await expectPageFits(page, '/manage/no-such-page', 'reseller-not-found');
	await expectPageFits(page, `/pay/${LONG.tenantSlug}`, 'pay-long-tenant');
	await expectPageFits(page, `/portal/${LONG.tenantSlug}`, 'portal-long-tenant');
	await expectPageFits(page, `/pay/${LONG.tenantSlug}/no-such-page`, 'pay-long-tenant-not-found');
});

test('the agent’s pages fit the phone', async ({ page }) => {
	await logInAs(page, LONG.agentEmail);
	await expectPageFits(page, '/agent', 'agent-home');
	await expect(page.getByTestId('my-registrations')).toContainText(LONG.subscriber);
	await expectPageFits(page, `/manage/subscribers/${ids.subscriber}`, 'agent-subscriber');
	await expect(page.getByText(LONG.package).first()).toBeVisible();
	await expectPageFits(page, '/manage/subscribers/new', 'agent-register');
	await expectPageFits(page, '/account/password', 'agent-account');
});

test('the ISP manager’s pages fit the phone, in English and in Kiswahili', async ({ page }) => {
	await logInAs(page, LOGINS.nyotaManager);
	await useLanguage(page, 'en');
	await checkManagerPages(page, 'nyota');
	await expectPageFits(page, `/manage/subscribers/${ids.subscriber}`, 'nyota-subscriber');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(LONG.subscriber);
	await expectPageFits(page, `/manage/subscribers/${ids.gone}`, 'nyota-subscriber-offline');
	await expectPageFits(page, `/manage/subscribers?q=${ids.account}`, 'nyota-subscriber-search');
	await expectPageFits(page, `/manage/packages/${ids.package}`, 'nyota-package');
	await expectPageFits(page, `/manage/routers/${ids.router}`, 'nyota-router');
	await expectPageFits(page, `/manage/routers/${ids.offlineRouter}`, 'nyota-router-offline');
	await expectPageFits(page, `/manage/routers/${ids.offlineRouter}/retire`, 'nyota-router-retire');
	await expectPageFits(page, `/manage/routers/${ids.offlineRouter}/delete`, 'nyota-router-delete');
	await expectPageFits(page, '/manage/no-such-page', 'nyota-not-found');
	await expectPageFits(page, `/manage/tenants/${ids.tenant}`, 'nyota-sub-tenant');
	await expectPageFits(page, '/manage/payments?status=unmatched', 'nyota-payments-unmatched');
	const team = page.getByTestId('staff');
	await expectPageFits(page, '/manage/team', 'nyota-team-again');
	await team.getByRole('link', { name: new RegExp(LONG.agent) }).click();
	await expect(page).toHaveURL(/\/manage\/team\/[0-9a-f-]{36}$/);
	await expectPageFits(page, null, 'nyota-team-member');

	try {
		await useLanguage(page, 'sw');
		for (const [path, shot] of [
			['/manage', 'sw-home'],
			['/manage/subscribers', 'sw-subscribers'],
			[`/manage/subscribers/${ids.subscriber}`, 'sw-subscriber'],
			[`/manage/subscribers/${ids.gone}`, 'sw-subscriber-offline'],
			['/manage/packages', 'sw-packages'],
			[`/manage/routers/${ids.offlineRouter}`, 'sw-router-offline'],
			['/manage/payments', 'sw-payments'],
			['/manage/activity', 'sw-activity'],
			['/manage/jobs', 'sw-jobs'],
			['/manage/team', 'sw-team'],
			['/manage/more', 'sw-more']
		] as const) {
			await expectPageFits(page, path, shot);
		}
	} finally {
		await useLanguage(page, 'en');
	}
});

test('the subscriber’s top-up and the hotspot portal fit the phone, to the end of the payment', async ({
	page
}) => {
	const phone = freshPhone();
	await customerAnswers(normalizeMsisdn(phone)!, { resultCode: 0, delayMs: 500 });
	await expectPageFits(page, '/pay/nyota', 'pay');
	await page.getByLabel('Account number or phone').fill(ids.account!);
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByText(LONG.package)).toBeVisible();
	await expectPageFits(page, null, 'pay-packages');
	await page.getByText(LONG.package).click();
	await page.getByLabel('M-Pesa number that pays').fill(phone);
	await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
	await expect(page).toHaveURL(/\/pay\/nyota\/status\/[0-9a-f-]{36}$/);
	links.pay = page.url();
	await expect(page.getByTestId('payment-status')).toHaveAttribute('data-status', 'succeeded', {
		timeout: 20_000
	});
	await expectPageFits(page, null, 'pay-status');

	const buyer = freshPhone();
	await customerAnswers(normalizeMsisdn(buyer)!, { resultCode: 0, delayMs: 500 });
	await expectPageFits(page, '/portal/nyota', 'portal');
	await page.getByLabel('Your M-Pesa number').fill(buyer);
	await page.getByTestId('package-card').filter({ hasText: LONG.package }).click();
	await expect(page).toHaveURL(/\/portal\/nyota\/status\/[0-9a-f-]{36}$/);
	links.portal = page.url();
	await expect(page.getByTestId('payment-status')).toHaveAttribute('data-status', 'succeeded', {
		timeout: 20_000
	});
	await expectPageFits(page, null, 'portal-status');

	// Kiswahili says more with the same long names.
	await page.goto('/pay/nyota');
	await useLanguage(page, 'sw');
	for (const [path, shot] of [
		['/pay/nyota', 'sw-pay'],
		[links.pay, 'sw-pay-status'],
		['/portal/nyota', 'sw-portal'],
		[links.portal, 'sw-portal-status'],
		[`/pay/${LONG.tenantSlug}`, 'sw-pay-long-tenant']
	] as const) {
		await expectPageFits(page, path, shot);
	}
});

test('what a page shows after an action fits too: notices, invitations, matches, reset links, the acting-as banner', async ({
	page
}) => {
	await logInAs(page, LOGINS.nyotaManager);
	await useLanguage(page, 'en');

	// An invitation not yet used: the notice with its link, and the pending list with Revoke.
	await page.goto('/manage/team');
	const invite = page.locator('form[action="?/invite"]');
	await invite.getByLabel('Full name').fill(LONG.pending);
	await invite.getByLabel('Phone number or email').fill(LONG.pendingEmail);
	await invite.getByRole('button', { name: 'Create invitation' }).click();
	await expect(page.getByTestId('invite-link')).toBeVisible();
	await expect(page.getByTestId('invitations')).toContainText(LONG.pending);
	await expectPageFits(page, null, 'after-invite');

	// A new package: the "created" notice names it.
	await page.goto('/manage/packages');
	const form = page.locator('form[action="?/create"]');
	await form.getByLabel('Name', { exact: true }).fill(LONG.secondPackage);
	await form.getByLabel('Price (KES)').fill('45');
	await form.getByLabel('Valid for').fill('2');
	await form.getByLabel('Speed limit (upload/download)').fill('1M/1M');
	await form.getByRole('button', { name: 'Save package' }).click();
	await expect(page.getByRole('status')).toContainText(LONG.secondPackage);
	await expectPageFits(page, null, 'after-package');

	// An unmatched payment assigned through the search: the match names the subscriber.
	await page.goto('/manage/payments?status=unmatched');
	const row = page.getByTestId('payments').locator('li', { hasText: LONG.billRef });
	await row.locator('summary', { hasText: 'Assign to a subscriber' }).click();
	await row.getByLabel('Account number or phone').fill(ids.account!);
	await row.getByRole('button', { name: 'Find subscriber' }).click();
	await expect(page.getByTestId('assign-matches')).toContainText(LONG.subscriber);
	await expectPageFits(page, null, 'after-assign-search');

	// A credit taken back with a long reason, and a password reset link for the long-named agent.
	await page.goto(`/manage/subscribers/${ids.subscriber}`);
	const cash = page.getByTestId('wallet-entries').locator('li[data-kind="cash"]').first();
	await cash.locator('summary', { hasText: 'Reverse' }).click();
	await cash.getByLabel('Why?').fill(LONG.reason);
	await cash.getByRole('button', { name: /^Yes, reverse/ }).click();
	await expect(page.getByTestId('wallet-entries')).toContainText(LONG.reason);
	await expectPageFits(page, null, 'after-reverse');
	await page.goto('/manage/team');
	await page
		.getByTestId('staff')
		.getByRole('link', { name: new RegExp(LONG.agent) })
		.click();
	await page.waitForLoadState('networkidle');
	await page.getByRole('button', { name: 'Make a password reset link' }).click();
	await expect(page.getByTestId('reset-link')).toContainText('/reset/');
	await expectPageFits(page, null, 'after-reset-link');
	// The agent opens the link: the page names them and their long e-mail.
	const resetLink = new URL((await page.getByTestId('reset-link').textContent())!.trim()).pathname;
	await page.context().clearCookies();
	await expectPageFits(page, resetLink, 'reset-page');
	await expect(page.locator('main')).toContainText(LONG.agent);

	// The platform admin acting as the long-named tenant: the banner names it on every page.
	await logInAs(page, LOGINS.platform);
	await page.goto(`/platform/tenants/${ids.tenant}`);
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Reason').fill(LONG.reason);
	await page.getByRole('button', { name: 'Start acting as this tenant' }).click();
	await expect(page.getByTestId('act-as-banner')).toBeVisible();
	try {
		for (const [path, shot] of [
			[null, 'acting-as'],
			['/manage', 'acting-as-home'],
			['/manage/subscribers', 'acting-as-subscribers'],
			['/manage/activity', 'acting-as-activity']
		] as const) {
			await expectPageFits(page, path, shot);
			await expect(page.getByTestId('act-as-banner')).toContainText(LONG.tenant);
		}
	} finally {
		await page.getByTestId('act-as-stop').click();
	}
});

test('after the subscriber is deleted, the activity feed still fits', async ({ page, baseURL }) => {
	const manager = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	const deleted = await postForm(manager, `/manage/subscribers/${ids.gone}?/delete`, {});
	expect(locationOf(deleted)).toMatch(/\/manage\/subscribers/);
	await manager.dispose();
	await logInAs(page, LOGINS.nyotaManager);
	await expectPageFits(page, '/manage/activity', 'activity-after-delete');
	await expect(page.getByTestId('audit-entries')).toContainText(LONG.gone);
	await expectPageFits(page, '/manage', 'home-after-delete');
	await expectPageFits(page, '/manage/jobs', 'jobs-after-delete');
	await expectPageFits(page, '/manage/payments', 'payments-after-delete');
});

/** Every page in a manager's navigation and under "More". */
async function checkManagerPages(page: Page, who: string) {
	for (const [path, shot] of [
		['/manage', 'home'],
		['/manage/subscribers', 'subscribers'],
		['/manage/subscribers/new', 'register'],
		['/manage/packages', 'packages'],
		['/manage/routers', 'routers'],
		['/manage/more', 'more'],
		['/manage/payments', 'payments'],
		['/manage/mpesa', 'mpesa'],
		['/manage/team', 'team'],
		['/manage/activity', 'activity'],
		['/manage/jobs', 'jobs'],
		['/account/password', 'account']
	] as const) {
		await expectPageFits(page, path, `${who}-${shot}`);
	}
}
