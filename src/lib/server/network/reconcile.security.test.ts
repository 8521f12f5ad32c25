/**
 * Issue 11 §10: two tenants on one physical MikroTik. Each tenant's reconcile and provisioning
 * touch only the entries tagged with its own tenant and router. On real Postgres when
 * TEST_DATABASE_URL is set (RLS hides each tenant's subscribers from the other).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterOSAPI } from 'node-routeros';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
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

interface TenantOnSharedRouter {
	tenantId: string;
	routerId: string;
	usernames: string[];
}

beforeAll(async () => {
	db = await openTestDatabase();
	sim = await startRouterSim();
});

afterAll(async () => {
	await closeAllRouterConnections();
	await sim?.close();
	await db?.close();
});

async function tenantOnSharedRouter(
	slug: string,
	accountNumbers: string[]
): Promise<TenantOnSharedRouter> {
	const actor = { userId: undefined as unknown as string, name: 't' };
	const tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: slug, slug, parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	return withTenant(tenantId, async (tx) => {
		const routerId = (
			await createRouter(tx, tenantId, {
				name: 'Shared tower',
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
		const usernames: string[] = [];
		for (const [i, accountNumber] of accountNumbers.entries()) {
			const { subscriber } = await registerSubscriber(tx, {
				tenantId,
				name: `${slug} ${i}`,
				phone: `2547${slug.length}${String(i).padStart(7, '0')}`,
				kind: 'hotspot',
				routerId,
				packageId: pkg.id,
				registeredBy: null,
				accountNumber
			});
			await renewSubscription(tx, subscriber.id);
			usernames.push(subscriber.routerUsername);
		}
		return { tenantId, routerId, usernames };
	});
}

async function drainJobs(): Promise<void> {
	const worker = new ProvisioningWorker({ retry: { maxAttempts: 1 } });
	while ((await worker.runOnce()) > 0);
}

const namesOnRouter = () => new Set(sim.router.rows('/ip/hotspot/user').map((user) => user.name));
const commentOf = (name: string) =>
	sim.router.rows('/ip/hotspot/user').find((user) => user.name === name)?.comment;

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

describe('two tenants on one MikroTik', () => {
	let alpha: TenantOnSharedRouter;
	let beta: TenantOnSharedRouter;

	it('tags every entry with its tenant and router', async () => {
		alpha = await tenantOnSharedRouter('alpha-isp', ['510001', '510002']);
		beta = await tenantOnSharedRouter('beta-isp', ['620001', '620002']);
		await drainJobs();
		for (const { tenantId, routerId, usernames } of [alpha, beta]) {
			for (const name of usernames)
				expect(commentOf(name)).toMatch(new RegExp(`^mtandao:\\S+ t=${tenantId} r=${routerId} `));
		}
	});

	it("reconcile removes only entries tagged with its own tenant and router, never the other tenant's", async () => {
		// One stale entry of alpha's own (tagged for alpha), one of beta's in the old tag style.
		await onRouter([
			[
				'/ip/hotspot/user/add',
				[
					'=name=519999',
					'=password=x',
					`=comment=mtandao:00000000-0000-4000-8000-000000000519 t=${alpha.tenantId} r=${alpha.routerId}`
				]
			],
			[
				'/ip/hotspot/user/add',
				['=name=629999', '=password=x', `=comment=mtandao:00000000-0000-4000-8000-000000000629`]
			]
		]);
		const report = await reconcileRouter(alpha.tenantId, alpha.routerId);
		expect(report!.changes).toEqual([{ kind: 'hotspot', name: '519999', change: 'removed' }]);
		const names = namesOnRouter();
		for (const name of [...alpha.usernames, ...beta.usernames, '629999'])
			expect(names.has(name)).toBe(true);
		expect(names.has('519999')).toBe(false);
		// Beta's entries are not even listed to alpha's manager.
		expect(report!.unmanaged.map((u) => u.name)).not.toContain(beta.usernames[0]);

		const betaReport = await reconcileRouter(beta.tenantId, beta.routerId);
		expect(betaReport!.changes).toEqual([]);
		for (const name of alpha.usernames) expect(namesOnRouter().has(name)).toBe(true);
	});

	it("provisioning refuses to take over another tenant's entry of the same name", async () => {
		// Account numbers are random per tenant: two tenants can draw the same one.
		const clash = beta.usernames[0]!;
		const before = sim.router.rows('/ip/hotspot/user').find((user) => user.name === clash);
		await withTenant(alpha.tenantId, async (tx) => {
			const { subscriber } = await registerSubscriber(tx, {
				tenantId: alpha.tenantId,
				name: 'Clash',
				phone: '254719999999',
				kind: 'hotspot',
				routerId: alpha.routerId,
				packageId: null,
				registeredBy: null,
				accountNumber: clash
			});
			await renewSubscription(tx, subscriber.id).catch(() => undefined);
		});
		await drainJobs();
		expect(sim.router.rows('/ip/hotspot/user').find((user) => user.name === clash)).toEqual(before);
		const report = await reconcileRouter(alpha.tenantId, alpha.routerId);
		expect(report!.unmanaged).toContainEqual({ kind: 'hotspot', name: clash });
		expect(sim.router.rows('/ip/hotspot/user').find((user) => user.name === clash)).toEqual(before);
	});
});
