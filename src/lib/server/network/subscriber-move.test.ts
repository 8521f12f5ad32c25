/**
 * Issue 12 §2: correcting a subscriber (name, phone, kind, router) and the routers following it,
 * with node-routeros talking to simulated MikroTiks over TCP. A move is two jobs in the outbox: a
 * removal on the old router and a sync on the new one, each retried until its router answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { provisioningJobs, subscribers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage } from './packages';
import { reconcileRouter } from './reconcile';
import { createRouter } from './routers';
import { closeAllRouterConnections } from './routeros/client';
import {
	NotInTenant,
	PackageKindMismatch,
	changeSubscriber,
	getSubscriber,
	moveSubscriber,
	othersWithPhone,
	registerSubscriber
} from './subscribers';
import { renewSubscription } from '../billing/renewals';
import { ProvisioningWorker } from './worker';

let db: TestDatabase;
let westSim: RouterSim;
let eastSim: RouterSim;
let tenantId: string;
let west: string;
let east: string;
let daily: string;
let homePppoe: string;
let otherTenant: { tenantId: string; routerId: string; packageId: string };

const HOTSPOT = '/ip/hotspot/user';
const PPP = '/ppp/secret';
const actor = { userId: undefined as unknown as string, name: 't' };

beforeAll(async () => {
	db = await openTestDatabase();
	[westSim, eastSim] = await Promise.all([
		startRouterSim({ identity: 'Kisumu-West' }),
		startRouterSim({ identity: 'Kisumu-East' })
	]);
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Move ISP', slug: 'move-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	await withTenant(tenantId, async (tx) => {
		const at = (sim: RouterSim, name: string) =>
			createRouter(tx, tenantId, {
				name,
				host: sim.host,
				port: sim.port,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			});
		west = (await at(westSim, 'West')).id;
		east = (await at(eastSim, 'East')).id;
		daily = (
			await createPackage(tx, tenantId, {
				name: 'Daily',
				kind: 'hotspot',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '2M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
		homePppoe = (
			await createPackage(tx, tenantId, {
				name: 'Home',
				kind: 'pppoe',
				priceKes: 1500,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '5M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
	});
	const otherId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Other ISP', slug: 'other-move-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	otherTenant = await withTenant(otherId, async (tx) => ({
		tenantId: otherId,
		routerId: (
			await createRouter(tx, otherId, {
				name: 'Theirs',
				host: westSim.host,
				port: westSim.port,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		).id,
		packageId: (
			await createPackage(tx, otherId, {
				name: 'Theirs',
				kind: 'hotspot',
				priceKes: 10,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '1M/1M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id
	}));
});

afterEach(async () => {
	westSim.faults.reset();
	eastSim.faults.reset();
	await westSim.resumeListening().catch(() => {});
});

afterAll(async () => {
	await closeAllRouterConnections();
	await Promise.all([westSim?.close(), eastSim?.close()]);
	await db?.close();
});

async function drain(worker: ProvisioningWorker, deadlineMs = 20_000): Promise<void> {
	const until = Date.now() + deadlineMs;
	while (Date.now() < until) {
		const [open] = await withTenant(tenantId, (tx) =>
			tx
				.select({ n: sql<number>`count(*)::int` })
				.from(provisioningJobs)
				.where(inArray(provisioningJobs.status, ['pending', 'running']))
		);
		if (open!.n === 0) return;
		if ((await worker.runOnce()) === 0) await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('the provisioning queue did not drain in time');
}

let phoneSeq = 0;
async function activeOn(routerId: string, name: string, kind: 'hotspot' | 'pppoe' = 'hotspot') {
	const phone = `2547133${String(++phoneSeq).padStart(5, '0')}`;
	return withTenant(tenantId, async (tx) => {
		const { subscriber } = await registerSubscriber(tx, {
			tenantId,
			name,
			phone,
			kind,
			routerId,
			packageId: kind === 'hotspot' ? daily : homePppoe,
			registeredBy: null
		});
		return (await renewSubscription(tx, subscriber.id))!;
	});
}

const entry = (sim: RouterSim, menu: string, name: string) =>
	sim.router.rows(menu).find((row) => row.name === name);
const jobsOf = (subscriberId: string) =>
	withTenant(tenantId, (tx) =>
		tx
			.select()
			.from(provisioningJobs)
			.where(eq(provisioningJobs.subscriberId, subscriberId))
			.orderBy(provisioningJobs.id)
	);

describe('correcting a subscriber', () => {
	it('corrects the name and phone: the same router entry (named by the account number) follows in its comment', async () => {
		const worker = new ProvisioningWorker();
		const s = await activeOn(west, 'Wanjiru Kamua');
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)?.comment).toBe(
			`mtandao:${s.id} t=${tenantId} r=${west} Wanjiru Kamua ${'0' + s.phone.slice(3, 6)} ${s.phone.slice(6, 9)} ${s.phone.slice(9)}`
		);

		const change = await withTenant(tenantId, (tx) =>
			changeSubscriber(tx, s.id, { name: 'Wanjiru Kamau', phone: '254722000111' })
		);
		expect(change?.changed).toEqual(['name', 'phone']);
		await drain(worker);
		const user = entry(westSim, HOTSPOT, s.routerUsername);
		expect(user).toMatchObject({
			disabled: 'false',
			comment: `mtandao:${s.id} t=${tenantId} r=${west} Wanjiru Kamau 0722 000 111`
		});
		expect(westSim.router.rows(HOTSPOT).filter((row) => row.comment?.includes(s.id))).toHaveLength(
			1
		);
	});

	it('changes nothing and queues nothing when nothing changed', async () => {
		const s = await activeOn(west, 'Same Sally');
		const before = (await jobsOf(s.id)).length;
		const change = await withTenant(tenantId, (tx) =>
			changeSubscriber(tx, s.id, { name: s.name, phone: s.phone, routerId: west, kind: 'hotspot' })
		);
		expect(change?.changed).toEqual([]);
		expect(await jobsOf(s.id)).toHaveLength(before);
	});

	it('changes the kind: the hotspot user goes, a PPPoE secret with the PPPoE package comes, on the same router', async () => {
		const worker = new ProvisioningWorker();
		const s = await activeOn(west, 'Kind Kamau');
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeDefined();
		await withTenant(tenantId, (tx) =>
			changeSubscriber(tx, s.id, { kind: 'pppoe', packageId: homePppoe })
		);
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeUndefined();
		expect(entry(westSim, PPP, s.routerUsername)).toMatchObject({
			service: 'pppoe',
			disabled: 'false'
		});
	});

	it("refuses a package of the other kind, and another tenant's router or package, changing nothing", async () => {
		const s = await activeOn(west, 'Refused Rose');
		const jobsBefore = (await jobsOf(s.id)).length;
		await expect(
			withTenant(tenantId, (tx) => changeSubscriber(tx, s.id, { kind: 'pppoe' }))
		).rejects.toBeInstanceOf(PackageKindMismatch);
		await expect(
			withTenant(tenantId, (tx) => changeSubscriber(tx, s.id, { packageId: homePppoe }))
		).rejects.toBeInstanceOf(PackageKindMismatch);
		const foreignRouter = withTenant(tenantId, (tx) =>
			changeSubscriber(tx, s.id, { name: 'Renamed', routerId: otherTenant.routerId })
		);
		await expect(foreignRouter).rejects.toBeInstanceOf(NotInTenant);
		await expect(foreignRouter).rejects.toMatchObject({ field: 'routerId' });
		await expect(
			withTenant(tenantId, (tx) => changeSubscriber(tx, s.id, { packageId: otherTenant.packageId }))
		).rejects.toMatchObject({ field: 'packageId' });
		const after = await withTenant(tenantId, (tx) => getSubscriber(tx, s.id));
		expect(after).toMatchObject({
			name: 'Refused Rose',
			routerId: west,
			kind: 'hotspot',
			packageId: daily
		});
		expect(await jobsOf(s.id)).toHaveLength(jobsBefore);
	});

	it('names the other subscriber of the tenant who has the phone (a family phone), and nobody of another tenant', async () => {
		const first = await activeOn(west, 'Mama Njeri');
		const second = await activeOn(west, 'Baba Njeri');
		const others = await withTenant(tenantId, (tx) =>
			othersWithPhone(tx, tenantId, first.phone, second.id)
		);
		expect(others).toEqual([
			{ id: first.id, name: 'Mama Njeri', accountNumber: first.accountNumber }
		]);
		expect(
			await withTenant(tenantId, (tx) => othersWithPhone(tx, tenantId, first.phone, first.id))
		).toEqual([]);
		expect(
			await withTenant(otherTenant.tenantId, (tx) =>
				othersWithPhone(tx, otherTenant.tenantId, first.phone, second.id)
			)
		).toEqual([]);
	});

	it("does not see another tenant's subscriber to change", async () => {
		const s = await activeOn(west, 'Hidden Hilda');
		expect(
			await withTenant(otherTenant.tenantId, (tx) =>
				changeSubscriber(tx, s.id, { name: 'Taken over', routerId: otherTenant.routerId })
			)
		).toBeUndefined();
		expect((await withTenant(tenantId, (tx) => getSubscriber(tx, s.id)))?.name).toBe(
			'Hidden Hilda'
		);
	});
});

describe('moving a subscriber to another router', () => {
	it('removes the user from the old router and creates it on the new one, with both jobs queued in the same transaction', async () => {
		const worker = new ProvisioningWorker();
		const s = await activeOn(west, 'Mover Mwangi');
		await drain(worker);
		westSim.router.addHotspotSession({ user: s.routerUsername, address: '10.5.50.9' });

		// Rolled back with the change: no job without the move, no move without its jobs.
		const jobsBefore = (await jobsOf(s.id)).length;
		await expect(
			withTenant(tenantId, async (tx) => {
				await moveSubscriber(tx, s.id, east);
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect(await jobsOf(s.id)).toHaveLength(jobsBefore);

		const change = await withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, east));
		expect(change?.changed).toEqual(['routerId']);
		const queued = (await jobsOf(s.id)).slice(jobsBefore);
		expect(queued.map((j) => [j.action, j.routerId])).toEqual([
			['remove_subscriber', west],
			['sync_subscriber', east]
		]);
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeUndefined();
		expect(
			westSim.router.rows('/ip/hotspot/active').filter((a) => a.user === s.routerUsername)
		).toEqual([]);
		expect(entry(eastSim, HOTSPOT, s.routerUsername)).toMatchObject({
			disabled: 'false',
			comment: expect.stringContaining(`r=${east} Mover Mwangi`)
		});
	});

	it('does not forget the removal while the old router is down, and reconcile neither re-adds it there nor deletes it from the new one', async () => {
		const worker = new ProvisioningWorker({
			retry: { baseMs: 50, capMs: 200, maxAttempts: 500 },
			log: () => {}
		});
		const s = await activeOn(west, 'Outage Otieno');
		await drain(worker);
		await closeAllRouterConnections();
		await westSim.stopListening();

		await withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, east));
		// The new router gets the user although the old one is down: each router has its own queue.
		for (let i = 0; i < 20 && !entry(eastSim, HOTSPOT, s.routerUsername); i++) {
			await worker.runOnce();
			await new Promise((r) => setTimeout(r, 60));
		}
		expect(entry(eastSim, HOTSPOT, s.routerUsername)).toMatchObject({ disabled: 'false' });
		const [removal] = (await jobsOf(s.id)).filter((j) => j.action === 'remove_subscriber');
		expect(removal).toMatchObject({ routerId: west, status: 'pending' });
		expect(removal!.attempts).toBeGreaterThan(0);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeDefined();

		// Reconcile of the new router keeps it there.
		const eastReport = await reconcileRouter(tenantId, east);
		expect(eastReport!.changes.filter((c) => c.name === s.routerUsername)).toEqual([]);
		expect(entry(eastSim, HOTSPOT, s.routerUsername)).toBeDefined();

		// The old router comes back: its own reconcile removes the stale entry instead of repairing it.
		await westSim.resumeListening();
		const westReport = await reconcileRouter(tenantId, west);
		expect(westReport!.changes).toContainEqual({
			kind: 'hotspot',
			name: s.routerUsername,
			change: 'removed'
		});
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeUndefined();
		await drain(worker);
		expect((await jobsOf(s.id)).find((j) => j.id === removal!.id)).toMatchObject({
			status: 'done'
		});
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeUndefined();
		expect(entry(eastSim, HOTSPOT, s.routerUsername)).toMatchObject({ disabled: 'false' });
	});

	it('keeps the user when it moved back before the old router came back: the late removal does not undo the return', async () => {
		const worker = new ProvisioningWorker({
			retry: { baseMs: 50, capMs: 200, maxAttempts: 2 },
			log: () => {}
		});
		const s = await activeOn(west, 'Return Rehema');
		await drain(worker);
		await closeAllRouterConnections();
		await westSim.stopListening();
		await withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, east));
		// The removal on the dead router is parked as failed after two tries; the later jobs pass it.
		await drain(worker);
		const parked = (await jobsOf(s.id)).find((j) => j.action === 'remove_subscriber');
		expect(parked).toMatchObject({ routerId: west, status: 'failed' });

		await westSim.resumeListening();
		await withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, west));
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toMatchObject({ disabled: 'false' });
		expect(entry(eastSim, HOTSPOT, s.routerUsername)).toBeUndefined();

		// A manager retries the parked removal afterwards: it finds the subscriber belongs there and leaves it.
		await withTenant(tenantId, (tx) =>
			tx
				.update(provisioningJobs)
				.set({ status: 'pending', attempts: 0 })
				.where(eq(provisioningJobs.id, parked!.id))
		);
		await drain(worker);
		expect((await jobsOf(s.id)).find((j) => j.id === parked!.id)).toMatchObject({ status: 'done' });
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toMatchObject({ disabled: 'false' });
	});

	it("between two records of one MikroTik, a removal that runs after the new record's sync leaves the moved entry alone", async () => {
		const worker = new ProvisioningWorker();
		const twin = await withTenant(
			tenantId,
			async (tx) =>
				(
					await createRouter(tx, tenantId, {
						name: 'West again',
						host: westSim.host,
						port: westSim.port,
						tls: false,
						username: 'admin',
						password: '',
						hotspotServer: 'all'
					})
				).id
		);
		const s = await activeOn(west, 'Twin Tabitha');
		await drain(worker);
		await withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, twin));
		// Run the new record's sync first, then the old record's removal.
		await withTenant(tenantId, (tx) =>
			tx
				.update(provisioningJobs)
				.set({ runAfter: sql`now() + interval '1 hour'` })
				.where(
					and(
						eq(provisioningJobs.subscriberId, s.id),
						eq(provisioningJobs.action, 'remove_subscriber')
					)
				)
		);
		for (
			let i = 0;
			i < 40 && !entry(westSim, HOTSPOT, s.routerUsername)?.comment?.includes(`r=${twin}`);
			i++
		) {
			await worker.runOnce();
			await new Promise((r) => setTimeout(r, 50));
		}
		expect(entry(westSim, HOTSPOT, s.routerUsername)?.comment).toContain(`r=${twin}`);
		await withTenant(tenantId, (tx) =>
			tx
				.update(provisioningJobs)
				.set({ runAfter: sql`now()` })
				.where(eq(provisioningJobs.subscriberId, s.id))
		);
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toMatchObject({
			disabled: 'false',
			comment: expect.stringContaining(`r=${twin}`)
		});
		await withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, west));
		await drain(worker);
	});

	it('a reconcile pass that began before the move does not leave the user on the router it left', async () => {
		const worker = new ProvisioningWorker();
		const s = await activeOn(west, 'Racing Rono');
		// Never synced to the old router (it was just registered there): the pass would add it.
		await withTenant(tenantId, (tx) =>
			tx.delete(provisioningJobs).where(eq(provisioningJobs.subscriberId, s.id))
		);
		let moved: Promise<unknown> | undefined;
		westSim.faults.replyDelayMs = (command) => {
			// The pass has read the database; the move commits (and its removal runs) while it talks to the router.
			if (command.path === '/ip/hotspot/user/profile/print' && !moved) {
				moved = withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, east)).then(() =>
					drain(worker)
				);
				return 1_500;
			}
			return 0;
		};
		const report = await reconcileRouter(tenantId, west);
		await moved;
		// The pass added the user from what it read before the move…
		expect(report!.changes).toContainEqual({
			kind: 'hotspot',
			name: s.routerUsername,
			change: 'added'
		});
		// …and queued the removal that puts it right.
		await drain(worker);
		expect(entry(westSim, HOTSPOT, s.routerUsername)).toBeUndefined();
		expect(entry(eastSim, HOTSPOT, s.routerUsername)).toMatchObject({ disabled: 'false' });
		expect(
			(
				await withTenant(tenantId, (tx) =>
					tx.select().from(subscribers).where(eq(subscribers.id, s.id))
				)
			)[0]?.routerId
		).toBe(east);
	});
});
