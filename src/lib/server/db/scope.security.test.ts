import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { database, rowsOf, withTenant } from '.';
import { signScope } from './scope';
import { users } from './schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { databaseError } from '../testing/errors';

let db: TestDatabase;
let tenantA: string, tenantB: string;
const noActor = { userId: undefined as unknown as string, name: 'test' };

beforeAll(async () => {
	db = await openTestDatabase();
	tenantA = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Nakuru Net', slug: 'nakuru', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			noActor
		)
	).id;
	tenantB = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Eldoret Net', slug: 'eldoret', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			noActor
		)
	).id;
	for (const [tenantId, phone] of [
		[tenantA, '254700000101'],
		[tenantB, '254700000102']
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

const scopeOf = (tenantId: string) =>
	withTenant(
		tenantId,
		async (tx) =>
			rowsOf<{ scope: string; sig: string }>(
				await tx.execute(
					sql`select current_setting('app.scope', true) as scope, current_setting('app.scope_sig', true) as sig`
				)
			)[0]!
	);

describe('the tenant scope’s signature', () => {
	it('opens nothing when it is read in one transaction and replayed in another', async () => {
		const captured = await scopeOf(tenantB);
		expect(captured.scope).toBe(`tenant:${tenantB}`);
		const rows = await withTenant(tenantA, async (tx) => {
			await tx.execute(
				sql`select set_config('app.scope', ${captured.scope}, true), set_config('app.scope_sig', ${captured.sig}, true)`
			);
			return tx.select({ phone: users.phone }).from(users);
		});
		expect(rows).toEqual([]);
	});

	it('differs from one transaction to the next for the same tenant', async () => {
		const [first, second] = [await scopeOf(tenantA), await scopeOf(tenantA)];
		expect(first.sig).not.toBe(second.sig);
	});

	it('opens nothing for a raw app-role connection replaying a captured signature on real Postgres', async () => {
		if (!db.ownerUrl) return expect(db.kind).toBe('pglite');
		const captured = await scopeOf(tenantB);
		const url = new URL(db.ownerUrl);
		url.username = 'mtandao_app';
		const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
		try {
			const rows = await raw.begin(async (t) => {
				await t`select set_config('app.scope', ${captured.scope}, true), set_config('app.scope_sig', ${captured.sig}, true)`;
				return t`select phone from users`;
			});
			expect(rows).toHaveLength(0);
		} finally {
			await raw.end();
		}
	});

	it('refuses a request for a scope whose signature has expired or was made with another key', async () => {
		const claim = `tenant:${tenantB}`;
		const expired = signScope(claim, database().scopeKey, Math.floor(Date.now() / 1000) - 5);
		const forged = signScope(claim, 'not-the-key');
		for (const { expires, signature } of [expired, forged]) {
			const attempt = withTenant(tenantA, (tx) =>
				tx.execute(sql`select app_enter_scope(${claim}, ${expires}::bigint, ${signature})`)
			);
			expect(await databaseError(attempt)).toMatch(/scope signature refused/);
		}
	});

	it('cannot be made by the app role from the padded keys', async () => {
		const attempt = withTenant(tenantA, (tx) =>
			tx.execute(sql`select inner_pad from app_scope_keys`)
		);
		expect(await databaseError(attempt)).toMatch(/permission denied/);
		const pad = withTenant(tenantA, (tx) => tx.execute(sql`select app_scope_key_pad('x', 54)`));
		expect(await databaseError(pad)).toMatch(/permission denied/);
	});
});

describe('the schema the app role runs in', () => {
	it('pins the search path of every scope helper', async () => {
		const rows = await withTenant(tenantA, async (tx) =>
			rowsOf<{ proname: string; proconfig: string[] | null }>(
				await tx.execute(sql`select proname, proconfig from pg_proc
					where pronamespace = 'public'::regnamespace and proname in ('app_scope', 'app_scope_value', 'app_scope_tenant', 'app_enter_scope')
					order by proname`)
			)
		);
		expect(rows.map((r) => r.proname)).toEqual([
			'app_enter_scope',
			'app_scope',
			'app_scope_tenant',
			'app_scope_value'
		]);
		for (const row of rows)
			expect(row.proconfig, row.proname).toContain('search_path=pg_catalog, pg_temp');
	});

	it('does not let the app role create objects in public', async () => {
		const attempt = withTenant(tenantA, (tx) =>
			tx.execute(sql`create table public.app_scope_shadow (key text)`)
		);
		expect(await databaseError(attempt)).toMatch(/permission denied/);
		const fn = withTenant(tenantA, (tx) =>
			tx.execute(
				sql`create function public.substr(text, integer) returns text language sql as 'select $1'`
			)
		);
		expect(await databaseError(fn)).toMatch(/permission denied/);
		if (!db.ownerUrl) return;
		const owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
		try {
			const [row] = await owner<
				{ can: boolean }[]
			>`select has_schema_privilege('mtandao_app', 'public', 'CREATE') as can, has_schema_privilege('public', 'public', 'CREATE') as anyone`;
			expect(row).toEqual({ can: false, anyone: false });
		} finally {
			await owner.end();
		}
	});
});
