import { expect, test } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import { RegisterSubscriberPage, expectFitsPhone, logIn } from '../network/network-pages';
import { SubscriberPage, daraja } from './manager-pages';
import { TopUpPage, customerAnswers } from './self-service-pages';

// The e2e database is shared by every spec of the run: a subscriber of this run's own.
const run = Date.now().toString(36).slice(-5);
const NAME = `Njeri Wambui ${run}`;
const PHONE = `07${String(Date.now()).slice(-8)}`;
const MSISDN = `254${PHONE.slice(1)}`;

test('a package chosen on /pay is for that payment only: the next paybill payment at the plan’s price buys the plan, and an amount that matches no price is explained', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	await logIn(page, LOGINS.nyotaManager);
	const register = new RegisterSubscriberPage(page);
	await register.open();
	await register.register({
		name: NAME,
		phone: PHONE,
		router: 'Nyota Net HQ',
		packageName: 'Daily'
	});
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(NAME);
	const account = (await page.getByTestId('account-number').textContent())!.trim();
	const subscriber = new SubscriberPage(page);

	// The subscriber, on Daily, tops up on /pay and picks "1 Hour" for this once.
	const customer = await browser.newContext({ viewport: { width: 360, height: 740 } });
	const phone = await customer.newPage();
	await customerAnswers(MSISDN, { resultCode: 1032, delayMs: 300 });
	const topUp = new TopUpPage(phone);
	await topUp.open();
	await topUp.find(account);
	await expect(phone.getByRole('radio', { name: /^Daily Speed/ })).toBeChecked();
	await topUp.pay('1 Hour');
	// Cancelled on the phone: nothing changes, the plan is still Daily.
	await expect(phone.getByTestId('failure-reason')).toHaveText(
		'You cancelled the M-Pesa request.',
		{ timeout: 20_000 }
	);
	await page.reload();
	await expect(page.getByTestId('plan-kept')).toHaveCount(0);
	await expect(page.getByTestId('expiry')).toHaveText('Never activated');

	// Paid this time: the hour is bought, Daily stays the plan.
	await customerAnswers(MSISDN, { resultCode: 0, delayMs: 300 });
	await topUp.open();
	await topUp.find(account);
	await expect(phone.getByRole('radio', { name: /^Daily Speed/ })).toBeChecked();
	await topUp.pay('1 Hour');
	await expect(phone.getByTestId('new-expiry')).toContainText(
		'Your 1 Hour package is active until',
		{ timeout: 20_000 }
	);
	await page.reload();
	await expect(page.getByTestId('plan-kept')).toHaveText(
		'Plan: Daily. Now on 1 Hour, chosen for one payment; the next payment buys Daily again.'
	);
	// The top-up page still suggests the plan.
	await topUp.open();
	await topUp.find(account);
	await expect(phone.getByRole('radio', { name: /^Daily Speed/ })).toBeChecked();
	await customer.close();

	// A paybill payment at Daily's price (from the phone's M-Pesa menu) buys Daily, nothing left over.
	const daily = await daraja.payBill({ amount: 50, msisdn: MSISDN, account });
	expect(daily.outcome).toBe('completed');
	await page.reload();
	await expect(page.getByTestId('plan-kept')).toHaveCount(0);
	await expect(
		page.getByTestId('subscriber-payments').locator('li', { hasText: String(daily.transId) })
	).toHaveAttribute('data-status', 'succeeded');
	await expect(
		page
			.getByTestId('subscriber-payments')
			.locator('li', { hasText: String(daily.transId) })
			.getByTestId('payment-wallet-note')
	).toHaveCount(0);
	await expect(subscriber.balance).toHaveAttribute('data-balance', '0');

	// KES 30 matches no price: credited to the wallet, and both pages say so and what is missing.
	const short = await daraja.payBill({ amount: 30, msisdn: MSISDN, account });
	const explained =
		'Credited to the wallet: KES 30 is less than Daily (KES 50). Wallet after this payment: KES 30; KES 20 more buys Daily.';
	await page.reload();
	await expect(subscriber.balance).toHaveAttribute('data-balance', '30');
	await expect(
		page
			.getByTestId('subscriber-payments')
			.locator('li', { hasText: String(short.transId) })
			.getByTestId('payment-wallet-note')
	).toHaveText(explained);
	await expect(page.getByTestId('wallet-needs')).toHaveText('KES 20 more buys Daily (KES 50).');
	await expectFitsPhone(page);

	// KES 70: with the 30 waiting, Daily is bought and KES 50 stays.
	const over = await daraja.payBill({ amount: 70, msisdn: MSISDN, account });
	await page.goto('/manage/payments');
	await expect(
		page
			.getByTestId('payments')
			.locator('li', { hasText: String(short.transId) })
			.getByTestId('payment-wallet-note')
	).toHaveText(explained);
	await expect(
		page
			.getByTestId('payments')
			.locator('li', { hasText: String(over.transId) })
			.getByTestId('payment-wallet-note')
	).toHaveText(
		'Bought Daily (KES 50); the other KES 20 stays in the wallet. Wallet after this payment: KES 50.'
	);
	await expectFitsPhone(page);
});
