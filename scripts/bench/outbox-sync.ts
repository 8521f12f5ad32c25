/**
 * `outbox_sync_500_s` and `outbox_duplicates` (issue 14, DESIGN.md §10): the agent's offline outbox
 * sent by the app's own sync code, in Chromium against the production build, counted on the server.
 *
 * The phone (Pixel 5 at 360×740, service worker allowed, as an installed app) opens /agent with the
 * demo agent logged in, then goes offline. 500 registrations are put in its outbox: written to the
 * app's IndexedDB store in the exact shape `enqueue` (src/lib/agent/outbox.ts) gives them, each one's
 * data the output of the shared zod schema the form queues with. Typing 500 forms would measure
 * the typing. The network comes back (`context.setOffline(false)`); from there the app alone sends
 * them (its `online` handler and the worker's Background Sync, POST /agent/sync in batches), and
 * `outbox_sync_500_s` is the time until the server holds all 500 (polled in Postgres every 50 ms).
 *
 * Then replays, each of which must change nothing: 100 more items whose first two batches the
 * server applies but whose answers never reach the phone (the connection is reset after the server
 * answered), so the phone sends them again after its backoff; then every item sent again through
 * the real endpoint, and one batch five times at once. `outbox_duplicates` counts subscribers
 * beyond one per item, plus replays answered with anything but the first answer. `outbox_lost`
 * counts items that never reached the server.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import type { Browser, BrowserContext, Page, Request } from '@playwright/test';
import { registrationItem, SYNC_MAX_ITEMS, type SyncResult } from '../../src/lib/agent/schemas';
import type { OfflineData, OutboxItem } from '../../src/lib/agent/store';
import { agentPhone, type Demo } from './demo';
import { inFlight } from './scratch';

const TIMED_ITEMS = 500;
const REPLAYED_ITEMS = 100;
/** Batches whose answer is lost on the way back to the phone. */
const DROPPED_ANSWERS = 2;
const WAIT_MS = 180_000;

/** `count` registrations for `owner`, shaped as `enqueue` stores them, with phones from `firstPhone`. */
function registrations(
	owner: string,
	packageRef: OfflineData['packages'][number],
	firstSeq: number,
	phones: string[]
): OutboxItem[] {
	return phones.map((phone, i) => ({
		id: randomUUID(),
		owner,
		kind: 'register',
		// What the form queues: the schema's output for what the agent typed.
		data: registrationItem.parse({
			name: `Bench Subscriber ${firstSeq + i}`,
			phone,
			kind: packageRef.kind,
			packageId: packageRef.id,
			notes: 'Registered door to door'
		}),
		queuedAt: new Date().toISOString(),
		seq: firstSeq + i,
		state: 'waiting',
		attempts: 0,
		nextAttemptAt: 0
	}));
}

/** Puts `items` in the app's outbox store, which the app has already created by then. */
async function writeOutbox(page: Page, items: OutboxItem[]): Promise<void> {
	await page.evaluate(async (items) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('mtandao-agent');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		if (!db.objectStoreNames.contains('outbox')) throw new Error('The app has no outbox yet');
		const tx = db.transaction('outbox', 'readwrite');
		for (const item of items) tx.objectStore('outbox').add(item);
		await new Promise((resolve, reject) => {
			tx.oncomplete = resolve;
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	}, items);
}

/** The phone's view of `ids`: how many it holds as synced, and each one's account number. */
async function phoneView(page: Page, ids: string[]): Promise<Record<string, string | null>> {
	return page.evaluate(async (ids) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('mtandao-agent');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const store = db.transaction('outbox').objectStore('outbox');
		const view: Record<string, string | null> = {};
		await Promise.all(
			ids.map(
				(id) =>
					new Promise<void>((resolve) => {
						const get = store.get(id);
						get.onsuccess = () => {
							const item = get.result as
								{ state: string; result?: { accountNumber?: string } } | undefined;
							view[id] = item?.state === 'synced' ? (item.result?.accountNumber ?? '') : null;
							resolve();
						};
						get.onerror = () => resolve();
					})
			)
		);
		db.close();
		return view;
	}, ids);
}

async function until(what: string, check: () => Promise<boolean>, everyMs = 50): Promise<void> {
	const deadline = Date.now() + WAIT_MS;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Gave up waiting: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

/** `count` valid Kenyan phones (07… and 01…) that no subscriber of the demo has. */
async function freshPhones(sql: postgres.Sql, count: number): Promise<string[]> {
	for (;;) {
		const start = 20_000_000 + Math.floor(Math.random() * 70_000_000);
		const phones = Array.from(
			{ length: count },
			(_, i) => `0${i % 2 ? 1 : 7}${String(start + i).padStart(8, '0')}`
		);
		const msisdns = phones.map((p) => `254${p.slice(1)}`);
		const [taken] =
			await sql`select count(*)::int as n from subscribers where phone = any(${msisdns})`;
		if (taken!.n === 0) return phones;
	}
}

export async function benchOutboxSync(
	demo: Demo,
	browser: Browser
): Promise<Record<string, number>> {
	const sql = postgres(demo.databaseUrl, { max: 2, onnotice: () => {} });
	let context: BrowserContext | undefined;
	try {
		context = await agentPhone(browser, demo, { serviceWorkers: 'allow' });
		const page = await context.newPage();
		await page.goto('/agent');
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		// The worker installed and its precache loaded: an app in use, not one still installing.
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.waitForLoadState('networkidle');
		const offline = (await (await context.request.get('/agent/data')).json()) as OfflineData;
		const owner = offline.user.id;
		const packageRef = offline.packages[0];
		if (!packageRef) throw new Error('The demo agent has no package to register with');
		// The app's first sync at start has created its store by now.
		await until('the app opened its outbox', async () =>
			page.evaluate(async () =>
				(await indexedDB.databases()).some((db) => db.name === 'mtandao-agent')
			)
		);
		const [user] = await sql<{ tenantId: string }[]>`
			select tenant_id as "tenantId" from users where id = ${owner}`;
		const tenantId = user!.tenantId;
		const [clock] = await sql<{ since: Date }[]>`select now() as since`;
		const since = clock!.since;

		// The timed run: 500 queued offline, then the signal returns.
		await context.setOffline(true);
		const timed = registrations(owner, packageRef, 1, await freshPhones(sql, TIMED_ITEMS));
		await writeOutbox(page, timed);
		const timedIds = timed.map((item) => item.id);
		const onServer = async (ids: string[]) => {
			const [row] = await sql<
				{ n: number }[]
			>`select count(*)::int as n from agent_sync_items where id = any(${ids}::uuid[])`;
			return row!.n;
		};
		// How long the server took per request, to tell its time from the phone's own.
		const requestMs: number[] = [];
		const timeRequest = (request: Request) => {
			if (request.method() !== 'POST' || !request.url().endsWith('/agent/sync')) return;
			const timing = request.timing();
			requestMs.push(timing.responseEnd - timing.requestStart);
		};
		context.on('requestfinished', timeRequest);
		const load = loadavg()[0]!;
		const started = performance.now();
		await context.setOffline(false);
		await until('500 items on the server', async () => (await onServer(timedIds)) === TIMED_ITEMS);
		const syncS = (performance.now() - started) / 1000;
		await until('the phone shows 500 synced', async () =>
			Object.values(await phoneView(page, timedIds)).every((account) => account !== null)
		);
		const phoneS = (performance.now() - started) / 1000;
		context.off('requestfinished', timeRequest);
		const serverS = requestMs.reduce((sum, ms) => sum + ms, 0) / 1000;

		// Answers lost after the server applied the batch: the phone must send them again.
		let dropped = 0;
		let syncRequests = 0;
		await context.route('**/agent/sync', async (route) => {
			syncRequests++;
			const response = await route.fetch();
			if (dropped < DROPPED_ANSWERS && response.ok()) {
				dropped++;
				await route.abort('connectionreset');
			} else await route.fulfill({ response });
		});
		await context.setOffline(true);
		const replayed = registrations(
			owner,
			packageRef,
			TIMED_ITEMS + 1,
			await freshPhones(sql, REPLAYED_ITEMS)
		);
		await writeOutbox(page, replayed);
		const replayedIds = replayed.map((item) => item.id);
		await context.setOffline(false);
		await until(
			'the phone shows the replayed items synced',
			async () =>
				Object.values(await phoneView(page, replayedIds)).every((account) => account !== null),
			200
		);
		await context.unroute('**/agent/sync');
		if (dropped < DROPPED_ANSWERS) throw new Error(`Only ${dropped} answers were dropped`);

		// Every item sent again through the real endpoint; one batch five times at once.
		const all = [...timed, ...replayed];
		const phoneAccounts = await phoneView(
			page,
			all.map((item) => item.id)
		);
		const first = new Map<string, string>();
		for (const row of await sql<{ id: string; result: SyncResult }[]>`
			select id, result from agent_sync_items where id = any(${all.map((item) => item.id)}::uuid[])`)
			first.set(row.id, row.result.status === 'synced' ? row.result.subscriberId : '');
		let wrongAnswers = 0;
		for (const item of all) {
			const kept = phoneAccounts[item.id];
			if (kept === null || kept === undefined) continue;
			const [row] = await sql<{ account: string }[]>`
				select account_number as account from subscribers where id = ${first.get(item.id) ?? null}`;
			if (row?.account !== kept) wrongAnswers++;
		}
		const wire = (item: OutboxItem) => ({
			id: item.id,
			kind: item.kind,
			queuedAt: item.queuedAt,
			data: item.data
		});
		const post = async (items: OutboxItem[]) => {
			const response = await context!.request.post('/agent/sync', {
				data: { items: items.map(wire) },
				headers: { origin: demo.url, accept: 'application/json' }
			});
			if (!response.ok()) throw new Error(`POST /agent/sync answered ${response.status()}`);
			return ((await response.json()) as { results: SyncResult[] }).results;
		};
		const batches: OutboxItem[][] = [];
		for (let i = 0; i < all.length; i += SYNC_MAX_ITEMS)
			batches.push(all.slice(i, i + SYNC_MAX_ITEMS));
		const sameAtOnce = Array.from({ length: 5 }, () => batches[0]!);
		const replies = await inFlight([...batches, ...sameAtOnce], 5, post);
		let replays = 0;
		for (const results of replies)
			for (const result of results) {
				replays++;
				const subscriberId = result.status === 'synced' ? result.subscriberId : undefined;
				if (!subscriberId || subscriberId !== first.get(result.id)) wrongAnswers++;
			}

		const [counted] = await sql<{ subscribers: number; phones: number }[]>`
			select count(*)::int as subscribers, count(distinct phone)::int as phones
			from subscribers where tenant_id = ${tenantId} and created_at >= ${since}`;
		const lost = all.filter((item) => !first.has(item.id)).length;
		const duplicates = counted!.subscribers - (all.length - lost) + wrongAnswers;
		console.log(
			`agent outbox: ${TIMED_ITEMS} synced on the server in ${syncS.toFixed(2)} s, shown synced on the phone in ${phoneS.toFixed(2)} s ` +
				`(${requestMs.length} requests, ${serverS.toFixed(2)} s waiting for their answers; load average ${load.toFixed(1)}); ` +
				`${REPLAYED_ITEMS} more with ${dropped} answers lost (${syncRequests} sync requests), then ${replays} replays: ` +
				`${counted!.subscribers} subscribers (${counted!.phones} phones) for ${all.length} items, ${wrongAnswers} answers unlike the first, ${lost} lost`
		);
		return {
			outbox_sync_500_s: syncS,
			outbox_duplicates: duplicates,
			outbox_lost: lost
		};
	} finally {
		await context?.close();
		await sql.end();
	}
}
