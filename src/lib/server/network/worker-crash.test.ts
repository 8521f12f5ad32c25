import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { provisioningJobs } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage } from './packages';
import { createRouter } from './routers';
import { registerSubscriber } from './subscribers';
import { renewSubscription } from '../billing/renewals';

// Two processes need a real server: PGlite lives inside one process.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

let db: TestDatabase;
let sim: RouterSim;
const SUBSCRIBERS = 300;

function startWorker(ownerUrl: string): ChildProcess {
	return spawn(process.execPath, ['--import', 'tsx', 'scripts/provisioning-worker.ts'], {
		env: {
			...process.env,
			DATABASE_URL: ownerUrl,
			SEED_DEMO: 'no',
			PROVISIONING_LEASE_MS: '1500',
			PROVISIONING_BASE_MS: '100',
			PROVISIONING_CAP_MS: '500',
			PROVISIONING_IDLE_MS: '50'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
}

const openJobs = () =>
	withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx
			.select({ n: sql<number>`count(*)::int` })
			.from(provisioningJobs)
			.where(sql`${provisioningJobs.status} <> 'done'`)
	).then((r) => r[0]!.n);

describe.runIf(onPostgres)('a worker killed with SIGKILL in the middle of applying jobs', () => {
	beforeAll(async () => {
		db = await openTestDatabase();
		sim = await startRouterSim();
		// Slow enough that the kill lands in the middle of the batch.
		sim.faults.replyDelayMs = 2;
		const tenantId = (
			await createTenant(
				PLATFORM_TENANT_ID,
				{ name: 'Crash ISP', slug: 'crash-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
				{ userId: undefined as unknown as string, name: 't' }
			)
		).id;
		await withTenant(tenantId, async (tx) => {
			const router = await createRouter(tx, tenantId, {
				name: 'HQ',
				host: sim.host,
				port: sim.port,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			});
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
			for (let i = 0; i < SUBSCRIBERS; i++) {
				const { subscriber } = await registerSubscriber(tx, {
					tenantId,
					name: `Crash ${i}`,
					phone: `2547126${String(i).padStart(5, '0')}`,
					kind: 'hotspot',
					routerId: router.id,
					packageId: pkg.id,
					registeredBy: null
				});
				await renewSubscription(tx, subscriber.id);
			}
		});
	});

	afterAll(async () => {
		await sim?.close();
		await db?.close();
	});

	it('completes every job after a restart, losing none and applying none twice', async () => {
		const first = startWorker(db.ownerUrl!);
		const addPath = '/ip/hotspot/user/add';
		const deadline = Date.now() + 60_000;
		while (sim.router.commandCount(addPath) < SUBSCRIBERS / 3 && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 20));
		first.kill('SIGKILL');
		await new Promise((r) => first.once('exit', r));
		const addedBeforeCrash = sim.router.commandCount(addPath);
		expect(addedBeforeCrash).toBeGreaterThan(0);
		expect(addedBeforeCrash).toBeLessThan(SUBSCRIBERS);
		expect(await openJobs()).toBeGreaterThan(0);

		const second = startWorker(db.ownerUrl!);
		try {
			const until = Date.now() + 90_000;
			while ((await openJobs()) > 0 && Date.now() < until)
				await new Promise((r) => setTimeout(r, 200));
		} finally {
			second.kill('SIGTERM');
			await new Promise((r) => second.once('exit', r));
		}

		expect(await openJobs()).toBe(0);
		const users = sim.router
			.rows('/ip/hotspot/user')
			.filter((u) => u.comment?.startsWith('mtandao:'));
		expect(users).toHaveLength(SUBSCRIBERS);
		expect(new Set(users.map((u) => u.name)).size).toBe(SUBSCRIBERS);
		expect(users.every((u) => u.disabled === 'false')).toBe(true);
		// Each user was added exactly once: a job cut off mid-way found its user and did not add it again.
		const adds = sim.router.commandLog
			.filter((c) => c.path === addPath)
			.map((c) => c.attributes.name);
		expect(adds).toHaveLength(SUBSCRIBERS);
		expect(new Set(adds).size).toBe(SUBSCRIBERS);
	}, 180_000);
});
