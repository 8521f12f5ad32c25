/**
 * Opening the database: PGlite in a folder when there is no DATABASE_URL, postgres.js otherwise.
 * Migrations run as the owner; requests run as mtandao_app (see scope.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import {
	drizzle as drizzlePostgres,
	PostgresJsSession,
	PostgresJsTransaction
} from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import {
	PgDialect,
	type PgDatabase,
	type PgQueryResultHKT,
	type PgTransaction
} from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { connect, type Socket } from 'node:net';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type AppDb = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
	kind: 'pglite' | 'postgres';
	/** Runs requests; on Postgres it is logged in as mtandao_app. */
	db: AppDb;
	/** Signs request scopes; the app role cannot read it from the database. */
	scopeKey: string;
	/**
	 * Postgres only: a transaction on a connection of its own, with no statement of its own (no
	 * BEGIN or COMMIT sent for it). The caller sends them, pipelined with its statements (scope.ts).
	 */
	reserve?: () => Promise<ReservedTx>;
	close(): Promise<void>;
}

export interface ReservedTx {
	/** Runs statements on the reserved connection; nested transactions (savepoints) are not available. */
	tx: PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
	release(): void;
}

export interface OpenOptions {
	/** Postgres URL of the owner (runs migrations). Absent: PGlite. */
	url?: string;
	/** Postgres URL the requests use; derived from `url` with the user mtandao_app when absent. */
	appUrl?: string;
	appPassword?: string;
	/** PGlite folder; absent means in memory. */
	dataDir?: string;
	/** PGlite: start from this dumped data directory (tests load one migrated template). */
	loadDataDir?: Blob;
	migrationsDir: string;
	poolSize?: number;
}

const APP_ROLE = 'mtandao_app';
const MIGRATION_LOCK = 7_246_001; // any constant: serialises migrations of processes starting together

export async function openDatabase(options: OpenOptions): Promise<Database> {
	return options.url ? openPostgres(options, options.url) : openPglite(options);
}

async function openPglite(options: OpenOptions): Promise<Database> {
	if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
	const client = new PGlite({
		dataDir: options.dataDir ? join(options.dataDir, 'pglite') : undefined,
		loadDataDir: options.loadDataDir
	});
	const db = drizzlePglite(client, { schema });
	await migratePglite(db, { migrationsFolder: options.migrationsDir });
	const scopeKey = await readScopeKey((q) => client.query<{ key: string }>(q).then((r) => r.rows));
	return {
		kind: 'pglite',
		db: db as unknown as AppDb,
		scopeKey,
		close: () => client.close()
	};
}

/**
 * postgres.js leaves Nagle's algorithm on: a query written while the previous one is still
 * unacknowledged (pipelined queries, a transaction's next statement) can then wait for a delayed
 * ACK, tens of milliseconds on Linux. Our sockets send each message at once.
 */
function connectWithoutNagle(options: {
	host: string[];
	port: number[];
	path?: string | false;
}): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = options.path
			? connect(options.path)
			: connect({ host: options.host[0], port: options.port[0]!, noDelay: true });
		socket.once('connect', () => {
			socket.off('error', reject);
			resolve(socket);
		});
		socket.once('error', reject);
	});
}

async function openPostgres(options: OpenOptions, url: string): Promise<Database> {
	const owner = postgres(url, { max: 1, onnotice: () => {} });
	let scopeKey: string;
	try {
		await owner`select pg_advisory_lock(${MIGRATION_LOCK})`;
		try {
			await migratePostgres(drizzlePostgres(owner), { migrationsFolder: options.migrationsDir });
		} finally {
			await owner`select pg_advisory_unlock(${MIGRATION_LOCK})`;
		}
		await prepareAppRole(owner, options.appPassword);
		scopeKey = await readScopeKey((q) => owner.unsafe<{ key: string }[]>(q));
	} finally {
		await owner.end();
	}
	const appClient = postgres(options.appUrl ?? appUrlFor(url, options.appPassword), {
		max: options.poolSize ?? 10,
		onnotice: () => {},
		// A documented postgres.js option that its type definitions leave out.
		...({ socket: connectWithoutNagle } as object)
	});
	const db = drizzlePostgres(appClient, { schema });
	const dialect = new PgDialect();
	const relations = {
		fullSchema: db._.fullSchema,
		schema: db._.schema!,
		tableNamesMap: db._.tableNamesMap
	};
	return {
		kind: 'postgres',
		db: db as unknown as AppDb,
		scopeKey,
		async reserve() {
			const connection = await appClient.reserve();
			// A reserved connection has no savepoints: `tx.transaction` is not available on it.
			const session = new PostgresJsSession(connection, dialect, relations, {});
			const tx = new PostgresJsTransaction(
				dialect,
				session as unknown as ConstructorParameters<
					typeof PostgresJsTransaction<Schema, ExtractTablesWithRelations<Schema>>
				>[1],
				relations
			) as unknown as ReservedTx['tx'];
			return { tx, release: () => connection.release() };
		},
		close: () => appClient.end({ timeout: 5 })
	};
}

/** The app role logs in for the request pool; a password is set when one is configured. */
async function prepareAppRole(owner: postgres.Sql, password: string | undefined) {
	const [role] = await owner<{ rolcanlogin: boolean }[]>`
		select rolcanlogin from pg_roles where rolname = ${APP_ROLE}`;
	if (!role?.rolcanlogin) await owner.unsafe(`alter role ${APP_ROLE} login`);
	if (password)
		await owner.unsafe(`alter role ${APP_ROLE} password '${password.replaceAll("'", "''")}'`);
}

function appUrlFor(ownerUrl: string, password: string | undefined): string {
	const url = new URL(ownerUrl);
	url.username = APP_ROLE;
	url.password = password ? encodeURIComponent(password) : '';
	return url.toString();
}

async function readScopeKey(query: (sql: string) => Promise<{ key: string }[]>): Promise<string> {
	const [row] = await query('select key from app_scope_keys');
	if (!row) throw new Error('app_scope_keys is empty: migrations did not run');
	return row.key;
}
