/**
 * Issue 12 item 5: every count on the platform's tenant list and on a parent's reseller card
 * (TenantOverview) equals what the database holds, counted here by the owner outside row-level
 * security, and a sub-tenant never sees its parent's or its siblings' numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { database, rowsOf, withTenant } from '../db';
import { subscribers, users, type Role } from '../db/schema';
import { registerSubscriber } from '../network/subscribers';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { PLATFORM_TENANT_ID } from './root';
import { createTenant, listVisibleTenants } from './tenants';
import { tenantOverview } from './overview';
import { countsByTenant } from './counts';

let db: TestDatabase;
const actor = { userId: undefined as unknown as string, name: 'test' };
const ids: Record<string, string> = {};
let phones = 0;
const nextPhone = () => `2547${String(10_000_000 + ++phones).slice(-8)}`;

/** Counts as the owner sees them: no scope, no row-level security. */
async function ownerCounts(tenantId: string) {
	const statement = `select
		(select count(*)::int from users where tenant_id = $1) as staff,
		(select count(*)::int from users where tenant_id = $1 and role = 'agent') as agents,
		(select count(*)::int from subscribers where tenant_id = $1) as subscribers,
		(select count(*)::int from subscribers where tenant_id = $1 and status = 'active') as active,
		(select count(*)::int from tenants where $1 = any(path) and id <> $1) as "subTenants"`;
	type Row = {
		staff: number;
		agents: number;
		subscribers: number;
		active: number;
		subTenants: number;
	};
	if (db.ownerUrl) {
		const owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
		try {
			return (await owner.unsafe<Row[]>(statement, [tenantId]))[0]!;
		} finally {
			await owner.end();
		}
	}
	// PGlite connects as a superuser, which skips row-level security outside withTenant.
	const result = await database().db.execute(
		sql.raw(statement.replaceAll('$1', `'${tenantId}'::uuid`))
	);
	return rowsOf<Row>(result)[0]!;
}

async function addTenant(key: string, parent: string, kind: 'isp' | 'reseller' | 'site') {
	ids[key] = (
		await createTenant(
			ids[parent] ?? PLATFORM_TENANT_ID,
			{ name: key, slug: key, parentId: ids[parent] ?? PLATFORM_TENANT_ID, kind },
			actor
		)
	).id;
}

async function addStaff(key: string, roles: Role[]) {
	const tenantId = ids[key]!;
	for (const role of roles) {
		await withTenant(tenantId, (tx) =>
			tx
				.insert(users)
				.values({ tenantId, role, name: `${key} ${role}`, phone: nextPhone(), passwordHash: 'x' })
		);
	}
}

async function addSubscribers(key: string, count: number, active: number) {
	const tenantId = ids[key]!;
	for (let i = 0; i < count; i++) {
		await withTenant(tenantId, async (tx) => {
			const { subscriber } = await registerSubscriber(tx, {
				tenantId,
				name: `${key} customer ${i}`,
				phone: nextPhone(),
				kind: 'hotspot',
				routerId: null,
				packageId: null,
				registeredBy: null
			});
			if (i < active)
				await tx
					.update(subscribers)
					.set({ status: 'active', expiresAt: new Date(Date.now() + 86_400_000) })
					.where(eq(subscribers.id, subscriber.id));
		});
	}
}

beforeAll(async () => {
	db = await openTestDatabase();
	// Two ISPs; the first has two resellers, one of which has a site. Every number differs, and some are zero.
	await addTenant('isp-one', 'platform', 'isp');
	await addTenant('isp-two', 'platform', 'isp');
	await addTenant('res-a', 'isp-one', 'reseller');
	await addTenant('res-b', 'isp-one', 'reseller');
	await addTenant('site-a1', 'res-a', 'site');
	await addStaff('isp-one', ['tenant_admin', 'agent', 'agent']);
	await addStaff('res-a', ['tenant_admin']);
	await addStaff('res-b', ['tenant_admin', 'agent', 'agent', 'agent']);
	await addStaff('site-a1', ['agent']);
	await addSubscribers('isp-one', 5, 3);
	await addSubscribers('res-a', 2, 0);
	await addSubscribers('res-b', 4, 4);
	await addSubscribers('site-a1', 1, 1);
});

afterAll(async () => {
	await db?.close();
});

describe('the platform admin’s tenant list', () => {
	it('shows every tenant’s own staff, subscribers and active subscribers as the database holds them', async () => {
		const list = await withTenant(PLATFORM_TENANT_ID, (tx) => listVisibleTenants(tx));
		const shown = list.filter((t) => t.kind !== 'platform');
		expect(shown.map((t) => t.slug).sort()).toEqual(Object.keys(ids).sort());
		for (const tenant of shown) {
			const truth = await ownerCounts(tenant.id);
			expect(
				{
					staff: tenant.staff,
					agents: tenant.agents,
					subscribers: tenant.subscribers,
					active: tenant.active
				},
				tenant.slug
			).toEqual({
				staff: truth.staff,
				agents: truth.agents,
				subscribers: truth.subscribers,
				active: truth.active
			});
		}
		// The figures are not all alike, so a count that ignores its tenant cannot pass.
		expect(new Set(shown.map((t) => t.staff))).toEqual(new Set([3, 0, 1, 4]));
	});
});

describe('a parent’s reseller card', () => {
	it('shows each sub-tenant’s counts and the totals of the parent and everything below it', async () => {
		for (const key of ['isp-one', 'res-a', 'isp-two', 'site-a1']) {
			const overview = (await withTenant(ids[key]!, (tx) => tenantOverview(tx, ids[key]!)))!;
			const own = await ownerCounts(ids[key]!);
			expect(overview.subTenants.length, key).toBe(own.subTenants);
			const totals = {
				staff: own.staff,
				agents: own.agents,
				subscribers: own.subscribers,
				active: own.active
			};
			for (const child of overview.subTenants) {
				const truth = await ownerCounts(child.id);
				expect(
					{
						staff: child.staff,
						agents: child.agents,
						subscribers: child.subscribers,
						active: child.active
					},
					child.slug
				).toEqual({
					staff: truth.staff,
					agents: truth.agents,
					subscribers: truth.subscribers,
					active: truth.active
				});
				totals.staff += truth.staff;
				totals.agents += truth.agents;
				totals.subscribers += truth.subscribers;
				totals.active += truth.active;
			}
			expect(overview.totals, key).toEqual(totals);
		}
	});

	it('adds up a parent’s numbers with its resellers and their sites', async () => {
		const overview = (await withTenant(ids['isp-one']!, (tx) =>
			tenantOverview(tx, ids['isp-one']!)
		))!;
		expect(overview.totals).toEqual({
			staff: 3 + 1 + 4 + 1,
			agents: 2 + 0 + 3 + 1,
			subscribers: 5 + 2 + 4 + 1,
			active: 3 + 0 + 4 + 1
		});
		expect(Object.fromEntries(overview.subTenants.map((t) => [t.slug, t.staff]))).toEqual({
			'res-a': 1,
			'res-b': 4,
			'site-a1': 1
		});
	});
});

describe('a sub-tenant', () => {
	it('never sees its parent’s or its siblings’ counts', async () => {
		const resA = ids['res-a']!;
		// Asking for the parent or a sibling by id finds nothing to show.
		for (const other of ['isp-one', 'res-b', 'isp-two']) {
			expect(await withTenant(resA, (tx) => tenantOverview(tx, ids[other]!)), other).toBeNull();
		}
		// Its own list holds itself and its site, with their own numbers only.
		const list = await withTenant(resA, (tx) => listVisibleTenants(tx));
		expect(list.map((t) => [t.slug, t.staff, t.subscribers, t.active])).toEqual([
			['res-a', 1, 2, 0],
			['site-a1', 1, 1, 1]
		]);
		const overview = (await withTenant(resA, (tx) => tenantOverview(tx, resA)))!;
		expect(overview.totals).toEqual({ staff: 2, agents: 1, subscribers: 3, active: 1 });
		expect(overview.subTenants.map((t) => t.slug)).toEqual(['site-a1']);
	});

	it('counts nothing of tenants outside its scope even when they are named to the counting query', async () => {
		const counts = await withTenant(ids['res-a']!, (tx) =>
			countsByTenant(tx, [ids['isp-one']!, ids['res-b']!, ids['isp-two']!])
		);
		for (const c of counts.values())
			expect(c).toEqual({ staff: 0, agents: 0, subscribers: 0, active: 0 });
	});
});
