/**
 * Issue 11 §10: a PPPoE package with a data cap was never provisioned (the worker passed the cap,
 * the RouterOS layer refuses it for PPP secrets, and the job retried to death). The cap now goes
 * only where it applies (hotspot). On real Postgres when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { provisioningJobs } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage } from './packages';
import { reconcileRouter } from './reconcile';
import { createRouter } from './routers';
import { closeAllRouterConnections } from './routeros/client';
import { registerSubscriber } from './subscribers';
import { renewSubscription } from '../billing/renewals';
import { ProvisioningWorker } from './worker';

let db: TestDatabase;
let sim: RouterSim;

beforeAll(async () => {
	db = await openTestDatabase();
	sim = await startRouterSim();
});

afterAll(async () => {
	await closeAllRouterConnections();
	await sim?.close();
	await db?.close();
});

describe('a package with a data cap', () => {
	it('provisions a PPPoE subscriber on a capped package (no cap sent), and still caps a hotspot one', async () => {
		const actor = { userId: undefined as unknown as string, name: 't' };
		const tenantId = (
			await createTenant(
				PLATFORM_TENANT_ID,
				{ name: 'Capped ISP', slug: 'capped-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
				actor
			)
		).id;
		const { pppoe, hotspot, routerId } = await withTenant(tenantId, async (tx) => {
			const routerId = (
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
			// Packages saved before the form refused caps on PPPoE still carry one.
			const home = await createPackage(tx, tenantId, {
				name: 'Home 5 GB',
				kind: 'pppoe',
				priceKes: 1500,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '5M/5M',
				dataCapMb: 5_000,
				sharedDevices: 1
			});
			const daily = await createPackage(tx, tenantId, {
				name: 'Daily 1 GB',
				kind: 'hotspot',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '2M/5M',
				dataCapMb: 1_000,
				sharedDevices: 1
			});
			const pppoe = (
				await registerSubscriber(tx, {
					tenantId,
					name: 'Home Fibre',
					phone: '254711000101',
					kind: 'pppoe',
					routerId,
					packageId: home.id,
					registeredBy: null
				})
			).subscriber;
			const hotspot = (
				await registerSubscriber(tx, {
					tenantId,
					name: 'Cafe Guest',
					phone: '254711000102',
					kind: 'hotspot',
					routerId,
					packageId: daily.id,
					registeredBy: null
				})
			).subscriber;
			await renewSubscription(tx, pppoe.id);
			await renewSubscription(tx, hotspot.id);
			return { pppoe, hotspot, routerId };
		});

		const worker = new ProvisioningWorker({ retry: { maxAttempts: 2, baseMs: 1, capMs: 1 } });
		for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);

		const secret = sim.router.rows('/ppp/secret').find((row) => row.name === pppoe.routerUsername);
		expect(secret).toMatchObject({ disabled: 'false', service: 'pppoe' });
		const user = sim.router
			.rows('/ip/hotspot/user')
			.find((row) => row.name === hotspot.routerUsername);
		expect(user?.['limit-bytes-total']).toBe(String(1_000 * 1024 * 1024));

		const jobs = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.tenantId, tenantId))
		);
		expect(jobs.filter((job) => job.status !== 'done').map((job) => job.lastError)).toEqual([]);

		// Reconcile agrees: nothing to repair, nothing refused.
		const report = await reconcileRouter(tenantId, routerId);
		expect(report!.changes.filter((change) => change.name === pppoe.routerUsername)).toEqual([]);
	});
});
