import { expect, test } from '@playwright/test';
import { normalizeMsisdn } from '../../../src/lib/phone';
import { customerAnswers, expectFitsPhone, hotspotSessions, newDevice } from './self-service-pages';

const HOTSPOT_LOGIN = 'http://10.5.50.1/login';
const WAS_GOING_TO = 'http://example.com/news';

function portalAddress(device: { mac?: string; ip?: string }) {
	const query = new URLSearchParams({
		...device,
		'link-login-only': HOTSPOT_LOGIN,
		'link-orig': WAS_GOING_TO
	});
	return `/portal/nyota?${query}`;
}

test('a new hotspot customer pays on the portal and the router lets the phone in', async ({
	page
}) => {
	const { mac, phone } = newDevice();
	await customerAnswers(normalizeMsisdn(phone)!, { resultCode: 0, delayMs: 1_000 });
	// Where the customer was going before the hotspot caught them: the page should end up there.
	await page.route(`${WAS_GOING_TO}**`, (route) =>
		route.fulfill({ contentType: 'text/html', body: '<h1>The news</h1>' })
	);

	await page.goto(portalAddress({ mac, ip: '10.5.50.23' }));
	await page.waitForLoadState('networkidle');
	await expect(page.getByRole('banner')).toContainText('Nyota Net');
	// Cheapest first; other specs of the run may have added hotspot packages of their own.
	await expect(page.getByTestId('package-card').first()).toHaveText(/1 Hour.*KES 10/);
	const cards = (await page.getByTestId('package-card').allTextContents()).map((card) =>
		card.replace(/\s+/g, ' ').trim()
	);
	const prices = cards.map((card) => Number(/KES ?([\d,]+)/.exec(card)![1]!.replace(/,/g, '')));
	expect(prices).toEqual([...prices].sort((x, y) => x - y));
	for (const offer of [/^1 Hour.*KES 10$/, /^Daily.*KES 50$/, /^Weekly.*KES 250$/])
		expect(cards.some((card) => offer.test(card))).toBe(true);
	await expectFitsPhone(page);
	await page.getByLabel('Your M-Pesa number').fill(phone);
	await page.getByTestId('package-card').filter({ hasText: '1 Hour' }).click();

	await expect(page).toHaveURL(/\/portal\/nyota\/status\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('receipt')).toHaveText(/^[A-Z0-9]{10}$/, { timeout: 20_000 });
	await expect(page.getByTestId('online')).toBeVisible({ timeout: 20_000 });
	await expect(page).toHaveURL(WAS_GOING_TO, { timeout: 10_000 });

	const sessions = (await hotspotSessions()).filter((s) => s['mac-address'] === mac);
	expect(sessions).toEqual([
		expect.objectContaining({ address: '10.5.50.23', user: expect.stringMatching(/^\d+$/) })
	]);
});

test('when the hotspot did not say which device it is, the browser logs in through the hotspot’s own form', async ({
	page
}) => {
	const { phone } = newDevice();
	await customerAnswers(normalizeMsisdn(phone)!, { resultCode: 0, delayMs: 500 });
	let posted: URLSearchParams | undefined;
	await page.route(`${HOTSPOT_LOGIN}**`, async (route) => {
		posted = new URLSearchParams(route.request().postData() ?? '');
		await route.fulfill({ contentType: 'text/html', body: '<h1>You are logged in</h1>' });
	});

	await page.goto(portalAddress({}));
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Your M-Pesa number').fill(phone);
	await page.getByTestId('package-card').filter({ hasText: '1 Hour' }).click();
	await expect(page.getByTestId('receipt')).toBeVisible({ timeout: 20_000 });

	await expect.poll(() => posted?.get('username'), { timeout: 15_000 }).toMatch(/^\d+$/);
	expect(posted?.get('password')).toMatch(/^[a-z2-9]{8}$/);
	expect(posted?.get('dst')).toBe(WAS_GOING_TO);
});
