/**
 * Page objects for the manager's money pages, and the Daraja simulator's control API (started by
 * `npm start` beside the app), which plays the customer: pays, cancels, or pays the paybill.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export const SIM_MPESA = `http://127.0.0.1:${process.env.DEMO_MPESA_PORT ?? 18089}`;
/** The demo tenant Nyota Net's paybill on the simulator. */
export const NYOTA_SHORTCODE = '174379';

async function simulate(
	path: string,
	body: Record<string, unknown>
): Promise<Record<string, unknown>> {
	const response = await fetch(`${SIM_MPESA}/simulate/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	expect(response.status, `simulator ${path}`).toBe(200);
	return (await response.json()) as Record<string, unknown>;
}

export const daraja = {
	/** How the customer on this phone answers every prompt: 0 pays, 1032 cancels, 2001 wrong PIN… */
	answerPromptsOn: (msisdn: string, resultCode: number, delayMs?: number) =>
		simulate('outcome', {
			target: msisdn,
			resultCode,
			...(delayMs === undefined ? {} : { delayMs })
		}),
	/** The next Daraja call to `path` fails the way Safaricom fails it. */
	failNext: (path: string, fault: { status: number; errorCode: string; errorMessage: string }) =>
		simulate('fault', { path, ...fault, times: 1 }),
	/** A customer pays the paybill from the phone menu; resolves after our confirmation URL answered. */
	payBill: (payment: { amount: number; msisdn: string; account: string }) =>
		simulate('c2b', {
			ShortCode: NYOTA_SHORTCODE,
			Amount: payment.amount,
			Msisdn: payment.msisdn,
			BillRefNumber: payment.account,
			FirstName: 'JOHN'
		}),
	registrations: async (): Promise<
		{ shortcode: string; confirmationUrl: string; validationUrl: string }[]
	> => (await fetch(`${SIM_MPESA}/simulate/registrations`)).json()
};

export class SubscriberPage {
	readonly balance: Locator;
	readonly expiry: Locator;
	readonly promptStatus: Locator;

	constructor(private readonly page: Page) {
		this.balance = page.getByTestId('wallet-balance');
		this.expiry = page.getByTestId('expiry');
		this.promptStatus = page.getByTestId('prompt-status');
	}

	/** Opens a subscriber by name through the search, as a manager would. */
	async open(name: string) {
		await this.page.goto(`/manage/subscribers?q=${encodeURIComponent(name)}`);
		await this.page
			.getByTestId('subscribers')
			.getByRole('link', { name: new RegExp(name) })
			.first()
			.click();
		await expect(this.page.getByRole('heading', { level: 1 })).toHaveText(name);
		await this.page.waitForLoadState('networkidle');
	}

	async balanceKes(): Promise<number> {
		return Number(await this.balance.getAttribute('data-balance'));
	}

	async sendPrompt(options: { packageName?: string; phone?: string } = {}) {
		const form = this.page.getByTestId('prompt-form');
		if (options.packageName) {
			// By its exact name: other specs of the run add packages with similar names.
			const option = form.locator('option', { hasText: new RegExp(`^${options.packageName} ·`) });
			await form
				.getByLabel('Package')
				.selectOption({ value: (await option.getAttribute('value'))! });
		}
		if (options.phone !== undefined) await form.getByLabel('Phone that pays').fill(options.phone);
		await form.getByRole('button', { name: 'Send M-Pesa prompt' }).click();
	}

	async recordCash(amount: string, options: { note?: string; buyPackage?: boolean } = {}) {
		const form = this.page.getByTestId('cash-form');
		await form.getByLabel('Amount (KES)').fill(amount);
		if (options.note !== undefined) await form.getByLabel('Note (optional)').fill(options.note);
		const buy = form.getByRole('checkbox');
		if (options.buyPackage) await buy.check();
		else if (await buy.count()) await buy.uncheck();
		await form.getByRole('button', { name: 'Record cash' }).click();
	}

	entry(kind: string): Locator {
		return this.page.getByTestId('wallet-entries').locator(`li[data-kind="${kind}"]`);
	}

	async reverse(entry: Locator, reason: string) {
		await entry.locator('summary', { hasText: 'Reverse' }).click();
		await entry.getByLabel('Why?').fill(reason);
		await entry.getByRole('button', { name: /^Yes, reverse/ }).click();
	}
}

export class MpesaSettingsPage {
	readonly form: Locator;

	constructor(private readonly page: Page) {
		this.form = page.getByTestId('mpesa-form');
	}

	async open() {
		await this.page.getByRole('navigation').getByRole('link', { name: 'More' }).click();
		await this.page.getByRole('link', { name: /M-Pesa settings/ }).click();
		await expect(this.page).toHaveURL(/\/manage\/mpesa$/);
		await this.page.waitForLoadState('networkidle');
	}

	async testCredentials(): Promise<Locator> {
		await this.page.getByTestId('mpesa-test').click();
		return this.page.getByTestId('mpesa-test-result');
	}

	async save() {
		await this.page.getByTestId('mpesa-save').click();
	}
}
