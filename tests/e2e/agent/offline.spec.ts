/**
 * Issue 14's acceptance for the field agent, on the production build at 360×740 with touch: the
 * service worker controls the page; with the network off /agent loads, three registrations and a
 * cash receipt are taken, survive a reload, and once the network returns each lands on the server
 * exactly once with an account number shown; the one the server refuses (duplicate phone) shows
 * why and is fixed and sent again. An item queued under agent A is never sent under agent B on the
 * same phone, and with the app closed the service worker sends the outbox itself. A tenant of its
 * own (agents take cash there), so no other spec is touched.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import * as playwright from '@playwright/test';
import { apiAs } from '../fixtures/login';
import { ownTenant } from '../fixtures/own-tenant';
import { freshPhone, logInAs } from '../layout/long-text-pages';

const run = Date.now().toString(36).slice(-5);
const AGENT_A = { name: `Amani Agent ${run}`, email: `amani-${run}@agents.example` };
const AGENT_B = { name: `Bahati Agent ${run}`, email: `bahati-${run}@agents.example` };
const PACKAGE = `Shamba Day ${run}`;

test.use({ hasTouch: true, isMobile: true, serviceWorkers: 'allow' });
// The second test uses the tenant and agents the first set up (a retry would start a new tenant).
test.describe.configure({ mode: 'serial' });

/** A tenant of its own where agents take cash, with two agents sharing one phone. */
async function setUp(baseURL: string) {
	const tenant = await ownTenant(baseURL, {
		prefix: 'Shamba',
		run,
		packageName: PACKAGE,
		routerName: `Shamba Router ${run}`,
		agents: [AGENT_A, AGENT_B],
		agentsTakeCash: true
	});
	for (const agent of tenant.agents) await agent.dispose();
	return tenant.manager;
}

/** How many of this tenant's subscribers the manager finds by `name` (each must be there once). */
async function countOnServer(manager: APIRequestContext, name: string): Promise<number> {
	const html = await (
		await manager.get(`/manage/subscribers?q=${encodeURIComponent(name)}`)
	).text();
	return html.split('data-subscriber-id=').length - 1;
}

/**
 * The page is the service worker's, and the phone keeps the agent's data for offline use. Only
 * /agent is opened: the app itself keeps the other agent pages and their data for offline use.
 */
async function readyForOffline(page: Page) {
	await page.goto('/agent');
	// A first visit installs the worker (it precaches the build) and it then takes the page.
	await expect
		.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 30_000 })
		.toBe(true);
	await expect(page.getByTestId('last-synced')).toContainText('Last synced');
	await expect
		.poll(
			() =>
				page.evaluate(async () => {
					const kept: string[] = [];
					for (const name of await caches.keys())
						for (const request of await (await caches.open(name)).keys())
							kept.push(new URL(request.url).pathname);
					return (
						kept.includes('/agent') &&
						['/agent/register', '/agent/cash', '/agent/outbox'].every(
							(path) => kept.includes(path) && kept.includes(`${path}/__data.json`)
						)
					);
				}),
			{ timeout: 15_000 }
		)
		.toBe(true);
}

async function register(page: Page, name: string, phone: string) {
	await page.getByTestId('register-subscriber').click();
	await expect(page).toHaveURL(/\/agent\/register$/);
	await page.getByLabel('Full name').fill(name);
	await page.getByLabel('Phone number').fill(phone);
	const select = page.getByLabel('Package');
	await select.selectOption(
		await select.locator('option', { hasText: PACKAGE }).getAttribute('value')
	);
	await page.getByTestId('register-save').click();
	await expect(page.getByTestId('register-queued')).toContainText(name);
}

/** Every item this phone sent to the server, by id, and under whose session cookie. */
function watchSync(page: Page) {
	const sent: string[] = [];
	page.context().on('request', (request) => {
		if (new URL(request.url()).pathname !== '/agent/sync') return;
		const body = request.postDataJSON() as { items: { id: string }[] } | null;
		for (const item of body?.items ?? []) sent.push(item.id);
	});
	return sent;
}

test('an agent registers and takes cash with no signal; each lands once, a refused one is fixed', async ({
	page,
	context,
	baseURL
}) => {
	test.setTimeout(180_000);
	const manager = await setUp(baseURL!);
	const taken = freshPhone();
	// A subscriber the server already has with this phone: the agent's third registration repeats it.
	await logInAs(page, AGENT_B.email);
	await readyForOffline(page);
	await register(page, `Existing Customer ${run}`, taken);
	await expect(page.getByTestId('item-account')).toBeVisible({ timeout: 20_000 });

	await logInAs(page, AGENT_A.email);
	await readyForOffline(page);
	const sent = watchSync(page);

	await context.setOffline(true);
	await page.goto('/agent');
	await expect(page.getByTestId('offline-banner')).toBeVisible();
	const names = [`Wanjiru Shamba ${run}`, `Otieno Shamba ${run}`, `Duplicate Shamba ${run}`];
	await register(page, names[0]!, freshPhone());
	// Cash for the customer just registered: queued against the registration itself.
	await page.getByTestId('cash-for-registration').click();
	await page.getByLabel('Amount (KES)').fill('1,500');
	await page.getByTestId('cash-save').click();
	await expect(page.getByTestId('cash-queued')).toBeVisible();
	await page.goto('/agent');
	await register(page, names[1]!, freshPhone());
	await page.goto('/agent');
	await register(page, names[2]!, taken);
	await page.goto('/agent');
	await expect(page.getByTestId('pending-count')).toHaveText('Waiting to be sent: 4');

	// A registration with 5 MB of notes (the form refuses that; a phone's storage could hold it),
	// second in the queue: it must be refused on its own without holding up the items after it.
	const tooLong = `Long Notes Shamba ${run}`;
	await page.evaluate(
		async ({ name, phone }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const open = indexedDB.open('mtandao-agent');
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			type Item = {
				id: string;
				seq: number;
				kind: string;
				state: string;
				data: Record<string, unknown>;
			};
			const all = await new Promise<Item[]>((resolve) => {
				const get = db.transaction('outbox').objectStore('outbox').getAll();
				get.onsuccess = () => resolve(get.result as Item[]);
			});
			// This agent's first registration (the other agent's, sent earlier, is on the phone too).
			const first = all
				.filter((i) => i.kind === 'register' && i.state === 'waiting')
				.sort((a, b) => a.seq - b.seq)[0]!;
			const huge = {
				...first,
				id: crypto.randomUUID(),
				seq: first.seq + 0.5,
				data: { ...first.data, name, phone, notes: 'x'.repeat(5 * 1024 * 1024) }
			};
			const tx = db.transaction('outbox', 'readwrite');
			tx.objectStore('outbox').put(huge);
			await new Promise((resolve, reject) => {
				tx.oncomplete = resolve;
				tx.onerror = () => reject(tx.error);
			});
		},
		{ name: tooLong, phone: freshPhone() }
	);

	await page.reload();
	await expect(page.getByTestId('pending-count')).toHaveText('Waiting to be sent: 5');
	await page.goto('/agent/outbox');
	await expect(page.locator('[data-item-id] [data-state=waiting]')).toHaveCount(5);
	expect(sent).toEqual([]);

	await context.setOffline(false);
	const items = page.getByTestId('outbox-items');
	await expect(items.locator('[data-state=synced]')).toHaveCount(3, { timeout: 30_000 });
	await expect(items.locator('[data-state=needs-attention]')).toHaveCount(2);
	await expect(items.locator('li', { hasText: tooLong }).getByTestId('item-reason')).toHaveText(
		'Too large to send. Shorten the notes and send again.'
	);
	for (const name of names.slice(0, 2)) {
		const row = items.locator('li', { hasText: name }).filter({ hasText: 'Registration' });
		await expect(row.getByTestId('item-account')).toHaveText(/Account \d+/);
	}
	await expect(items.locator('li[data-kind=cash]').getByTestId('item-receipt')).toBeVisible();
	const refused = items.locator('li', { hasText: names[2]! });
	await expect(refused.getByTestId('item-reason')).toContainText(/already registered/i);

	// Fixed on the phone and sent again under the same id.
	const refusedId = await refused.getAttribute('data-item-id');
	await refused.getByTestId('fix-item').click();
	await expect(page).toHaveURL(/\/agent\/register\?edit=/);
	await expect(page.getByTestId('register-form')).toBeVisible();
	await expect(page.getByTestId('item-reason')).toContainText(/already registered/i);
	await page.getByLabel('Phone number').fill(freshPhone());
	await page.getByTestId('register-save').click();
	await expect(page.getByTestId('item-account')).toHaveText(/Account \d+/, { timeout: 20_000 });
	await page.goto('/agent/outbox');
	await expect(items.locator(`[data-item-id="${refusedId}"] [data-state=synced]`)).toBeVisible();

	// Exactly once on the server, however many times the phone tried.
	for (const name of names) expect(await countOnServer(manager, name), name).toBe(1);
	expect(await countOnServer(manager, tooLong)).toBe(0);
	expect(await countOnServer(manager, `Existing Customer ${run}`)).toBe(1);
	await manager.dispose();
});

test('an item queued under agent A is never sent under agent B on the same phone', async ({
	page,
	context,
	baseURL
}) => {
	test.setTimeout(120_000);
	const manager = await apiAs(playwright, baseURL!, `shamba-${run}@managers.example`);
	await logInAs(page, AGENT_A.email);
	await readyForOffline(page);
	const sent = watchSync(page);

	await context.setOffline(true);
	await page.goto('/agent');
	const name = `Kept For Amani ${run}`;
	await register(page, name, freshPhone());
	const id = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('mtandao-agent');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const all = await new Promise<{ id: string; state: string }[]>((resolve) => {
			const get = db.transaction('outbox').objectStore('outbox').getAll();
			get.onsuccess = () => resolve(get.result as { id: string; state: string }[]);
		});
		return all.find((item) => item.state === 'waiting')!.id;
	});
	// A's session ends while offline (expired); then B logs in on this phone.
	await context.clearCookies();
	await context.setOffline(false);
	await logInAs(page, AGENT_B.email);
	await expect(page.getByTestId('last-synced')).toContainText('Last synced');
	await page.goto('/agent/outbox');
	await expect(page.getByTestId('outbox-items')).not.toContainText(name);
	await page.getByTestId('send-now').click();
	await page.waitForTimeout(1_000);
	expect(sent).not.toContain(id);
	expect(await countOnServer(manager, name)).toBe(0);

	// Back as A: it goes, once.
	await logInAs(page, AGENT_A.email);
	await page.goto('/agent/outbox');
	await expect(page.locator(`[data-item-id="${id}"] [data-state=synced]`)).toBeVisible({
		timeout: 30_000
	});
	expect(sent).toContain(id);
	expect(await countOnServer(manager, name)).toBe(1);
	await manager.dispose();
});

test('with the app closed, the service worker sends the outbox when the signal returns', async ({
	context,
	baseURL
}) => {
	test.setTimeout(120_000);
	const manager = await apiAs(playwright, baseURL!, `shamba-${run}@managers.example`);
	const page = await context.newPage();
	await logInAs(page, AGENT_A.email);
	await readyForOffline(page);
	await context.setOffline(true);
	await page.goto('/agent');
	const name = `Sent By The Worker ${run}`;
	await register(page, name, freshPhone());

	// Only a blank tab stays open: no window of the app is left to send anything.
	const blank = await context.newPage();
	const devtools = await context.newCDPSession(blank);
	const registration = new Promise<string>((resolve) => {
		devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
			const ours = registrations.find((r) => r.scopeURL.startsWith(baseURL!) && !r.isDeleted);
			if (ours) resolve(ours.registrationId);
		});
	});
	await devtools.send('ServiceWorker.enable');
	const registrationId = await registration;
	await page.close();
	expect(context.pages().map((p) => p.url())).toEqual(['about:blank']);
	await context.setOffline(false);
	// What Chrome does when the phone is online again (the outbox registered the tag), and again
	// after a failed try (Chrome may also have fired it by itself): the item goes, once.
	const sync = () =>
		devtools.send('ServiceWorker.dispatchSyncEvent', {
			origin: new URL(baseURL!).origin,
			registrationId,
			tag: 'agent-outbox',
			lastChance: false
		});
	await expect
		.poll(
			async () => {
				await sync();
				return countOnServer(manager, name);
			},
			{ timeout: 45_000, intervals: [1_000, 2_000, 3_000] }
		)
		.toBe(1);
	await sync();
	await expect.poll(() => countOnServer(manager, name)).toBe(1);

	// The phone's outbox knows: the next time the app opens, the item shows as sent.
	const again = await context.newPage();
	await again.goto('/agent/outbox');
	await expect(
		again
			.getByTestId('outbox-items')
			.locator('li', { hasText: name })
			.locator('[data-state=synced]')
	).toBeVisible();
	await manager.dispose();
});
