/**
 * The process's database, opened once at start-up (hooks.server.ts `init`) or by a test.
 */
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from './client';
import type { Tx } from './scope';

let current: Database | undefined;

export function setDatabase(db: Database | undefined): void {
	current = db;
}

export function database(): Database {
	if (!current) throw new Error('The database is not open yet');
	return current;
}

/** A real round trip to the database (the liveness check); throws when it cannot be reached. */
export async function pingDatabase(): Promise<void> {
	await database().db.execute(sql`select 1`);
}

export { openDatabase, type Database, type AppDb } from './client';
export {
	afterCommit,
	withScope,
	withTenant,
	withTenantPipelined,
	type Scope,
	type Tx
} from './scope';
export * as schema from './schema';

/** The rows of a raw `tx.execute(sql…)`: PGlite answers `{ rows }`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const dialect = new PgDialect();

/**
 * Runs a statement as a named prepared statement. Drizzle sends every query unnamed: postgres.js
 * then asks Postgres to describe each one before binding it (a second round trip), and Postgres
 * parses it, expands its row-level security policies and plans it every time. Named, it is parsed
 * once per connection and runs in one round trip; after five runs Postgres may keep a generic
 * plan. For hot statements whose text does not change with their input (pass lists as one JSON
 * parameter, not as a drizzle list, which spells one placeholder per element). PGlite runs it as usual.
 */
export function executeNamed(tx: Tx, name: string, statement: SQL): Promise<unknown> {
	return tx._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, name, false).execute();
}
