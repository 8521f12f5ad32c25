/**
 * A provisioning worker on its own, without the web server: `npm run worker`.
 * Any number may run beside the app processes; the job claim keeps them from applying a job twice.
 * Reads the same configuration as the app (DATABASE_URL or DATA_DIR, SECRET_KEY…).
 * PROVISIONING_LEASE_MS, PROVISIONING_BASE_MS and PROVISIONING_CAP_MS tune retries (tests shorten them).
 */
import { openConfiguredDatabase } from '../src/lib/server/db/configured';
import { ProvisioningWorker } from '../src/lib/server/network/worker';
import { closeAllRouterConnections } from '../src/lib/server/network/routeros/client';
import { sweepUnpaidPortalCustomersEvery } from '../src/lib/server/self-service/unpaid-portal';

const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const db = await openConfiguredDatabase(4);

const retry = Object.fromEntries(
	Object.entries({
		leaseMs: number('PROVISIONING_LEASE_MS'),
		baseMs: number('PROVISIONING_BASE_MS'),
		capMs: number('PROVISIONING_CAP_MS')
	}).filter(([, v]) => v !== undefined)
);
const worker = new ProvisioningWorker({
	retry,
	idleMs: number('PROVISIONING_IDLE_MS'),
	log: (line) => console.log(line)
});
worker.start();
// Also here, for deployments whose web processes run no worker (PROVISIONING_WORKER=off).
const stopSweep = sweepUnpaidPortalCustomersEvery(undefined, (line) => console.log(line));
console.log(`provisioning worker ${worker.id} running`);

const stop = async () => {
	stopSweep();
	await worker.stop();
	await closeAllRouterConnections();
	await db.close();
	process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
