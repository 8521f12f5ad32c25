import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { executeNamed, rowsOf, withTenant, withTenantPipelined } from '.';
import { auditLog, tenants, users } from './schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { databaseError } from '../testing/errors';

let db: TestDatabase;
const actor = { userId: '00000000-0000-4000-8000-00000000abcd', name: 'test' };
let isp: string, resellerA: string, resellerB: string;

beforeAll(async () => {
	db = await openTestDatabase();
	const noActor = { ...actor, userId: undefined as unknown as string };
	isp = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Kisumu Net', slug: 'kisumu', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			noActor
		)
	).id;
	resellerA = (
		await createTenant(
			isp,
			{ name: 'Reseller A', slug: 'res-a', parentId: isp, kind: 'reseller' },
			noActor
		)
	).id;
	resellerB = (
		await createTenant(
			isp,
			{ name: 'Reseller B', slug: 'res-b', parentId: isp, kind: 'reseller' },
			noActor
		)
	).id;
	for (const [tenantId, phone] of [
		[isp, '254700000001'],
		[resellerA, '254700000002'],
		[resellerB, '254700000003']
	] as const) {
		await withTenant(tenantId, (tx) =>
			tx
				.insert(users)
				.values({ tenantId, role: 'tenant_admin', name: phone, phone, passwordHash: 'x' })
		);
	}
});

afterAll(async () => {
	await db?.close();
});

const visibleSlugs = (scope: string) =>
	withTenant(scope, (tx) => tx.select({ slug: tenants.slug }).from(tenants)).then((r) =>
		r.map((t) => t.slug).sort()
	);

describe('row-level security on tenants', () => {
	it('shows a reseller its own tenant and nothing above or beside it', async () => {
		expect(await visibleSlugs(resellerA)).toEqual(['res-a']);
	});

	it('rolls sub-tenants up to their ISP', async () => {
		expect(await visibleSlugs(isp)).toEqual(['kisumu', 'res-a', 'res-b']);
	});

	it('lets the platform see every tenant', async () => {
		expect(await visibleSlugs(PLATFORM_TENANT_ID)).toEqual([
			'kisumu',
			'platform',
			'res-a',
			'res-b'
		]);
	});

	it('has the scope in force for the first statements, sent together without waiting for the scope’s answer', async () => {
		const [first, second] = await withTenant(resellerA, (tx) =>
			Promise.all([
				executeNamed(
					tx,
					'test_scope_probe',
					sql`select current_setting('app.scope', true) as scope`
				),
				tx.select({ slug: tenants.slug }).from(tenants)
			])
		);
		expect(rowsOf<{ scope: string }>(first)).toEqual([{ scope: `tenant:${resellerA}` }]);
		expect(second).toEqual([{ slug: 'res-a' }]);
	});

	it('hides another tenant’s users from a query that asks for them by id', async () => {
		const rows = await withTenant(resellerA, (tx) =>
			tx
				.select()
				.from(users)
				.where(sql`${users.tenantId} = ${resellerB}`)
		);
		expect(rows).toEqual([]);
	});

	it('refuses to write a row into a tenant outside the scope', async () => {
		await expect(
			withTenant(resellerA, (tx) =>
				tx.insert(users).values({
					tenantId: resellerB,
					role: 'agent',
					name: 'x',
					phone: '254711111111',
					passwordHash: 'x'
				})
			)
		).rejects.toThrow();
	});

	it('refuses to create a tenant under a parent outside the scope', async () => {
		await expect(
			createTenant(
				resellerA,
				{ name: 'Sneaky', slug: 'sneaky', parentId: resellerB, kind: 'site' },
				actor
			)
		).rejects.toThrow();
		expect(await visibleSlugs(PLATFORM_TENANT_ID)).not.toContain('sneaky');
	});

	it('ignores a scope changed by hand inside the transaction', async () => {
		const rows = await withTenant(resellerA, async (tx) => {
			await tx.execute(sql`select set_config('app.scope', ${'tenant:' + resellerB}, true)`);
			return tx.select().from(users);
		});
		expect(rows).toEqual([]);
	});

	it('cannot be fooled by a temporary table standing in for the signing key', async () => {
		const forged = `tenant:${resellerB}`;
		const signature = createHash('sha256').update(`forged|${forged}`, 'utf8').digest('hex');
		const rows = await withTenant(resellerA, async (tx) => {
			await tx.execute(sql`create temporary table app_scope_keys (key text) on commit drop`);
			await tx.execute(sql`insert into app_scope_keys values ('forged')`);
			await tx.execute(
				sql`select set_config('app.scope', ${forged}, true), set_config('app.scope_sig', ${signature}, true)`
			);
			return tx.select().from(users);
		});
		expect(rows).toEqual([]);
	});

	it('does not let the app role turn row security off', async () => {
		const attempt = withTenant(resellerA, async (tx) => {
			await tx.execute(sql`set local row_security = off`);
			return tx.select().from(users);
		});
		// Postgres refuses a query that RLS would filter when row_security is off for a non-bypass role.
		expect(await databaseError(attempt)).toMatch(/row-level security/);
	});

	it('does not let the app role become the owner again', async () => {
		await expect(
			withTenant(resellerA, (tx) => tx.execute(sql`reset role`).then(() => tx.select().from(users)))
		).resolves.toSatisfy((rows: unknown[]) => db.kind === 'pglite' || rows.length === 1);
	});

	it('keeps the audit log append-only', async () => {
		await withTenant(isp, (tx) => tx.insert(auditLog).values({ tenantId: isp, action: 'test' }));
		expect(await databaseError(withTenant(isp, (tx) => tx.delete(auditLog)))).toMatch(
			/permission denied/
		);
	});

	it('refuses writes in a read-only scope', async () => {
		const attempt = withTenant(
			isp,
			(tx) => tx.insert(auditLog).values({ tenantId: isp, action: 'x' }),
			{ readOnly: true }
		);
		expect(await databaseError(attempt)).toMatch(/read-only transaction/);
	});

	it('enables and forces row-level security on every table that holds tenant data', async () => {
		const rows = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			tx.execute<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(sql`
				select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
				join pg_namespace n on n.oid = c.relnamespace
				where n.nspname = 'public' and c.relkind = 'r'
				  and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id') or c.relname = 'tenants')`)
		);
		const list = rowsOf<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
			rows
		);
		expect(list.length).toBeGreaterThanOrEqual(9);
		for (const table of list)
			expect(table, table.relname).toMatchObject({
				relrowsecurity: true,
				relforcerowsecurity: true
			});
	});

	it('returns no rows to a raw query without a scope on real Postgres', async () => {
		if (!db.ownerUrl) return expect(db.kind).toBe('pglite');
		const url = new URL(db.ownerUrl);
		url.username = 'mtandao_app';
		const raw = postgres(url.toString(), { max: 1 });
		try {
			expect(await raw`select * from users`).toHaveLength(0);
			expect(await raw`select * from tenants`).toHaveLength(0);
			const [me] = await raw<
				{ rolbypassrls: boolean; rolsuper: boolean }[]
			>`select rolbypassrls, rolsuper from pg_roles where rolname = current_user`;
			expect(me).toEqual({ rolbypassrls: false, rolsuper: false });
			await expect(raw`select key from app_scope_keys`).rejects.toThrow(/permission denied/);
		} finally {
			await raw.end();
		}
	});
});

describe('pipelined transactions (withTenantPipelined)', () => {
	const phonesOf = (tenantId: string) =>
		withTenant(tenantId, (tx) => tx.select({ phone: users.phone }).from(users)).then((rows) =>
			rows.map((r) => r.phone).sort()
		);
	const newUser = (tenantId: string, phone: string) => ({
		tenantId,
		role: 'tenant_admin' as const,
		name: phone,
		phone,
		passwordHash: 'x'
	});

	it('sets the scope before the first statements and commits what was sent with the COMMIT', async () => {
		const probe = await withTenantPipelined(resellerA, async (tx, commit) => {
			const sent = Promise.all([
				executeNamed(
					tx,
					'test_pipelined_probe',
					sql`select current_setting('app.scope', true) as scope`
				),
				tx.insert(users).values(newUser(resellerA, '254700000010')),
				commit()
			]);
			return (await sent)[0];
		});
		expect(rowsOf<{ scope: string }>(probe)).toEqual([{ scope: `tenant:${resellerA}` }]);
		expect(await phonesOf(resellerA)).toContain('254700000010');
	});

	it('commits after fn when fn does not send the COMMIT itself', async () => {
		await withTenantPipelined(resellerA, (tx) =>
			tx.insert(users).values(newUser(resellerA, '254700000011'))
		);
		expect(await phonesOf(resellerA)).toContain('254700000011');
	});

	it('keeps nothing when a statement sent before the COMMIT fails, and rejects', async () => {
		const attempt = withTenantPipelined(resellerA, (tx, commit) =>
			Promise.all([
				tx.insert(users).values(newUser(resellerA, '254700000012')),
				// Outside the scope: row-level security refuses it, so the COMMIT that follows rolls back.
				tx.insert(users).values(newUser(resellerB, '254700000013')),
				commit()
			])
		);
		await expect(attempt).rejects.toThrow();
		expect(await phonesOf(resellerA)).not.toContain('254700000012');
		expect(await phonesOf(resellerB)).not.toContain('254700000013');
	});

	it('rolls back when fn fails before sending the COMMIT, and leaves the connection clean', async () => {
		const attempt = withTenantPipelined(resellerA, async (tx) => {
			await tx.insert(users).values(newUser(resellerA, '254700000014'));
			throw new Error('changed my mind');
		});
		await expect(attempt).rejects.toThrow('changed my mind');
		expect(await phonesOf(resellerA)).not.toContain('254700000014');
		// Every pooled connection is usable and outside any transaction afterwards.
		const states = await Promise.all(
			Array.from({ length: 12 }, () =>
				withTenantPipelined(resellerB, (tx) =>
					executeNamed(
						tx,
						'test_pipelined_state',
						sql`select current_setting('app.scope', true) as scope`
					)
				)
			)
		);
		for (const state of states)
			expect(rowsOf<{ scope: string }>(state)).toEqual([{ scope: `tenant:${resellerB}` }]);
	});
});
