import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterOSAPI } from 'node-routeros';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { routers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage } from './packages';
import { reconcileDueRouters, reconcileRouter } from './reconcile';
import { getRouter } from './routers';
import { createRouter } from './routers';
import { closeAllRouterConnections } from './routeros/client';
import { registerSubscriber } from './subscribers';
import { renewSubscription } from '../billing/renewals';
import { ProvisioningWorker } from './worker';

let db: TestDatabase;
let sim: RouterSim;
let tenantId: string;
let routerId: string;

beforeAll(async () => {
	db = await openTestDatabase();
	sim = await startRouterSim();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Drift ISP', slug: 'drift-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
});

afterAll(async () => {
	await closeAllRouterConnections();
	await sim?.close();
	await db?.close();
});

/** Changes the router behind our back, the way a technician in Winbox would. */
async function onRouter(commands: [string, string[]][]) {
	const api = new RouterOSAPI({
		host: sim.host,
		port: sim.port,
		user: 'admin',
		password: '',
		timeout: 5
	});
	api.on('error', () => {});
	await api.connect();
	for (const [command, params] of commands) await api.write(command, params);
	await api.close();
}

describe('reconciling a router with the database', () => {
	it('repairs missing, extra, wrongly enabled and wrong-profile users, leaves unmanaged ones, and reports each change', async () => {
		const subs = await withTenant(tenantId, async (tx) => {
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
			const pkg = await createPackage(tx, tenantId, {
				name: 'Daily',
				kind: 'hotspot',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '2M/5M',
				dataCapMb: null,
				sharedDevices: 1
			});
			const created = [];
			for (const [i, name] of ['Active One', 'Active Two', 'Pending Three'].entries()) {
				const { subscriber } = await registerSubscriber(tx, {
					tenantId,
					name,
					phone: `25471250000${i}`,
					kind: 'hotspot',
					routerId,
					packageId: pkg.id,
					registeredBy: null
				});
				if (i < 2) await renewSubscription(tx, subscriber.id);
				created.push(subscriber);
			}
			return created;
		});
		const worker = new ProvisioningWorker();
		while ((await worker.runOnce()) > 0);
		const [one, two, three] = subs as [(typeof subs)[0], (typeof subs)[0], (typeof subs)[0]];

		const idOf = (name: string) =>
			sim.router.rows('/ip/hotspot/user').find((u) => u.name === name)!['.id']!;
		await onRouter([
			['/ip/hotspot/user/remove', [`=.id=${idOf(one.routerUsername)}`]],
			['/ip/hotspot/user/set', [`=.id=${idOf(two.routerUsername)}`, '=profile=default']],
			['/ip/hotspot/user/set', [`=.id=${idOf(three.routerUsername)}`, '=disabled=no']],
			[
				'/ip/hotspot/user/add',
				[
					'=name=999999',
					'=password=x',
					`=comment=mtandao:00000000-0000-4000-8000-000000000999 t=${tenantId} r=${routerId}`
				]
			],
			['/ip/hotspot/user/add', ['=name=guest-lobby', '=password=lobby', '=comment=front desk']]
		]);

		const preview = await reconcileRouter(tenantId, routerId, { dryRun: true });
		expect(preview!.changes.length).toBeGreaterThanOrEqual(4);
		expect(
			sim.router.rows('/ip/hotspot/user').find((u) => u.name === one.routerUsername)
		).toBeUndefined();

		const report = await reconcileRouter(tenantId, routerId);
		const changes = report!.changes.map((c) => `${c.name}:${c.change}`);
		expect(changes).toEqual(
			expect.arrayContaining([
				`${one.routerUsername}:added`,
				`${two.routerUsername}:profile`,
				`${three.routerUsername}:disabled`,
				'999999:removed'
			])
		);
		expect(report!.unmanaged).toContainEqual({ kind: 'hotspot', name: 'guest-lobby' });

		const users = new Map(sim.router.rows('/ip/hotspot/user').map((u) => [u.name, u]));
		expect(users.get(one.routerUsername)).toMatchObject({ disabled: 'false' });
		expect(users.get(two.routerUsername)?.profile).not.toBe('default');
		expect(users.get(three.routerUsername)).toMatchObject({ disabled: 'true' });
		expect(users.has('999999')).toBe(false);
		expect(users.has('guest-lobby')).toBe(true);

		// Nothing drifted since: a second pass changes nothing.
		expect((await reconcileRouter(tenantId, routerId))!.changes).toEqual([]);
	});

	it('repairs drift on its own in the periodic pass, once per router per interval', async () => {
		await withTenant(tenantId, (tx) =>
			tx
				.update(routers)
				.set({ lastReconciledAt: new Date(Date.now() - 3_600_000) })
				.where(eq(routers.id, routerId))
		);
		await onRouter([
			[
				'/ip/hotspot/user/add',
				[
					'=name=888888',
					'=password=x',
					`=comment=mtandao:00000000-0000-4000-8000-000000000888 t=${tenantId} r=${routerId}`
				]
			]
		]);
		expect(await reconcileDueRouters(60_000, () => {})).toBe(1);
		expect(sim.router.rows('/ip/hotspot/user').some((u) => u.name === '888888')).toBe(false);
		const router = await withTenant(tenantId, (tx) => getRouter(tx, routerId));
		expect(JSON.parse(router!.lastReconcileSummary!)).toMatchObject({ changes: { removed: 1 } });
		// Just done: the next pass leaves it alone.
		expect(await reconcileDueRouters(60_000, () => {})).toBe(0);
	});
});
