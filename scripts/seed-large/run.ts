/**
 * `npm run seed:large [-- --scale 0.01] [--reset]`: a realistic data set on PostgreSQL for
 * `npm run bench:large` (DESIGN.md §10): 510 tenants in a reseller tree, 200,000 subscribers in the
 * largest, 5 million payments (M-Pesa and cash) over the last 12 months. `--scale` multiplies
 * subscribers and payments (the tree stays whole), for a quick try first.
 *
 * DATABASE_URL names the database, as a superuser (or a role with BYPASSRLS). It must be empty
 * (migrated or not) or hold an earlier seed:large, which `--reset` empties first; a database with
 * anything else in it is refused. The time taken is kept in seed_large.runs for the bench.
 */
import { resolve } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../src/lib/server/db/client';
import { hashPassword } from '../../src/lib/server/auth/password';
import { SeedRefused, checkAndReset } from './guard';
import { SEED_LOGINS, SEED_PASSWORD, SEED_SCHEMA as S } from './logins';
import { seededRandom } from './random';
import { buildTree } from './tree';
import { buildSubscribers } from './customers';
import { buildMoney } from './money';

const PAYMENTS_AT_FULL_SCALE = 5_000_000;
const USAGE = 'usage: npm run seed:large -- [--scale <0.001..2>] [--jobs <1..8>] [--reset]';

function parseArgs(argv: string[]): { scale: number; jobs: number; reset: boolean } {
	let scale = 1;
	let jobs = 2;
	let reset = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--reset') reset = true;
		else if (arg === '--jobs' || arg.startsWith('--jobs=')) {
			jobs = Number(arg.includes('=') ? arg.split('=')[1] : argv[++i]);
			if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 8))
				throw new SeedRefused(`--jobs must be 1 to 8\n${USAGE}`);
		} else if (arg === '--scale' || arg.startsWith('--scale=')) {
			scale = Number(arg.includes('=') ? arg.split('=')[1] : argv[++i]);
			if (!(scale >= 0.001 && scale <= 2))
				throw new SeedRefused(`--scale must be 0.001 to 2\n${USAGE}`);
		} else throw new SeedRefused(`unknown argument ${arg}\n${USAGE}`);
	}
	return { scale, jobs, reset };
}

let lastLine = performance.now();
/** A line with the seconds since the previous one, so a slow step shows. */
const log = (line: string) => {
	const now = performance.now();
	console.log(`${line}  (+${((now - lastLine) / 1000).toFixed(1)} s)`);
	lastLine = now;
};

async function main(): Promise<void> {
	const { scale, jobs, reset } = parseArgs(process.argv.slice(2));
	const url = process.env.DATABASE_URL;
	if (!url)
		throw new SeedRefused(
			'DATABASE_URL is not set: seed:large builds on a PostgreSQL database of its own, never on the embedded PGlite'
		);
	const clock = performance.now();
	const now = new Date();
	const window = { start: new Date(now.getTime() - 365 * 86_400_000), now };
	log(`seed:large at scale ${scale}, ${jobs} at once, on ${new URL(url).pathname.slice(1)}`);

	// Migrated as the app migrates it (also prepares the app role the server logs in as).
	const migrated = await openDatabase({ url, migrationsDir: resolve('drizzle'), poolSize: 1 });
	await migrated.close();

	// One connection per worker; every one writes without waiting for the disk at each commit.
	const sql = postgres(url, {
		max: jobs,
		onnotice: () => {},
		connection: {
			synchronous_commit: 'off',
			work_mem: '128MB',
			maintenance_work_mem: '256MB',
			jit: 'off'
		}
	});
	try {
		await checkAndReset(sql, reset);
		await sql.unsafe(`create schema ${S};
			create table ${S}.runs (started_at timestamptz primary key, finished_at timestamptz,
				seconds float8, scale float8 not null, counts jsonb)`);
		await sql`insert into ${sql(S)}.runs (started_at, scale) values (${now}, ${scale})`;

		const passwordHash = await hashPassword(SEED_PASSWORD);
		const tree = await buildTree(sql, scale, seededRandom(15), passwordHash, window);
		log(`tenants, staff, routers, packages: ${tree.tenants.length} tenants`);
		const subscribers = await buildSubscribers(sql, window, jobs, log);
		const money = await buildMoney(
			sql,
			Math.round(PAYMENTS_AT_FULL_SCALE * scale),
			window,
			jobs,
			log
		);
		log(`hotspot subscribers pay ${money.hotspotRatePerMonth.toFixed(2)} times a month on average`);

		await sql.unsafe(`drop table ${S}.plan_kind, ${S}.plan_pkgs, ${S}.plan_routers, ${S}.plan_agents,
			${S}.subs, ${S}.days, ${S}.last_buy; drop sequence ${S}.codes`);
		// What autovacuum would have done by the time anyone looks: statistics and the visibility map.
		await sql.unsafe(`vacuum (analyze) tenants, users, routers, packages, subscribers,
			subscriber_search_terms, payments, ledger_entries, provisioning_jobs, audit_log, mpesa_settings`);
		log('vacuum analyze');

		const [counts] = await sql<Record<string, number>[]>`
			select (select count(*) from tenants where kind <> 'platform')::int as tenants,
				(select count(*) from users)::int as users,
				(select count(*) from routers)::int as routers,
				(select count(*) from packages)::int as packages,
				(select count(*) from subscribers)::int as subscribers,
				(select count(*) from subscribers where tenant_id = ${tree.largest.id})::int as largest_tenant_subscribers,
				(select count(*) from payments)::int as payments,
				(select count(*) from payments where tenant_id = ${tree.largest.id})::int as largest_tenant_payments,
				(select count(*) from ledger_entries)::int as ledger_entries,
				(select count(*) from ledger_entries where kind = 'cash')::int as cash_entries,
				(select count(*) from ledger_entries where kind = 'reversal')::int as reversals,
				(select count(*) from provisioning_jobs)::int as jobs,
				(select count(*) from audit_log)::int as audit_entries`;
		const seconds = (performance.now() - clock) / 1000;
		// The tenant count also lets a later --reset see that nobody added tenants since.
		await sql`update ${sql(S)}.runs set finished_at = now(), seconds = ${seconds},
			counts = ${sql.json({ ...counts!, tenant_rows: counts!.tenants! + 1, subscribers_planned: subscribers })}
			where started_at = ${now}`;

		console.log('\nBuilt:');
		for (const [key, value] of Object.entries(counts!))
			console.log(`  ${key.padEnd(28)} ${value.toLocaleString('en').padStart(12)}`);
		console.log(
			`  ${'payments + cash'.padEnd(28)} ${(counts!.payments! + counts!.cash_entries!).toLocaleString('en').padStart(12)}`
		);
		console.log(`\nLogins (password for all: ${SEED_PASSWORD}):`);
		for (const { who, login } of Object.values(SEED_LOGINS))
			console.log(`  ${who.padEnd(40)} ${login}`);
		console.log(`\nseed:large took ${seconds.toFixed(1)} s`);
	} finally {
		await sql.end();
	}
}

try {
	await main();
	process.exit(0);
} catch (error) {
	if (error instanceof SeedRefused) {
		console.error(`seed:large refused: ${error.message}`);
		process.exit(2);
	}
	throw error;
}
