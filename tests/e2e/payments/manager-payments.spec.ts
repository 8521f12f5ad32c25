import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { LOGINS, LoginPage, apiAs } from '../fixtures/login';
import { expectFitsPhone, logIn } from '../network/network-pages';
import { MpesaSettingsPage, SubscriberPage, daraja } from './manager-pages';

// The e2e database is shared by every spec of the run: names and amounts unique to this run.
const run = Date.now().toString(36).slice(-5);
/** Set by the prompt test, used by the role test. */
const created: { paymentId?: string } = {};

test.describe.configure({ mode: 'serial' });

test('the M-Pesa settings page: the saved keys test OK, bad input is refused field by field, a new callback token gets registered', async ({
	page
}) => {
	test.setTimeout(60_000);
	await logIn(page, LOGINS.nyotaManager);
	const settings = new MpesaSettingsPage(page);
	await settings.open();

	// The keys are never shown, only their shape; the demo's work against the simulator.
	await expect(settings.form.getByLabel('Consumer key')).toHaveValue('');
	await expect(settings.form.getByText(/^Saved: ••••••••/).first()).toBeVisible();
	await expect(await settings.testCredentials()).toHaveAttribute('data-ok', 'true');
	await expect(page.getByTestId('mpesa-test-result')).toHaveText(
		'OK: M-Pesa accepted the consumer key and secret.'
	);
	await expectFitsPhone(page);

	// Safaricom refusing the keys comes back in plain words, with its code.
	await daraja.failNext('/oauth/v1/generate', {
		status: 400,
		errorCode: '400.008.01',
		errorMessage: 'Invalid Authentication passed'
	});
	const refused = await settings.testCredentials();
	await expect(refused).toHaveAttribute('data-ok', 'false');
	await expect(refused).toContainText('M-Pesa refused the consumer key and secret (400.008.01)');

	// Bad input: each field says what is wrong, and nothing is saved.
	await settings.form.getByLabel('Shortcode').fill('12');
	await settings.form
		.getByLabel('Callback IP allowlist (optional)')
		.fill('196.201.214.0/24\n300.1.1.1');
	await settings.save();
	await expect(settings.form.getByLabel('Shortcode')).toHaveAttribute('aria-invalid', 'true');
	await expect(settings.form.getByText('Use the 5 to 7 digits of your shortcode.')).toBeVisible();
	await expect(settings.form.getByText('Not an IPv4 address or range: 300.1.1.1')).toBeVisible();
	await expect(settings.form.getByLabel('Shortcode')).toHaveValue('12');

	// Fixed and saved with the key fields blank: the stored keys are kept and still work.
	await settings.form.getByLabel('Shortcode').fill('174379');
	await settings.form.getByLabel('Callback IP allowlist (optional)').fill('');
	await settings.save();
	await expect(page.getByTestId('mpesa-saved')).toHaveText('M-Pesa settings saved.');
	await expect(await settings.testCredentials()).toHaveAttribute('data-ok', 'true');

	// A new callback token: new URLs, registered with Safaricom (the simulator) at once.
	const oldUrl = await page.getByTestId('confirmation-url').textContent();
	await page.locator('summary', { hasText: 'Rotate callback token' }).click();
	await page.getByTestId('mpesa-rotate').click();
	await expect(page.getByTestId('mpesa-rotated')).toBeVisible();
	const newUrl = (await page.getByTestId('confirmation-url').textContent())!;
	expect(newUrl).not.toBe(oldUrl);
	expect(newUrl).toMatch(/\/hooks\/daraja\/[0-9a-f-]{36}\/[0-9a-f]{48}\/c2b\/confirmation$/);
	await page.getByTestId('mpesa-register').click();
	await expect(page.getByTestId('mpesa-register-result')).toHaveAttribute('data-ok', 'true');
	const registered = (await daraja.registrations()).find((r) => r.shortcode === '174379');
	expect(registered?.confirmationUrl).toBe(newUrl);
	await expectFitsPhone(page);
});

test('a manager sends an M-Pesa prompt from the subscriber page and sees it paid, with the receipt', async ({
	page
}) => {
	test.setTimeout(60_000);
	await logIn(page, LOGINS.nyotaManager);
	// The customer answers after 3 s, so the page shows the wait first.
	await daraja.answerPromptsOn('254712000103', 0, 3_000);
	const subscriber = new SubscriberPage(page);
	await subscriber.open('Fatuma Hassan');
	const expiryBefore = (await subscriber.expiry.textContent())!;
	const balanceBefore = await subscriber.balanceKes();

	await subscriber.sendPrompt({ packageName: 'Daily' });
	await expect(page).toHaveURL(/\?payment=[0-9a-f-]{36}/);
	created.paymentId = new URL(page.url()).searchParams.get('payment')!;
	await expect(subscriber.promptStatus).toHaveAttribute('data-status', 'pending');
	await expect(subscriber.promptStatus).toContainText('Check the phone 0712 000 103');
	await expectFitsPhone(page);

	// Polled, not reloaded: the same page turns to paid, with the receipt and the new expiry.
	await expect(subscriber.promptStatus).toHaveAttribute('data-status', 'succeeded', {
		timeout: 20_000
	});
	const receipt = (await page.getByTestId('prompt-receipt').textContent())!;
	expect(receipt).toMatch(/^[A-Z0-9]{10}$/);
	await expect(subscriber.promptStatus).toContainText('Paid: KES 50');
	await expect(subscriber.expiry).not.toHaveText(expiryBefore);
	await expect(subscriber.balance).toHaveAttribute('data-balance', String(balanceBefore));
	const row = page.getByTestId('subscriber-payments').locator('li', { hasText: receipt });
	await expect(row).toHaveAttribute('data-status', 'succeeded');
	await expect(subscriber.entry('payment').filter({ hasText: receipt })).toContainText('+KES 50');
	await expect(subscriber.entry('purchase').first()).toContainText('−KES 50');

	const status = await (
		await page.request.get(`/manage/payments/${created.paymentId}/status`)
	).json();
	expect(status).toMatchObject({ status: 'succeeded', receipt, resultCode: 0 });
});

test('a cancelled prompt says so in plain words, and the page follows it without JavaScript too', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const context = await browser.newContext({
		baseURL,
		javaScriptEnabled: false,
		viewport: { width: 360, height: 740 }
	});
	await context.addCookies([{ name: 'lang', value: 'en', url: baseURL! }]);
	const page = await context.newPage();
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	const payer = `2547${String(Date.now()).slice(-8)}`;
	await daraja.answerPromptsOn(payer, 1032);

	await page.goto(`/manage/subscribers?q=${encodeURIComponent('Fatuma Hassan')}`);
	await page
		.getByTestId('subscribers')
		.getByRole('link', { name: /Fatuma Hassan/ })
		.first()
		.click();
	const subscriber = new SubscriberPage(page);
	await subscriber.sendPrompt({ packageName: 'Daily', phone: `0${payer.slice(3)}` });
	await expect(page).toHaveURL(/\?payment=[0-9a-f-]{36}/);
	await expect(async () => {
		const check = page.getByRole('button', { name: 'Check again' });
		if (await check.count()) await check.click();
		await expect(subscriber.promptStatus).toHaveAttribute('data-status', 'failed', {
			timeout: 1_000
		});
	}).toPass({ timeout: 20_000 });
	await expect(page.getByTestId('prompt-reason')).toHaveText('The customer cancelled the prompt.');
	await expect(
		page.getByTestId('subscriber-payments').locator('li[data-status="failed"]').first()
	).toContainText('The customer cancelled the prompt.');

	// A phone that is not Kenyan mobile is refused beside the field, without JavaScript as with it.
	await subscriber.sendPrompt({ phone: '0712' });
	await expect(
		page
			.getByTestId('prompt-form')
			.getByText('Enter a Safaricom, Airtel or Telkom number like 0712 345 678.')
	).toBeVisible();
	await expect(page.getByTestId('prompt-form').getByLabel('Phone that pays')).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	await context.close();
});

test('a paybill payment to an unknown account waits as unmatched until the manager assigns it, and then renews the subscriber', async ({
	page
}) => {
	test.setTimeout(60_000);
	await logIn(page, LOGINS.nyotaManager);
	const subscriber = new SubscriberPage(page);
	await subscriber.open('Kiprono Langat');
	const account = (await page.getByTestId('account-number').textContent())!;
	const balanceBefore = await subscriber.balanceKes();

	const paid = await daraja.payBill({
		amount: 250,
		msisdn: `2547${String(Date.now()).slice(-8)}`,
		account: `X${run}`
	});
	expect(paid.outcome).toBe('completed');
	const transId = String(paid.transId);

	// Home counts it; the count opens the unmatched payments.
	await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
	const waiting = page.getByTestId('home-payments').locator('[data-count="unmatched"]');
	await expect(waiting).toContainText('unmatched');
	await waiting.click();
	await expect(page).toHaveURL(/\/manage\/payments\?status=unmatched$/);
	const row = page.getByTestId('payments').locator('li', { hasText: transId });
	await expect(row).toHaveAttribute('data-status', 'unmatched');
	await expect(row).toContainText('KES 250');
	await expect(row).toContainText(`Account typed: X${run}`);
	await expect(row).toContainText(`Account “X${run}” matches no subscriber`);
	await expectFitsPhone(page);

	// An account number nobody has: said beside the field.
	await row.locator('summary', { hasText: 'Assign to a subscriber' }).click();
	await row.getByLabel('Account number or phone').fill('999999999');
	await row.getByRole('button', { name: 'Find subscriber' }).click();
	await expect(row.getByText('No subscriber has that account number or phone.')).toBeVisible();
	await expect(row.getByLabel('Account number or phone')).toHaveAttribute('aria-invalid', 'true');

	// The right one: find, pick, assigned.
	await row.getByLabel('Account number or phone').fill(account);
	await row.getByRole('button', { name: 'Find subscriber' }).click();
	await row.getByRole('button', { name: /Assign to Kiprono Langat/ }).click();
	await expect(page.getByTestId('assigned')).toContainText(`KES 250 (${transId})`);
	await expect(page.getByTestId('payments').locator('li', { hasText: transId })).toHaveCount(0);

	// The subscriber: paid, the Weekly package bought from the wallet, active until next week.
	await page.getByTestId('assigned').getByRole('link', { name: 'Open the subscriber' }).click();
	await expect(page.getByTestId('subscriber-status')).toHaveAttribute('data-status', 'active');
	await expect(subscriber.expiry).toContainText('Expires');
	await expect(subscriber.balance).toHaveAttribute('data-balance', String(balanceBefore));
	await expect(
		page.getByTestId('subscriber-payments').locator('li', { hasText: transId })
	).toHaveAttribute('data-status', 'succeeded');
	await expect(subscriber.entry('payment').filter({ hasText: transId })).toContainText('+KES 250');
});

test('a manager records cash, reverses it with a reason, and cash that covers the package renews it', async ({
	page
}) => {
	test.setTimeout(60_000);
	await logIn(page, LOGINS.nyotaManager);
	const subscriber = new SubscriberPage(page);
	await subscriber.open('Mwangi Njoroge');
	const before = await subscriber.balanceKes();
	const cashForm = page.getByTestId('cash-form');

	// Nothing, or cents, is not an amount.
	await subscriber.recordCash('0');
	await expect(cashForm.getByText('Enter whole shillings from 1 to 1,000,000.')).toBeVisible();
	await expect(cashForm.getByLabel('Amount (KES)')).toHaveAttribute('aria-invalid', 'true');
	await expect(subscriber.balance).toHaveAttribute('data-balance', String(before));

	const note = `Paid at the office ${run}`;
	await subscriber.recordCash('300', { note });
	await expect(page.getByTestId('wallet-notice')).toHaveText('Cash recorded in the wallet.');
	await expect(subscriber.balance).toHaveAttribute('data-balance', String(before + 300));
	const cash = subscriber.entry('cash').filter({ hasText: note });
	await expect(cash).toContainText('+KES 300');
	await expectFitsPhone(page);

	// A reversal needs a reason; then the money is out and the entry cannot be reversed twice.
	await subscriber.reverse(cash, 'x');
	await expect(cash.getByText('Say why, in a few words.')).toBeVisible();
	await cash.getByLabel('Why?').fill('Recorded on the wrong subscriber');
	await cash.getByRole('button', { name: /^Yes, reverse/ }).click();
	await expect(page.getByTestId('wallet-notice')).toHaveText('The credit was reversed.');
	await expect(subscriber.balance).toHaveAttribute('data-balance', String(before));
	await expect(subscriber.entry('reversal').first()).toContainText('−KES 300');
	await expect(subscriber.entry('reversal').first()).toContainText(
		'Recorded on the wrong subscriber'
	);
	await expect(cash.locator('summary', { hasText: 'Reverse' })).toHaveCount(0);

	// Cash for the whole package, "buy now" ticked: renewed a month on.
	const expiryBefore = (await subscriber.expiry.textContent())!;
	await subscriber.recordCash('2,500', { buyPackage: true });
	await expect(page.getByTestId('wallet-notice')).toHaveText(
		'Cash recorded and the package renewed.'
	);
	// A done form starts empty: the last note is not carried into the next entry.
	await expect(subscriber.entry('cash').first()).toContainText('+KES 2,500');
	await expect(subscriber.entry('cash').first()).not.toContainText(note);
	await expect(cashForm.getByLabel('Note (optional)')).toHaveValue('');
	await expect(subscriber.expiry).not.toHaveText(expiryBefore);
	await expect(subscriber.balance).toHaveAttribute('data-balance', String(before));
	await expect(subscriber.entry('purchase').first()).toContainText('−KES 2,500');
});

test('bad input to the money forms gets a 400 with field messages, and agents cannot reach the manager side', async ({
	baseURL
}) => {
	const manager = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	const save = await manager.post('/manage/mpesa?/save', {
		form: {
			kind: 'till',
			shortcode: 'abc',
			tillNumber: '',
			environment: 'custom',
			baseUrl: 'ftp://daraja.example',
			consumerKey: 'typed-consumer-key-123',
			callbackIpAllowlist: '10.0.0.1/40'
		}
	});
	expect(save.status()).toBe(400);
	const page = await save.text();
	for (const text of [
		'Use the 5 to 7 digits of your shortcode.',
		'This is required.',
		'Enter an address starting with http:// or https://.',
		'Not an IPv4 address or range: 10.0.0.1/40'
	])
		expect(page).toContain(text);
	// A key typed into the form never comes back in the page.
	expect(page).not.toContain('typed-consumer-key-123');

	const find = await manager.post('/manage/payments?/find', { form: { paymentId: 'nope', q: '' } });
	expect(find.status()).toBe(400);
	expect(await find.text()).toContain('This is required.');

	const list = await (
		await manager.get(`/manage/subscribers?q=${encodeURIComponent('Achieng Otieno')}`)
	).text();
	const subscriberId = /href="\/manage\/subscribers\/([0-9a-f-]{36})"/.exec(list)![1]!;
	// As use:enhance asks (the action's own answer as JSON)…
	const action = async (name: string, form: Record<string, string>) => {
		const response = await manager.post(`/manage/subscribers/${subscriberId}?/${name}`, {
			headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
			form
		});
		const result = await response.json();
		return { status: result.status as number, data: String(result.data) };
	};
	const cash = await action('cash', { amountKes: '1000001', note: '' });
	expect(cash.status).toBe(400);
	expect(cash.data).toContain('Enter whole shillings from 1 to 1,000,000.');
	const reverse = await action('reverse', { entryId: 'abc', note: '' });
	expect(reverse.status).toBe(400);
	expect(reverse.data).toContain('Choose one from the list.');
	const prompt = await action('prompt', { packageId: 'not-a-package', phone: '0712' });
	expect(prompt.status).toBe(400);
	expect(prompt.data).toContain('Enter a Safaricom, Airtel or Telkom number like 0712 345 678.');
	// …and as a browser without JavaScript posts: the page comes back with the 400 and the message.
	const plain = await manager.post(`/manage/subscribers/${subscriberId}?/cash`, {
		form: { amountKes: '1000001', note: '' }
	});
	expect(plain.status()).toBe(400);
	expect(await plain.text()).toContain('Enter whole shillings from 1 to 1,000,000.');
	await manager.dispose();

	// Agents send prompts for their own subscribers; the rest of the money side is not theirs.
	const agent = await apiAs(playwright, baseURL!, LOGINS.nyotaAgent);
	expect((await agent.get('/manage/mpesa')).status()).toBe(404);
	expect((await agent.get('/manage/payments')).status()).toBe(404);
	expect(
		(
			await agent.post(`/manage/subscribers/${subscriberId}?/cash`, {
				form: { amountKes: '100', note: '' }
			})
		).status()
	).toBe(404);
	expect(
		(
			await agent.post(`/manage/subscribers/${subscriberId}?/prompt`, {
				form: { packageId: '0b4e7a43-5c1b-4f0e-8a55-3c1e2f9d7b21', phone: '' }
			})
		).status()
	).toBe(404);
	if (created.paymentId)
		expect((await agent.get(`/manage/payments/${created.paymentId}/status`)).status()).toBe(404);
	await agent.dispose();
});
