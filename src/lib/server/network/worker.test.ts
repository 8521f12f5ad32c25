import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { provisioningJobs, subscribers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage, updatePackage } from './packages';
import { createRouter } from './routers';
import { closeAllRouterConnections } from './routeros/client';
import { deleteSubscriber, registerSubscriber, setSuspended } from './subscribers';
import { renewSubscription } from '../billing/renewals';
import { ProvisioningWorker } from './worker';

let db: TestDatabase;
let sim: RouterSim;
let tenantId: string;
let routerId: string;
let dailyId: string;

const HOTSPOT_USERS = '/ip/hotspot/user';

beforeAll(async () => {
	db = await openTestDatabase();
	sim = await startRouterSim({ identity: 'Kisumu-HQ' });
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Worker ISP', slug: 'worker-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	await withTenant(tenantId, async (tx) => {
		routerId = (
			await createRouter(tx, tenantId, {
				name: 'HQ',
				host: sim.host,
				port: sim.port,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		).id;
		dailyId = (
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
	});
});

afterEach(() => sim.faults.reset());

afterAll(async () => {
	await closeAllRouterConnections();
	await sim?.close();
	await db?.close();
});

/** Runs the worker until the queue is empty (or the deadline passes). */
async function drain(worker: ProvisioningWorker, deadlineMs = 20_000): Promise<void> {
	const until = Date.now() + deadlineMs;
	while (Date.now() < until) {
		const open = await withTenant(tenantId, (tx) =>
			tx
				.select({ n: sql<number>`count(*)::int` })
				.from(provisioningJobs)
				.where(inArray(provisioningJobs.status, ['pending', 'running']))
		);
		if (open[0]!.n === 0) return;
		if ((await worker.runOnce()) === 0) await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('the provisioning queue did not drain in time');
}

const register = (name: string, phone: string) =>
	withTenant(
		tenantId,
		async (tx) =>
			(
				await registerSubscriber(tx, {
					tenantId,
					name,
					phone,
					kind: 'hotspot',
					routerId,
					packageId: dailyId,
					registeredBy: null
				})
			).subscriber
	);

const userOnRouter = (name: string) => sim.router.rows(HOTSPOT_USERS).find((u) => u.name === name);

describe('the provisioning worker', () => {
	it('creates a registered subscriber disabled, and enables it with the package profile once activated', async () => {
		const worker = new ProvisioningWorker({ workerId: 'w-test' });
		const subscriber = await register('Wanjiru Kamau', '254712300001');
		await drain(worker);
		expect(userOnRouter(subscriber.routerUsername)).toMatchObject({
			disabled: 'true',
			comment: `mtandao:${subscriber.id} t=${tenantId} r=${routerId} Wanjiru Kamau 0712 300 001`
		});

		await withTenant(tenantId, (tx) => renewSubscription(tx, subscriber.id));
		await drain(worker);
		const profile = sim.router
			.rows('/ip/hotspot/user/profile')
			.find((p) => p.name === userOnRouter(subscriber.routerUsername)?.profile);
		expect(userOnRouter(subscriber.routerUsername)).toMatchObject({ disabled: 'false' });
		expect(profile).toMatchObject({ 'rate-limit': '2M/5M' });
	});

	it('disables a suspended subscriber and drops the live session', async () => {
		const worker = new ProvisioningWorker();
		const subscriber = await register('Otieno Odhiambo', '254712300002');
		await withTenant(tenantId, (tx) => renewSubscription(tx, subscriber.id));
		await drain(worker);
		sim.router.addHotspotSession({ user: subscriber.routerUsername, address: '10.5.50.20' });
		await withTenant(tenantId, (tx) => setSuspended(tx, subscriber.id, true));
		await drain(worker);
		expect(userOnRouter(subscriber.routerUsername)).toMatchObject({ disabled: 'true' });
		expect(
			sim.router.rows('/ip/hotspot/active').filter((s) => s.user === subscriber.routerUsername)
		).toEqual([]);
	});

	it('cuts off an expired subscriber within one expiry round and never one who renewed in time', async () => {
		const worker = new ProvisioningWorker();
		const lapsed = await register('Lapsed Lucy', '254712300003');
		const renewed = await register('Early Eric', '254712300004');
		for (const s of [lapsed, renewed])
			await withTenant(tenantId, (tx) => renewSubscription(tx, s.id));
		await drain(worker);
		sim.router.addHotspotSession({ user: lapsed.routerUsername });
		sim.router.addHotspotSession({ user: renewed.routerUsername });
		await withTenant(tenantId, async (tx) => {
			await tx
				.update(subscribers)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(eq(subscribers.id, lapsed.id));
			// Eric's time was nearly up, and he paid before it ran out.
			await tx
				.update(subscribers)
				.set({ expiresAt: new Date(Date.now() + 2000) })
				.where(eq(subscribers.id, renewed.id));
			await renewSubscription(tx, renewed.id);
		});
		await worker.expireNow();
		await drain(worker);
		expect(userOnRouter(lapsed.routerUsername)).toMatchObject({ disabled: 'true' });
		expect(sim.router.rows('/ip/hotspot/active').map((s) => s.user)).not.toContain(
			lapsed.routerUsername
		);
		expect(userOnRouter(renewed.routerUsername)).toMatchObject({ disabled: 'false' });
		expect(sim.router.rows('/ip/hotspot/active').map((s) => s.user)).toContain(
			renewed.routerUsername
		);
	});

	it('removes the router user when a subscriber is deleted', async () => {
		const worker = new ProvisioningWorker();
		const subscriber = await register('Gone Gideon', '254712300005');
		await drain(worker);
		expect(userOnRouter(subscriber.routerUsername)).toBeDefined();
		await withTenant(tenantId, (tx) => deleteSubscriber(tx, subscriber.id));
		await drain(worker);
		expect(userOnRouter(subscriber.routerUsername)).toBeUndefined();
	});

	it('pushes a package change to the router profile', async () => {
		const worker = new ProvisioningWorker();
		await withTenant(tenantId, (tx) =>
			updatePackage(tx, dailyId, {
				name: 'Daily',
				priceKes: 60,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '3M/6M',
				dataCapMb: null,
				sharedDevices: 2
			})
		);
		await drain(worker);
		const profile = sim.router
			.rows('/ip/hotspot/user/profile')
			.find((p) => p['rate-limit'] === '3M/6M');
		expect(profile).toMatchObject({ 'shared-users': '2' });
	});

	it('parks a job as failed after the last try and shows why', async () => {
		const worker = new ProvisioningWorker({
			retry: { baseMs: 10, capMs: 20, maxAttempts: 3 },
			log: () => {}
		});
		sim.faults.rejectLogin = true;
		await closeAllRouterConnections();
		const subscriber = await register('Locked Out', '254712300006');
		await drain(worker);
		const [job] = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.subscriberId, subscriber.id))
		);
		expect(job).toMatchObject({ status: 'failed', attempts: 3 });
		expect(job!.lastError).toMatch(/refused the API user name or password/);
	});
});

/**
 * The worker's clock, standing still until the test moves it on: the router stays down for two
 * minutes of the worker's time while the test waits only for the worker's own tries.
 */
function steppedClock(start: Date) {
	let at = start.getTime();
	return {
		now: () => new Date(at),
		skipTo(to: Date) {
			at = Math.max(at, to.getTime());
		}
	};
}

describe('a router that is down while subscribers renew', () => {
	const DOWN_MS = 120_000;
	const retry = { baseMs: 250, capMs: 4_000, maxAttempts: 200 };

	it('enables every renewed subscriber exactly once, in order, after two minutes down, and the jobs show the retries, backing off to the cap', async () => {
		const crowd: Awaited<ReturnType<typeof register>>[] = [];
		for (let i = 0; i < 100; i++)
			crowd.push(await register(`Renewer ${i}`, `2547124${String(i).padStart(5, '0')}`));
		await drain(new ProvisioningWorker());
		await closeAllRouterConnections();
		const logStart = sim.router.commandLog.length;

		// The renewals' jobs are the ones after this id (registration queued a job each too).
		const [{ lastJob }] = (await withTenant(tenantId, (tx) =>
			tx
				.select({ lastJob: sql<number>`coalesce(max(${provisioningJobs.id}), 0)::int` })
				.from(provisioningJobs)
		)) as [{ lastJob: number }];
		/** The first renewal's job once the worker has tried it `after` times and put it back to wait. */
		const waitingHead = async (after: number) => {
			const until = Date.now() + 20_000;
			while (Date.now() < until) {
				const [head] = await withTenant(tenantId, (tx) =>
					tx
						.select()
						.from(provisioningJobs)
						.where(sql`${provisioningJobs.id} > ${lastJob}`)
						.orderBy(asc(provisioningJobs.id))
						.limit(1)
				);
				if (head?.status === 'failed') throw new Error(`parked after ${head.attempts} tries`);
				if (head && head.status === 'pending' && head.attempts > after) return head;
				await new Promise((r) => setTimeout(r, 10));
			}
			throw new Error(`the worker did not try the first renewal's job after try ${after}`);
		};

		await sim.stopListening();
		for (const s of crowd) await withTenant(tenantId, (tx) => renewSubscription(tx, s.id));
		const clock = steppedClock(new Date());
		const downAt = clock.now().getTime();
		const worker = new ProvisioningWorker({ retry, idleMs: 50, clock, log: () => {} });
		worker.start();
		// Each step moves the worker's clock to the head job's next try, never past it: a retry that
		// came sooner than its backoff would show as more tries than two minutes allow.
		let head = await waitingHead(0);
		while (clock.now().getTime() - downAt < DOWN_MS) {
			clock.skipTo(head.runAfter);
			worker.poke();
			head = await waitingHead(head.attempts);
		}
		const duringOutage = crowd.filter((s) => userOnRouter(s.routerUsername)?.disabled === 'false');
		expect(duringOutage).toEqual([]);
		// Backing off exponentially to the cap (waits of cap/2 to cap, with jitter): at least one try per
		// cap and at most two, after the few shorter waits at the start.
		expect(head.attempts).toBeGreaterThanOrEqual(DOWN_MS / retry.capMs);
		expect(head.attempts).toBeLessThanOrEqual((2 * DOWN_MS) / retry.capMs + 6);
		expect(head.lastError).toMatch(/.+/);

		await sim.resumeListening();
		clock.skipTo(head.runAfter);
		worker.poke();
		await drain(worker, 60_000);
		await worker.stop();

		for (const s of crowd) expect(userOnRouter(s.routerUsername)?.disabled, s.name).toBe('false');
		// Who was enabled, in the order the router saw it.
		const idToName = new Map(sim.router.rows(HOTSPOT_USERS).map((u) => [u['.id'], u.name]));
		const enabled = sim.router.commandLog
			.slice(logStart)
			.filter((c) => c.path.startsWith(HOTSPOT_USERS + '/') && !c.path.includes('profile'))
			.filter(
				(c) => c.path.endsWith('/enable') || (c.attributes.disabled ?? '').match(/^(no|false)$/)
			)
			.map(
				(c) => c.attributes.name ?? idToName.get(c.attributes['.id'] ?? c.attributes.numbers ?? '')
			);
		expect(enabled).toEqual(crowd.map((s) => s.routerUsername));

		const jobs = await withTenant(tenantId, (tx) =>
			tx
				.select()
				.from(provisioningJobs)
				.where(
					and(
						inArray(
							provisioningJobs.subscriberId,
							crowd.map((s) => s.id)
						),
						sql`${provisioningJobs.id} > ${lastJob}`
					)
				)
				.orderBy(asc(provisioningJobs.id))
		);
		expect(jobs).toHaveLength(100);
		expect(jobs.every((j) => j.status === 'done')).toBe(true);
		expect(jobs[0]!.attempts).toBeGreaterThan(1);
		expect(jobs[0]!.lastError ?? '').toBe('');
	}, 120_000);
});
