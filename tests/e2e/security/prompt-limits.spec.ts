/**
 * Issue 11, item 8: /pay cannot be used to ring a subscriber's account from phone after phone. A
 * phone that is not the account's own gets two prompts an hour for it; the third is refused beside
 * the phone field, in words, with a 429 and no prompt sent.
 */
import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { apiAs } from '../fixtures/login';
import { customerAnswers } from '../payments/self-service-pages';

// Kiprono, a demo subscriber of Nyota Net (src/lib/server/demo/seed.ts); the payer is nobody's phone.
const KIPRONO = '0712 000 104';
const STRANGER = '254733000777';

const fieldMessage = (html: string, name: string) =>
	new RegExp(`<p class="error" id="field-${name}-error">([^<]*)</p>`).exec(html)?.[1];

test('a third prompt from a stranger’s phone for one account within the hour is refused with a message beside the phone', async ({
	baseURL
}) => {
	await customerAnswers(STRANGER, { resultCode: 1032, delayMs: 200 });
	const anon = await apiAs(playwright, baseURL!);
	const found = await (await anon.post('/pay/nyota?/find', { form: { account: KIPRONO } })).text();
	const packageId = /<input type="radio" name="packageId" value="([0-9a-f-]{36})"[^>]*checked/.exec(
		found
	)?.[1];
	expect(packageId).toBeTruthy();
	const pay = () =>
		anon.post('/pay/nyota?/pay', {
			form: { account: KIPRONO, packageId: packageId!, phone: '0733 000 777' },
			maxRedirects: 0
		});
	expect((await pay()).status()).toBe(303);
	await new Promise((r) => setTimeout(r, 1_000));
	expect((await pay()).status()).toBe(303);
	await new Promise((r) => setTimeout(r, 1_000));
	const third = await pay();
	expect(third.status()).toBe(429);
	const html = await third.text();
	expect(fieldMessage(html, 'phone')).toMatch(
		/^This account has had too many requests from other phones\. Leave the M-Pesa number empty/
	);
	expect(html).not.toMatch(/at \w+ \(|node_modules/);
	await anon.dispose();
});
