/**
 * A fresh, migrated database for one test file: a new database on the Postgres named by
 * TEST_DATABASE_URL (or DATABASE_URL), or an in-memory PGlite when neither is set.
 *
 * Migrations run once per test run, not once per file: the first file to ask migrates a template
 * (on Postgres a database that each file copies with CREATE DATABASE … TEMPLATE; on PGlite a data
 * directory dumped to the run's folder and loaded by each file, and kept for later runs until a
 * migration changes), under a lock so that files running in parallel wait for it. Each copy then gets a signing key of its own, as a fresh database would.
 * Outside the vitest run (no run folder provided by global-setup.ts), each file migrates its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	renameSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, rowsOf, setDatabase, type Database } from '../db';
import { templateDatabaseName, testDatabaseUrl } from './global-setup';

export interface TestDatabase extends Database {
	/** Owner connection URL (Postgres only): for tests that look under the app's feet. */
	ownerUrl?: string;
}

declare module 'vitest' {
	export interface ProvidedContext {
		/** A folder of this test run (global-setup.ts): the PGlite template and its lock live there. */
		testRunDir: string;
		/** Names this run's Postgres template database. */
		testRunId: string;
	}
}

export { testDatabaseUrl };

const migrationsDir = resolve('drizzle');
/** Any constant: one file of the run migrates the template while the others wait. */
const TEMPLATE_LOCK = 7_246_013;
/** A copy signs with a key of its own, as a freshly migrated database does (0000_roles_and_scope.sql). */
const NEW_SCOPE_KEY =
	"update app_scope_keys set key = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') returning key";

export async function openTestDatabase(): Promise<TestDatabase> {
	const baseUrl = testDatabaseUrl();
	const db = baseUrl ? await openPostgresCopy(baseUrl) : await openPgliteCopy();
	setDatabase(db);
	return db;
}

function runContext(): { dir: string; id: string } | undefined {
	let dir: string | undefined;
	let id: string | undefined;
	try {
		dir = inject('testRunDir');
		id = inject('testRunId');
	} catch {
		return undefined;
	}
	return dir && id ? { dir, id } : undefined;
}

async function openPgliteCopy(): Promise<TestDatabase> {
	const run = runContext();
	if (!run) return openDatabase({ migrationsDir });
	const db = await openDatabase({ migrationsDir, loadDataDir: await pgliteTemplate(run.dir) });
	const [row] = rowsOf<{ key: string }>(await db.db.execute(sql.raw(NEW_SCOPE_KEY)));
	return { ...db, scopeKey: row!.key };
}

/**
 * PGlite only: a migrated embedded database in `dir`, as the app keeps one in DATA_DIR, for a test
 * that starts the app's own processes on it. Copied from the run's template when there is one.
 */
export async function makeTestDataDir(dir: string): Promise<void> {
	const run = runContext();
	if (!run) {
		await (await openDatabase({ dataDir: dir, migrationsDir })).close();
		return;
	}
	const db = await openDatabase({
		dataDir: dir,
		migrationsDir,
		loadDataDir: await pgliteTemplate(run.dir)
	});
	try {
		await db.db.execute(sql.raw(NEW_SCOPE_KEY));
	} finally {
		await db.close();
	}
}

/**
 * The template as loaded, kept for the next file run by the same worker process (vite.config.ts):
 * making a Blob of 40 MB costs a few hundred milliseconds. PGlite only reads it.
 */
let loaded: { dir: string; blob: Blob } | undefined;

async function pgliteTemplate(dir: string): Promise<Blob> {
	if (loaded?.dir !== dir)
		loaded = { dir, blob: new Blob([new Uint8Array(await pgliteTarball(dir))]) };
	return loaded.blob;
}

/**
 * A copy of the template opens with a buffer cache of 16 MB instead of PostgreSQL's 128 MB: a test
 * database holds a few megabytes, and PGlite spends half a second of every start clearing the
 * larger one.
 */
const TEMPLATE_SETTINGS = "alter system set shared_buffers = '16MB'";

/**
 * The migrated PGlite data directory as a tarball: made by the first file that asks, and kept
 * between runs in the system's temporary folder under a name that changes with any migration,
 * PGlite version or setting (a fresh PGlite spends most of a minute in initdb on a busy machine).
 */
async function pgliteTarball(dir: string): Promise<Buffer> {
	const cached = join(tmpdir(), 'mtandao-pglite-templates', `${templateKey()}.tar`);
	if (existsSync(cached)) return readFileSync(cached);
	const file = join(dir, 'pglite-template.tar');
	const failed = join(dir, 'pglite-template.failed');
	let builder = false;
	try {
		mkdirSync(join(dir, 'pglite-template.lock'));
		builder = true;
	} catch {
		// Another file is making it.
	}
	if (builder) {
		try {
			const client = new PGlite();
			await migrate(drizzle(client), { migrationsFolder: migrationsDir });
			await client.exec(TEMPLATE_SETTINGS);
			const dump = Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer());
			await client.close();
			writeFileSync(`${file}.part`, dump);
			renameSync(`${file}.part`, file);
			keepForLaterRuns(cached, dump);
		} catch (error) {
			writeFileSync(failed, String((error as Error).stack ?? error));
			throw error;
		}
	}
	for (let waited = 0; !existsSync(file); waited += 100) {
		if (existsSync(failed)) throw new Error(`the PGlite template failed: ${readFileSync(failed)}`);
		if (waited > 300_000) throw new Error('timed out waiting for the PGlite template');
		await sleep(100);
	}
	return readFileSync(file);
}

/** Names the template by everything that shapes it: the migrations, PGlite's version, the settings. */
function templateKey(): string {
	const hash = createHash('sha256');
	hash.update(readFileSync(resolve('node_modules/@electric-sql/pglite/package.json')));
	hash.update(TEMPLATE_SETTINGS).update('\0');
	const files = readdirSync(migrationsDir, { recursive: true, encoding: 'utf8' }).sort();
	for (const name of files) {
		const path = join(migrationsDir, name);
		if (!statSync(path).isFile()) continue;
		hash.update(name).update('\0').update(readFileSync(path)).update('\0');
	}
	return hash.digest('hex').slice(0, 24);
}

/** Written under a name of its own first, so that a run reading it never sees half of it. */
function keepForLaterRuns(cached: string, dump: Buffer) {
	try {
		mkdirSync(dirname(cached), { recursive: true });
		const part = `${cached}.${process.pid}.part`;
		writeFileSync(part, dump);
		renameSync(part, cached);
	} catch {
		// Only a saving for the next run.
	}
}

async function openPostgresCopy(baseUrl: string): Promise<TestDatabase> {
	const run = runContext();
	const name = `mtandao_t_${randomBytes(6).toString('hex')}`;
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
	try {
		if (run) {
			const template = templateDatabaseName(run.id);
			await postgresTemplate(admin, baseUrl, template);
			await copyDatabase(admin, template, name);
		} else {
			await admin.unsafe(`create database ${name}`);
		}
	} finally {
		await admin.end();
	}
	if (run) {
		const owner = postgres(url.toString(), { max: 1, onnotice: () => {} });
		try {
			await owner.unsafe(NEW_SCOPE_KEY);
		} finally {
			await owner.end();
		}
	}
	const db = await openDatabase({ url: url.toString(), migrationsDir, poolSize: 4 });
	return {
		...db,
		ownerUrl: url.toString(),
		async close() {
			await db.close();
			const dropper = postgres(baseUrl, { max: 1, onnotice: () => {} });
			await dropper.unsafe(`drop database if exists ${name} with (force)`);
			await dropper.end();
		}
	};
}

/** Migrates this run's template database once; the files that ask meanwhile wait on the lock. */
async function postgresTemplate(admin: postgres.Sql, baseUrl: string, template: string) {
	await admin`select pg_advisory_lock(${TEMPLATE_LOCK})`;
	try {
		const [found] = await admin`select 1 from pg_database where datname = ${template}`;
		if (found) return;
		const building = `${template}_part`;
		await admin.unsafe(`drop database if exists ${building} with (force)`);
		await admin.unsafe(`create database ${building}`);
		const url = new URL(baseUrl);
		url.pathname = `/${building}`;
		const db = await openDatabase({ url: url.toString(), migrationsDir, poolSize: 1 });
		await db.close();
		// Renamed only once migrated, so that a template that exists is a whole one.
		await renameDatabase(admin, building, template);
	} finally {
		await admin`select pg_advisory_unlock(${TEMPLATE_LOCK})`;
	}
}

/**
 * CREATE DATABASE … TEMPLATE and ALTER DATABASE … RENAME refuse while anyone is connected to the
 * source; a connection just closed by the migration may still be leaving for a moment.
 */
async function whenUnused(run: () => Promise<unknown>) {
	for (let attempt = 0; ; attempt++) {
		try {
			await run();
			return;
		} catch (error) {
			if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
			await sleep(100);
		}
	}
}

function renameDatabase(admin: postgres.Sql, from: string, to: string) {
	return whenUnused(() => admin.unsafe(`alter database ${from} rename to ${to}`));
}

function copyDatabase(admin: postgres.Sql, template: string, name: string) {
	return whenUnused(() => admin.unsafe(`create database ${name} template ${template}`));
}
