/**
 * Issue 11, item 8: anyone can type anyone's phone on /pay. What comes back, in the page and in the
 * action's data the browser receives, is the masked name, active/expired and the packages: not the
 * balance, the expiry, the kind of service, the account number or the phone's digits.
 */
import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { parse } from 'devalue';
import { apiAs } from '../fixtures/login';
import { TopUpPage, expectFitsPhone } from '../payments/self-service-pages';

// Fatuma Hassan, a demo subscriber of Nyota Net with the Daily package (src/lib/server/demo/seed.ts).
const FATUMA_TYPED = '0712 000 103';

const withoutIds = (text: string) =>
	text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');

test('a stranger who types a phone on a 360 px phone sees the masked name, the status and the packages only', async ({
	page
}) => {
	const topUp = new TopUpPage(page);
	await topUp.open();
	await topUp.find(FATUMA_TYPED);
	await expect(page.getByTestId('payer-name')).toHaveText('Fa***a Ha***n');
	await expect(page.getByTestId('payer-status')).toHaveText(/^(Active|Expired)$/);
	await expect(page.getByRole('radio', { name: /^Daily Speed/ })).toBeChecked();
	const summary = page.getByRole('region', { name: 'Your account' });
	await expect(summary).not.toContainText(/Balance|Expires|KES|hotspot|Account \d/i);
	// Not even the last digits of the phone in the "who pays" hint.
	await expect(page.getByText(/ending in/)).toHaveCount(0);
	// What was typed rides along in a hidden field for step 2; nothing else of the phone shows.
	const html = withoutIds(await page.content()).replaceAll(`value="${FATUMA_TYPED}"`, '');
	expect(html).not.toMatch(/000\s?103|712000103/);
	expect(await page.locator('body').innerText()).not.toMatch(/103/);
	await expectFitsPhone(page);
});

test('the look-up’s data carries no balance, expiry, kind, account number or phone digits', async ({
	baseURL
}) => {
	const anon = await apiAs(playwright, baseURL!);
	const response = await anon.post('/pay/nyota?/find', {
		headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
		form: { account: FATUMA_TYPED }
	});
	const result = await response.json();
	expect(result).toMatchObject({ type: 'success', status: 200 });
	const data = parse(result.data) as { payer: Record<string, unknown>; account: string };
	expect(Object.keys(data.payer).sort()).toEqual([
		'maskedName',
		'packages',
		'status',
		'suggestedPackageId'
	]);
	expect(data.payer).toMatchObject({
		maskedName: 'Fa***a Ha***n',
		status: expect.stringMatching(/^(active|expired)$/)
	});
	// Only what the customer typed comes back (step 2 posts it again), never the account it found.
	expect(data.account).toBe(FATUMA_TYPED);
	const sent = withoutIds(JSON.stringify(data.payer));
	expect(sent).not.toMatch(/balance|expires|kind|hotspot|pppoe|phone|account/i);
	expect(sent).not.toMatch(/103/);
	await anon.dispose();
});
