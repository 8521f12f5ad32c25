/**
 * Issue 12 §2: the subscriber edit form, forged. A manager can only pick routers of their own
 * tenant — not a sibling's (row-level security hides it), not even a reseller's below them
 * (visible in their drill-down, refused by the check and the composite key) — and bad input is a
 * 400 with field messages that changes nothing.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import * as playwright from '@playwright/test';
import { LOGINS, apiAs } from '../fixtures/login';

const ids = (html: string, path: string) =>
	[...html.matchAll(new RegExp(`href="/manage/${path}/([0-9a-f-]{36})"`, 'g'))].map((m) => m[1]!);

async function firstRouter(context: APIRequestContext): Promise<string> {
	const [id] = ids(await (await context.get('/manage/routers')).text(), 'routers');
	expect(id).toBeDefined();
	return id!;
}

const editForm = (routerId: string, extra: Record<string, string> = {}) => ({
	name: 'Forged Name',
	phone: '0712 999 001',
	kind: 'hotspot',
	routerId,
	...extra
});

test("another tenant's router, a forged form and bad input are refused with 400 and field messages; nothing changes", async ({
	baseURL
}) => {
	const nyota = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	const kondele = await apiAs(playwright, baseURL!, LOGINS.kondeleManager);
	const pwani = await apiAs(playwright, baseURL!, LOGINS.pwaniManager);
	// A seeded subscriber of Nyota's own (the list may also show Kondele's, a reseller below Nyota).
	const list = await (await nyota.get('/manage/subscribers?q=Fatuma+Hassan')).text();
	const subscriberId = /href="\/manage\/subscribers\/([0-9a-f-]{36})"/.exec(list)?.[1];
	expect(subscriberId).toBeDefined();
	const page = `/manage/subscribers/${subscriberId}`;
	const before = await (await nyota.get(page)).text();
	const heading = /<h1>([^<]*)<\/h1>/.exec(before)?.[1];
	expect(heading).toBeTruthy();

	for (const foreign of [await firstRouter(kondele), await firstRouter(pwani)]) {
		const response = await nyota.post(`${page}?/edit`, { form: editForm(foreign) });
		expect(response.status()).toBe(400);
		const html = await response.text();
		expect(html).toContain('Choose one from the list.');
		expect(/<select id="edit-router"[^>]*>/.exec(html)?.[0]).toContain('aria-invalid="true"');
	}

	// Every field wrong at once: one message per field, and no stack.
	const garbage = await nyota.post(`${page}?/edit`, {
		headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
		form: { name: '', phone: '12', kind: 'castle', routerId: 'nope', packageId: "' or 1=1 --" }
	});
	const result = await garbage.json();
	expect(result.status).toBe(400);
	for (const text of [
		'This is required.',
		'Enter a Safaricom, Airtel or Telkom number like 0712 345 678.',
		'Choose one from the list.'
	]) {
		expect(JSON.stringify(result.data)).toContain(text);
	}

	// A package of the other service: refused beside the package.
	const pppoe = /<optgroup label="PPPoE">\s*<option value="([0-9a-f-]{36})"/.exec(before)?.[1];
	if (pppoe && /data-testid="subscriber-edit"/.test(before) && before.includes('· Hotspot')) {
		const response = await nyota.post(`${page}?/edit`, {
			form: editForm(await firstRouter(nyota), { packageId: pppoe })
		});
		expect(response.status()).toBe(400);
		expect(await response.text()).toContain('That package is for the other service type.');
	}

	// Nothing of it stuck.
	const after = await (await nyota.get(page)).text();
	expect(/<h1>([^<]*)<\/h1>/.exec(after)?.[1]).toBe(heading);
	expect(after).not.toContain('Forged Name');

	// Another tenant's manager, and an agent, do not get to edit Nyota's subscriber at all.
	expect(
		(await kondele.post(`${page}?/edit`, { form: editForm(await firstRouter(kondele)) })).status()
	).toBe(404);
	const agent = await apiAs(playwright, baseURL!, LOGINS.nyotaAgent);
	expect(
		(await agent.post(`${page}?/edit`, { form: editForm(await firstRouter(nyota)) })).status()
	).toBe(404);
	expect(await (await nyota.get(page)).text()).not.toContain('Forged Name');
	for (const context of [nyota, kondele, pwani, agent]) await context.dispose();
});
