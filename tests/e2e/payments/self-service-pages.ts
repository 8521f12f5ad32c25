/**
 * The public payment pages as a customer uses them, and the two simulators `npm start` runs beside
 * the app: the Daraja simulator (told how the customer answers the prompt) and the simulated
 * MikroTik (asked who is online), both reached the way another process would.
 */
import { expect, type Page } from '@playwright/test';
import { RawApiClient, attributesOf } from '../../../tools/sim/routeros/raw-api-client';

const MPESA_PORT = Number(process.env.DEMO_MPESA_PORT ?? 18089);
const ROUTER_PORT = Number(process.env.DEMO_ROUTER_PORT ?? 18728);

/** How the customer with this phone answers the next prompts (see tools/sim/daraja/README.md). */
export async function customerAnswers(
	msisdn: string,
	outcome: { resultCode?: number; delayMs?: number; deliver?: string } = {}
) {
	const response = await fetch(`http://127.0.0.1:${MPESA_PORT}/simulate/outcome`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ target: msisdn, ...outcome })
	});
	expect(response.ok).toBe(true);
}

/** Live hotspot sessions on Nyota Net's simulated router (each demo API login has its own router). */
export async function hotspotSessions(): Promise<Record<string, string>[]> {
	const client = await RawApiClient.login(ROUTER_PORT, 'nyota', 'nyota-api-demo');
	try {
		const replies = await client.run(['/ip/hotspot/active/print']);
		return replies.filter((sentence) => sentence[0] === '!re').map(attributesOf);
	} finally {
		await client.close();
	}
}

/** A MAC and a phone nobody in the demo has, different on every run. */
export function newDevice() {
	const n = Date.now() % 1_000_000;
	const hex = n.toString(16).padStart(6, '0').toUpperCase();
	return {
		mac: `02:00:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
		phone: `0799${String(n).padStart(6, '0')}`
	};
}

export class TopUpPage {
	constructor(private readonly page: Page) {}

	async open(slug = 'nyota') {
		await this.page.goto(`/pay/${slug}`);
		// Typed before hydration, a value can be wiped when Svelte takes over the input.
		await this.page.waitForLoadState('networkidle');
	}

	async find(accountOrPhone: string) {
		await this.page.getByLabel('Account number or phone').fill(accountOrPhone);
		await this.page.getByRole('button', { name: 'Continue' }).click();
	}

	async pay(packageName?: string, phone?: string) {
		if (packageName) await this.page.getByRole('radio', { name: new RegExp(packageName) }).check();
		if (phone) await this.page.getByLabel('M-Pesa number that pays').fill(phone);
		await this.page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
	}
}

/** Nothing on the page is wider than the phone. */
export async function expectFitsPhone(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}
