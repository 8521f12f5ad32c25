/**
 * Start-up, once per process: open (and migrate) the database, then seed the demo on first run.
 */
import { config } from './config';
import { openDatabase, setDatabase, type Database } from './db';
import { seedDemoIfEmpty } from './demo/seed';

let started: Promise<Database> | undefined;

export function startApp(): Promise<Database> {
	started ??= (async () => {
		const cfg = config();
		const db = await openDatabase({
			url: cfg.DATABASE_URL,
			appUrl: cfg.APP_DATABASE_URL,
			appPassword: cfg.APP_DATABASE_PASSWORD,
			dataDir: cfg.DATABASE_URL ? undefined : cfg.DATA_DIR,
			migrationsDir: cfg.MIGRATIONS_DIR,
			poolSize: cfg.DB_POOL_SIZE
		});
		setDatabase(db);
		console.log(`Database: ${db.kind === 'pglite' ? `PGlite in ${cfg.DATA_DIR}` : 'PostgreSQL'}`);
		if (cfg.SEED_DEMO !== 'no') await seedDemoIfEmpty();
		return db;
	})();
	return started;
}
