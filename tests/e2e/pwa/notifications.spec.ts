/**
 * Issue 14 item 6, Chromium at 360×740 with touch, production build: the notifications page fits
 * the phone in English and Kiswahili, and says plainly when this browser cannot turn push on
 * (headless Chromium reaches no push service); a real paybill payment puts a line in the
 * manager's in-app list, naming the subscriber, amount and M-Pesa code, that opens the subscriber.
 * The in-app rows are written with the payment whether or not the user has a device, so no device
 * is added here. A manager and a subscriber of its own in the demo tenant Nyota Net (whose paybill
 * is on the simulator): the demo logins' language and list are left alone.
 */
import { expect, test, type Page } from '@playwright/test';
import * as playwright from '@playwright/test';
import { LOGINS, PASSWORD, apiAs } from '../fixtures/login';
import { waitForApp } from '../fixtures/pages';
import { inviteLinkIn, logInAs, postForm, useLanguage } from '../layout/long-text-pages';
import { registerOwnSubscriber } from '../fixtures/nyota-subscriber';
import { daraja } from '../payments/manager-pages';
import { waitForServiceWorker } from './pwa-pages';

/** Names of this run's own (a repeated run makes new ones). */
function names() {
	const run = `${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 1296).toString(36)}`;
	return {
		manager: { name: `Neema Manager ${run}`, email: `neema-${run}@managers.example` },
		subscriber: `Zawadi Push ${run}`
	};
}

test.use({ hasTouch: true, isMobile: true, serviceWorkers: 'allow' });
test.describe.configure({ mode: 'serial' });

/** Nyota's demo manager invites a manager of this spec's own, and registers a subscriber. */
async function setUp(baseURL: string) {
	const { manager, subscriber } = names();
	const nyota = await apiAs(playwright, baseURL, LOGINS.nyotaManager);
	const team = await (await nyota.get('/manage/team')).text();
	const tenantId =
		/id="invite-tenant"[^]*?<option value="([0-9a-f-]{36})"[^>]*>\s*Nyota Net\s*</.exec(team)![1]!;
	const invited = await postForm(nyota, '/manage/team?/invite', {
		name: manager.name,
		contact: manager.email,
		role: 'tenant_admin',
		tenantId
	});
	const phone = await playwright.request.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL, accept: 'text/html' }
	});
	await postForm(phone, inviteLinkIn(await invited.text()), {
		password: PASSWORD,
		confirm: PASSWORD
	});
	await phone.dispose();

	const own = await registerOwnSubscriber(nyota, subscriber);
	await nyota.dispose();
	return { manager, subscriber: { name: subscriber, id: own.id, account: own.account } };
}

let own: Awaited<ReturnType<typeof setUp>>;

test.beforeAll(async ({ baseURL }) => {
	own = await setUp(baseURL!);
});

async function expectFits(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

/** Opens the page once its service worker controls it, so the page can ask the push manager. */
async function openNotifications(page: Page) {
	await page.goto('/account/notifications');
	await waitForServiceWorker(page);
	await page.reload();
	await waitForApp(page);
}

test('the page fits the phone in both languages and says plainly when this browser cannot turn notifications on', async ({
	page,
	context
}) => {
	await logInAs(page, own.manager.email);
	// Allowed, as if the user said yes: what fails is then the push service, which headless
	// Chromium cannot reach.
	await context.grantPermissions(['notifications']);
	await openNotifications(page);

	for (const lang of ['en', 'sw'] as const) {
		await useLanguage(page, lang);
		const words =
			lang === 'en'
				? {
						title: 'Notifications',
						notify: 'Notify me on this device',
						failed:
							'The browser could not turn on notifications. Check your connection and try again.',
						recent: 'Recent'
					}
				: {
						title: 'Arifa',
						notify: 'Niarifu kwenye kifaa hiki',
						failed: 'Kivinjari hakikuweza kuwasha arifa. Angalia muunganisho wako na ujaribu tena.',
						recent: 'Za hivi karibuni'
					};
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(words.title);
		await expect(page.getByRole('heading', { name: words.recent })).toBeVisible();
		const notify = page.getByTestId('push-subscribe').getByRole('button');
		await expect(notify).toHaveText(words.notify);
		await expect(notify).toBeEnabled();
		await expectFits(page);

		await notify.tap();
		const said = page.getByRole('alert');
		await expect(said).toHaveText(words.failed);
		await expect(notify).toBeEnabled();
		await expect(page.getByTestId('push-on')).toHaveCount(0);
		await expectFits(page);
	}
	await useLanguage(page, 'en');
});

test('a paybill payment shows in the manager’s list with subscriber, amount and M-Pesa code, and opens the subscriber', async ({
	page
}) => {
	const paid = await daraja.payBill({
		amount: 37,
		msisdn: `2547${String(Date.now()).slice(-8)}`,
		account: own.subscriber.account
	});
	expect(paid.outcome).toBe('completed');
	const code = String(paid.transId);

	await logInAs(page, own.manager.email);
	await page.goto('/account/notifications');
	await waitForApp(page);
	const entry = page.getByTestId('notification-list').getByRole('link', { name: new RegExp(code) });
	await expect(entry).toContainText('KES 37 received');
	await expect(entry).toContainText(
		`${own.subscriber.name} (account ${own.subscriber.account}) paid. M-Pesa code ${code}.`
	);
	await expect(entry).toContainText('New');
	await expectFits(page);
	// The same row in Kiswahili: the text is made from the payment's data in the reader's language.
	await useLanguage(page, 'sw');
	await expect(entry).toContainText('KES 37 imepokelewa');
	await expect(entry).toContainText(
		`${own.subscriber.name} (akaunti ${own.subscriber.account}) amelipa. Nambari ya M-Pesa ${code}.`
	);
	await expectFits(page);

	await entry.tap();
	await expect(page).toHaveURL(new RegExp(`/manage/subscribers/${own.subscriber.id}$`));
	await expect(page.getByTestId('account-number')).toHaveText(own.subscriber.account);
});
