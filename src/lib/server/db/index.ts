/**
 * The process's database, opened once at start-up (hooks.server.ts `init`) or by a test.
 */
import type { Database } from './client';

let current: Database | undefined;

export function setDatabase(db: Database | undefined): void {
	current = db;
}

export function database(): Database {
	if (!current) throw new Error('The database is not open yet');
	return current;
}

export { openDatabase, type Database, type AppDb } from './client';
export { withScope, withTenant, type Scope, type Tx } from './scope';
export * as schema from './schema';

/** The rows of a raw `tx.execute(sql…)`: PGlite answers `{ rows }`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
