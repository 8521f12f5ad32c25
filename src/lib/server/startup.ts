/**
 * Start-up, once per process: open (and migrate) the database, then seed the demo on first run.
 */
import { callbackBase, config } from './config';
import type { Database } from './db';
import { openConfiguredDatabase } from './db/configured';
import { registerDemoPaybills, seedDemoIfEmpty } from './demo/seed';
import { PaymentReconciler } from './payments/reconciler';
import { ProvisioningWorker } from './network/worker';
import { closeAllRouterConnections } from './network/routeros/client';
import { sweepRateLimitsEvery } from './security/rate-limit';

let started: Promise<Database> | undefined;
let worker: ProvisioningWorker | undefined;
let reconciler: PaymentReconciler | undefined;
let stopSweeping: (() => void) | undefined;

/** The worker in this process, if it runs one; poke it after queueing a job to skip the idle wait. */
export function provisioningWorker(): ProvisioningWorker | undefined {
	return worker;
}

async function shutdown(db: Database): Promise<void> {
	await worker?.stop();
	await reconciler?.stop();
	stopSweeping?.();
	await closeAllRouterConnections();
	await db.close();
	// The demo simulators' pipes would keep the process alive; nothing is left to finish.
	process.exit(0);
}

export function startApp(): Promise<Database> {
	started ??= (async () => {
		const cfg = config();
		const db = await openConfiguredDatabase();
		console.log(`Database: ${db.kind === 'pglite' ? `PGlite in ${cfg.DATA_DIR}` : 'PostgreSQL'}`);
		if (cfg.SEED_DEMO !== 'no') await seedDemoIfEmpty();
		if (cfg.PROVISIONING_WORKER === 'on') {
			worker = new ProvisioningWorker();
			worker.start();
			reconciler = new PaymentReconciler(15_000, () => worker?.poke());
			reconciler.start();
			stopSweeping = sweepRateLimitsEvery();
		}
		if (cfg.SEED_DEMO !== 'no') void registerDemoPaybills(callbackBase());
		// adapter-node emits this once it has stopped taking requests; then let go of everything.
		process.once('sveltekit:shutdown' as 'beforeExit', () => void shutdown(db));
		return db;
	})();
	return started;
}
