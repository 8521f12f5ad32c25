import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { payments, provisioningJobs, routers, subscribers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage, updatePackage } from './packages';
import { RouterNotOpen, createRouter, getRouter } from './routers';
import { RouterRetired, reconcileDueRouters, reconcileRouter } from './reconcile';
import { closeAllRouterConnections } from './routeros/client';
import { NotInTenant, moveSubscriber, registerSubscriber, setSuspended } from './subscribers';
import { renewSubscription } from '../billing/renewals';
import { listRouterSummaries } from './views';
import { ProvisioningWorker } from './worker';
import { portalRouterId } from '../self-service/portal';
import {
	RouterInUse,
	deleteRouter,
	moveSubscribersAndRetire,
	reactivateRouter,
	retireRouter,
	routerDependants
} from './router-retirement';

let db: TestDatabase;
const sims: RouterSim[] = [];
let tenantId: string;
let otherTenantId: string;
let otherRouterId: string;
let dailyId: string;

const HOTSPOT_USERS = '/ip/hotspot/user';
const worker = new ProvisioningWorker({ workerId: 'retire-test' });

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 't' };
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Retire ISP', slug: 'retire-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	otherTenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Other ISP', slug: 'other-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	dailyId = await withTenant(
		tenantId,
		async (tx) =>
			(
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
			).id
	);
	const sim = await startRouterSim({ identity: 'Other' });
	sims.push(sim);
	otherRouterId = await withTenant(
		otherTenantId,
		async (tx) =>
			(
				await createRouter(tx, otherTenantId, {
					name: 'Theirs',
					host: sim.host,
					port: sim.port,
					tls: false,
					username: 'admin',
					password: '',
					hotspotServer: 'all'
				})
			).id
	);
});

afterAll(async () => {
	await closeAllRouterConnections();
	for (const sim of sims) await sim.close();
	await db?.close();
});

/** A router of the test tenant on a simulator of its own. */
async function newRouter(name: string): Promise<{ id: string; sim: RouterSim }> {
	const sim = await startRouterSim({ identity: name });
	sims.push(sim);
	const id = await withTenant(
		tenantId,
		async (tx) =>
			(
				await createRouter(tx, tenantId, {
					name,
					host: sim.host,
					port: sim.port,
					tls: false,
					username: 'admin',
					password: '',
					hotspotServer: 'all'
				})
			).id
	);
	return { id, sim };
}

let phone = 254712400000;
async function subscriberOn(routerId: string, state: 'active' | 'expired' | 'pending' = 'active') {
	const s = await withTenant(tenantId, async (tx) => {
		const { subscriber } = await registerSubscriber(tx, {
			tenantId,
			name: `Mteja ${phone}`,
			phone: String(++phone),
			kind: 'hotspot',
			routerId,
			packageId: dailyId,
			registeredBy: null
		});
		if (state === 'pending') return subscriber;
		await renewSubscription(tx, subscriber.id);
		if (state === 'expired') {
			const [row] = await tx
				.update(subscribers)
				.set({ status: 'expired', expiresAt: new Date(Date.now() - 60_000) })
				.where(eq(subscribers.id, subscriber.id))
				.returning();
			return row!;
		}
		return (await tx.select().from(subscribers).where(eq(subscribers.id, subscriber.id)))[0]!;
	});
	return s;
}

async function drain(deadlineMs = 20_000): Promise<void> {
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

const userOn = (sim: RouterSim, name: string) =>
	sim.router.rows(HOTSPOT_USERS).find((u) => u.name === name);

describe('retiring a router', () => {
	it('counts its subscribers by state and its waiting jobs before anything happens', async () => {
		const { id } = await newRouter('Counted');
		await subscriberOn(id, 'active');
		await subscriberOn(id, 'active');
		await subscriberOn(id, 'expired');
		await subscriberOn(id, 'pending');
		const counts = await withTenant(tenantId, (tx) => routerDependants(tx, id));
		expect(counts.subscribers).toEqual({
			total: 4,
			active: 2,
			expired: 1,
			pending: 1,
			suspended: 0
		});
		expect(counts.openJobs).toBeGreaterThan(0);
		expect(counts.paymentsAt).toBe(0);
	});

	it('moves its subscribers to another router: removed from the old one, created on the new one, and the old one is offered no more', async () => {
		const from = await newRouter('Kisumu Old');
		const to = await newRouter('Kisumu New');
		const live = await subscriberOn(from.id, 'active');
		const lapsed = await subscriberOn(from.id, 'expired');
		await drain();
		expect(userOn(from.sim, live.routerUsername)).toBeDefined();

		const result = await withTenant(tenantId, (tx) =>
			retireRouter(tx, from.id, { kind: 'move', routerId: to.id })
		);
		expect(result?.outcome).toEqual({ moved: 2, disabled: 0, left: 0 });
		expect(result?.router.retiredAt).toBeInstanceOf(Date);
		await drain();

		expect(userOn(from.sim, live.routerUsername)).toBeUndefined();
		expect(userOn(from.sim, lapsed.routerUsername)).toBeUndefined();
		expect(userOn(to.sim, live.routerUsername)).toMatchObject({ disabled: 'false' });
		expect(userOn(to.sim, lapsed.routerUsername)).toMatchObject({ disabled: 'true' });
		const rows = await withTenant(tenantId, (tx) =>
			tx
				.select()
				.from(subscribers)
				.where(inArray(subscribers.id, [live.id, lapsed.id]))
		);
		expect(rows.map((r) => r.routerId)).toEqual([to.id, to.id]);

		const offered = await withTenant(tenantId, (tx) =>
			listRouterSummaries(tx, tenantId, { openOnly: true })
		);
		expect(offered.map((r) => r.id)).not.toContain(from.id);
		expect(offered.map((r) => r.id)).toContain(to.id);
		// Still listed for managers, marked retired: its history keeps its name.
		const all = await withTenant(tenantId, (tx) => listRouterSummaries(tx, tenantId));
		expect(all.find((r) => r.id === from.id)?.retiredAt).toBeInstanceOf(Date);
	});

	it('disables its subscribers: suspended, the router user disabled and the live session dropped while it still answers', async () => {
		const { id, sim } = await newRouter('Kakamega');
		const live = await subscriberOn(id, 'active');
		await drain();
		sim.router.addHotspotSession({ user: live.routerUsername, address: '10.5.50.40' });

		const result = await withTenant(tenantId, (tx) => retireRouter(tx, id, { kind: 'disable' }));
		expect(result?.outcome.disabled).toBe(1);
		await drain();

		expect(userOn(sim, live.routerUsername)).toMatchObject({ disabled: 'true' });
		expect(
			sim.router.rows('/ip/hotspot/active').filter((s) => s.user === live.routerUsername)
		).toEqual([]);
		const [row] = await withTenant(tenantId, (tx) =>
			tx.select().from(subscribers).where(eq(subscribers.id, live.id))
		);
		// Suspended keeps the paid time: moved and resumed later, they carry on.
		expect(row).toMatchObject({ status: 'suspended', routerId: id });
		expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now());
	});

	it('leaves its subscribers on it, and the worker sends it nothing queued after the retirement', async () => {
		const { id, sim } = await newRouter('Nakuru');
		const live = await subscriberOn(id, 'active');
		await drain();
		const connectionsBefore = sim.connectionCount;

		const result = await withTenant(tenantId, (tx) => retireRouter(tx, id, { kind: 'leave' }));
		expect(result?.outcome).toEqual({ moved: 0, disabled: 0, left: 1 });
		// A change after the retirement queues a job as usual; the worker closes it unsent.
		await new Promise((r) => setTimeout(r, 5));
		await withTenant(tenantId, (tx) => setSuspended(tx, live.id, true));
		await drain();

		expect(userOn(sim, live.routerUsername)).toMatchObject({ disabled: 'false' });
		const jobs = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.subscriberId, live.id))
		);
		expect(jobs.every((j) => j.status === 'done')).toBe(true);
		expect(sim.connectionCount).toBeLessThanOrEqual(connectionsBefore);
	});

	it('is skipped by reconcile, sent no package profile, and refused as the router of a new subscriber', async () => {
		const { id } = await newRouter('Eldoret');
		await withTenant(tenantId, (tx) =>
			tx
				.update(routers)
				.set({ lastReconciledAt: new Date(Date.now() - 3_600_000) })
				.where(eq(routers.id, id))
		);
		await withTenant(tenantId, (tx) => retireRouter(tx, id, { kind: 'leave' }));
		await withTenant(tenantId, (tx) =>
			tx.update(routers).set({ lastReconciledAt: new Date(Date.now() - 3_600_000) })
		);

		await reconcileDueRouters(60_000, () => {});
		const after = await withTenant(tenantId, (tx) => getRouter(tx, id));
		expect(after!.lastReconciledAt!.getTime()).toBeLessThan(Date.now() - 3_000_000);
		await expect(reconcileRouter(tenantId, id)).rejects.toBeInstanceOf(RouterRetired);

		await withTenant(tenantId, (tx) =>
			updatePackage(tx, dailyId, {
				name: 'Daily',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '3M/6M',
				dataCapMb: null,
				sharedDevices: 1
			})
		);
		const profileJobs = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.routerId, id))
		);
		expect(
			profileJobs.filter((j) => j.action === 'sync_package' && j.createdAt > after!.retiredAt!)
		).toEqual([]);

		await expect(
			withTenant(tenantId, (tx) =>
				registerSubscriber(tx, {
					tenantId,
					name: 'Forged',
					phone: '254712499999',
					kind: 'hotspot',
					routerId: id,
					packageId: dailyId,
					registeredBy: null
				})
			)
		).rejects.toMatchObject({ name: 'RouterNotOpen', reason: 'retired' });
	});

	it('refuses to move subscribers to a retired router, to itself, or to another tenant’s router', async () => {
		const from = await newRouter('Thika');
		const retired = await newRouter('Thika Retired');
		await subscriberOn(from.id);
		await withTenant(tenantId, (tx) => retireRouter(tx, retired.id, { kind: 'leave' }));
		for (const [target, reason] of [
			[retired.id, 'retired'],
			[from.id, 'same'],
			[otherRouterId, 'missing']
		] as const) {
			await expect(
				withTenant(tenantId, (tx) => retireRouter(tx, from.id, { kind: 'move', routerId: target }))
			).rejects.toMatchObject({ reason });
		}
		await expect(
			withTenant(tenantId, (tx) =>
				retireRouter(tx, from.id, { kind: 'move', routerId: retired.id })
			)
		).rejects.toBeInstanceOf(RouterNotOpen);
		const still = await withTenant(tenantId, (tx) => getRouter(tx, from.id));
		expect(still!.retiredAt).toBeNull();
	});

	it('cannot touch another tenant’s router: row-level security hides it', async () => {
		expect(
			await withTenant(tenantId, (tx) => retireRouter(tx, otherRouterId, { kind: 'disable' }))
		).toBeUndefined();
		expect(await withTenant(tenantId, (tx) => deleteRouter(tx, otherRouterId))).toBeUndefined();
		expect(await withTenant(tenantId, (tx) => reactivateRouter(tx, otherRouterId))).toBeUndefined();
		const theirs = await withTenant(otherTenantId, (tx) => getRouter(tx, otherRouterId));
		expect(theirs!.retiredAt).toBeNull();
		await expect(
			withTenant(tenantId, (tx) =>
				registerSubscriber(tx, {
					tenantId,
					name: 'Forged',
					phone: '254712499998',
					kind: 'hotspot',
					routerId: otherRouterId,
					packageId: dailyId,
					registeredBy: null
				})
			)
		).rejects.toBeInstanceOf(NotInTenant);
	});

	it('is put back in service: offered again and due for reconcile at once', async () => {
		const { id } = await newRouter('Machakos');
		await withTenant(tenantId, (tx) => retireRouter(tx, id, { kind: 'leave' }));
		const back = await withTenant(tenantId, (tx) => reactivateRouter(tx, id));
		expect(back).toMatchObject({ retiredAt: null, lastReconciledAt: null });
		const offered = await withTenant(tenantId, (tx) =>
			listRouterSummaries(tx, tenantId, { openOnly: true })
		);
		expect(offered.map((r) => r.id)).toContain(id);
	});
});

describe('deleting a router', () => {
	it('deletes one that nothing depends on', async () => {
		const { id } = await newRouter('Typo');
		expect(await withTenant(tenantId, (tx) => deleteRouter(tx, id))).toMatchObject({ id });
		expect(await withTenant(tenantId, (tx) => getRouter(tx, id))).toBeUndefined();
	});

	it('refuses while subscribers are on it, then deletes it once they are moved and the router has been told', async () => {
		const from = await newRouter('Meru');
		const to = await newRouter('Meru 2');
		const s = await subscriberOn(from.id);
		await drain();
		await expect(withTenant(tenantId, (tx) => deleteRouter(tx, from.id))).rejects.toBeInstanceOf(
			RouterInUse
		);

		await withTenant(tenantId, (tx) => moveSubscribersAndRetire(tx, from.id, to.id));
		// The removal is still waiting: deleting now would cancel it and leave the user on the MikroTik.
		await expect(withTenant(tenantId, (tx) => deleteRouter(tx, from.id))).rejects.toMatchObject({
			dependants: { openJobs: 1 }
		});
		await drain();
		expect(userOn(from.sim, s.routerUsername)).toBeUndefined();
		expect(await withTenant(tenantId, (tx) => deleteRouter(tx, from.id))).toMatchObject({
			id: from.id
		});
		const [moved] = await withTenant(tenantId, (tx) =>
			tx.select().from(subscribers).where(eq(subscribers.id, s.id))
		);
		expect(moved!.routerId).toBe(to.id);
	});

	it('refuses one a portal payment was made at: that payment names it', async () => {
		const { id } = await newRouter('Nyeri');
		await withTenant(tenantId, (tx) =>
			tx.insert(payments).values({
				tenantId,
				source: 'stk',
				channel: 'portal',
				status: 'failed',
				phone: '254712400999',
				amountKes: 50,
				device: { router: id, mac: 'AA:BB:CC:DD:EE:FF' }
			})
		);
		await expect(withTenant(tenantId, (tx) => deleteRouter(tx, id))).rejects.toMatchObject({
			dependants: { paymentsAt: 1 }
		});
	});
});

describe('a subscriber changed by hand', () => {
	it('cannot be moved onto a retired router', async () => {
		const from = await newRouter('Garissa');
		const retired = await newRouter('Garissa Old');
		const s = await subscriberOn(from.id);
		await withTenant(tenantId, (tx) => retireRouter(tx, retired.id, { kind: 'leave' }));
		await expect(
			withTenant(tenantId, (tx) => moveSubscriber(tx, s.id, retired.id))
		).rejects.toBeInstanceOf(NotInTenant);
		const [still] = await withTenant(tenantId, (tx) =>
			tx.select().from(subscribers).where(eq(subscribers.id, s.id))
		);
		expect(still!.routerId).toBe(from.id);
	});
});

describe('the captive portal', () => {
	it('does not sell at a retired router: its login page falls back to an open one, or to none', async () => {
		const { id } = await newRouter('Portal Retired');
		await withTenant(tenantId, (tx) => retireRouter(tx, id, { kind: 'leave' }));
		const served = await withTenant(tenantId, (tx) => portalRouterId(tx, tenantId, id));
		expect(served).not.toBeNull();
		expect(served).not.toBe(id);

		const lonely = (
			await createTenant(
				PLATFORM_TENANT_ID,
				{
					name: 'One Router ISP',
					slug: 'one-router-isp',
					parentId: PLATFORM_TENANT_ID,
					kind: 'isp'
				},
				{ userId: undefined as unknown as string, name: 't' }
			)
		).id;
		const only = await withTenant(
			lonely,
			async (tx) =>
				(
					await createRouter(tx, lonely, {
						name: 'Only',
						host: '203.0.113.5',
						port: 8728,
						tls: false,
						username: 'a',
						password: '',
						hotspotServer: 'all'
					})
				).id
		);
		expect(await withTenant(lonely, (tx) => portalRouterId(tx, lonely, only))).toBe(only);
		await withTenant(lonely, (tx) => retireRouter(tx, only, { kind: 'leave' }));
		expect(await withTenant(lonely, (tx) => portalRouterId(tx, lonely, only))).toBeNull();
	});
});
