/**
 * A fresh, migrated database for one test file: a new database on the Postgres named by
 * TEST_DATABASE_URL (or DATABASE_URL), or an in-memory PGlite when neither is set.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { openDatabase, setDatabase, type Database } from '../db';

export interface TestDatabase extends Database {
	/** Owner connection URL (Postgres only): for tests that look under the app's feet. */
	ownerUrl?: string;
}

export function testDatabaseUrl(): string | undefined {
	return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export async function openTestDatabase(): Promise<TestDatabase> {
	const migrationsDir = resolve('drizzle');
	const baseUrl = testDatabaseUrl();
	if (!baseUrl) {
		const db = await openDatabase({ migrationsDir });
		setDatabase(db);
		return db;
	}
	const name = `mtandao_t_${randomBytes(6).toString('hex')}`;
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	const db = await openDatabase({ url: url.toString(), migrationsDir, poolSize: 4 });
	setDatabase(db);
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
