/**
 * The process's database as the configuration names it (the web server and `npm run worker` alike),
 * opened, migrated and set as current.
 */
import { config } from '../config';
import { openDatabase, type Database } from './client';
import { setDatabase } from './index';

export async function openConfiguredDatabase(poolSize?: number): Promise<Database> {
	const cfg = config();
	const db = await openDatabase({
		url: cfg.DATABASE_URL,
		appUrl: cfg.APP_DATABASE_URL,
		appPassword: cfg.APP_DATABASE_PASSWORD,
		dataDir: cfg.DATABASE_URL ? undefined : cfg.DATA_DIR,
		migrationsDir: cfg.MIGRATIONS_DIR,
		poolSize: poolSize ?? cfg.DB_POOL_SIZE
	});
	setDatabase(db);
	return db;
}
