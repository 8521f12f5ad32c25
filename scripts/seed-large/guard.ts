/**
 * What keeps the large seed off real data: it runs only on PostgreSQL, only as a role that may
 * write past row-level security, and only on a database that is empty (nothing but what the
 * migrations make) or that holds an earlier seed and `--reset` was given. Anything else is
 * refused before a single row is written.
 */
import type postgres from 'postgres';
import { PLATFORM_TENANT_ID } from '../../src/lib/server/tenants/root';
import { SEED_SCHEMA } from './logins';

export class SeedRefused extends Error {}

/** Tables the migrations fill and a reset keeps: the scope key and this server's push keys. */
const KEPT_TABLES = new Set(['app_scope_keys', 'push_vapid_keys', 'tenants']);

interface EarlierSeed {
	startedAt: Date;
	finishedAt: Date | null;
	tenants: number | null;
}

async function earlierSeed(sql: postgres.Sql): Promise<EarlierSeed | null> {
	const [exists] = await sql`select to_regclass(${`${SEED_SCHEMA}.runs`}) is not null as yes`;
	if (!exists?.yes) return null;
	const [run] = await sql<EarlierSeed[]>`
		select started_at as "startedAt", finished_at as "finishedAt", (counts->>'tenant_rows')::int as tenants
		from ${sql(SEED_SCHEMA)}.runs order by started_at desc limit 1`;
	return run ?? null;
}

/** What the database holds besides the platform root the migrations make. */
async function foreignData(sql: postgres.Sql): Promise<string[]> {
	const [row] = await sql<
		{ tenants: number; users: number; subscribers: number; payments: number }[]
	>`
		select (select count(*) from tenants where id <> ${PLATFORM_TENANT_ID})::int as tenants,
			(select count(*) from users)::int as users,
			(select count(*) from subscribers)::int as subscribers,
			(select count(*) from payments)::int as payments`;
	return Object.entries(row!)
		.filter(([, n]) => n > 0)
		.map(([table, n]) => `${n} ${table}`);
}

/**
 * Refuses anything but an empty database, or an earlier seed with `reset`; with `reset`, empties
 * the earlier seed (every table but the kept ones, then every tenant but the platform root).
 */
export async function checkAndReset(sql: postgres.Sql, reset: boolean): Promise<void> {
	const [role] = await sql<{ allowed: boolean; name: string }[]>`
		select rolsuper or rolbypassrls as allowed, current_user as name from pg_roles where rolname = current_user`;
	if (!role?.allowed)
		throw new SeedRefused(
			`the role ${role?.name} cannot write past row-level security; run seed:large as a superuser (or a role with BYPASSRLS) on a database of its own`
		);
	const earlier = await earlierSeed(sql);
	if (!earlier) {
		const found = await foreignData(sql);
		if (found.length)
			throw new SeedRefused(
				`this database holds data seed:large did not make (${found.join(', ')}); it only builds on an empty database`
			);
		return;
	}
	if (!reset)
		throw new SeedRefused(
			`this database already holds a seed:large data set (started ${earlier.startedAt.toISOString()}); add --reset to build it again`
		);
	const [tenants] = await sql<{ n: number }[]>`select count(*)::int as n from tenants`;
	if (earlier.tenants !== null && tenants!.n !== earlier.tenants)
		throw new SeedRefused(
			`tenants were added or removed since the seed (${earlier.tenants} then, ${tenants!.n} now): this is not only seed data any more; --reset refused`
		);
	const tables = await sql<{ name: string }[]>`
		select tablename as name from pg_tables where schemaname = 'public' order by tablename`;
	const emptied = tables.map((t) => t.name).filter((name) => !KEPT_TABLES.has(name));
	if (emptied.length) await sql.unsafe(`truncate ${emptied.map((n) => `"${n}"`).join(', ')}`);
	// Leaves first: a tenant's parent is a RESTRICT key.
	const [{ depth } = { depth: 0 }] = await sql<{ depth: number }[]>`
		select coalesce(max(cardinality(path)), 0)::int as depth from tenants`;
	for (let d = depth; d > 1; d--) await sql`delete from tenants where cardinality(path) = ${d}`;
	await sql.unsafe(`drop schema ${SEED_SCHEMA} cascade`);
}
