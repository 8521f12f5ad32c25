/**
 * Start-up, once per process: refuse a production start that is not safe, open (and migrate) the
 * database, then, in demo mode only, seed the demo on first run.
 */
import {
	config,
	environmentStartRefusal,
	InvalidConfiguration,
	listenOnLoopbackInDemo,
	publicUrl
} from './config';
import { REFUSAL_PREFIX } from './modes.js';
import { accountsAcceptingDemoPassword } from './auth/demo-password';
import { loginKey } from './auth/login';
import { DEMO_LOGINS } from './demo/logins.js';
import type { Database } from './db';
import { openConfiguredDatabase } from './db/configured';
import { registerDemoPaybills, seedDemoIfEmpty } from './demo/seed';
import { PaymentReconciler } from './payments/reconciler';
import { sourcesWarning } from './security/safaricom-sources';
import { secretKeyWarning } from './security/secrets';
import { ProvisioningWorker } from './network/worker';
import { PushSender } from './push/sender';
import { vapidKeys } from './push/vapid';
import { closeAllRouterConnections } from './network/routeros/client';
import { sweepRateLimitsEvery } from './security/rate-limit';
import { sweepUnpaidPortalCustomersEvery } from './self-service/unpaid-portal';

/** Logins printed in the README: naming them in a log tells nobody anything new. */
const PUBLIC_LOGINS = new Set(DEMO_LOGINS.map(({ login }) => loginKey(login)));

let started: Promise<Database> | undefined;
let worker: ProvisioningWorker | undefined;
let reconciler: PaymentReconciler | undefined;
let pushSender: PushSender | undefined;
let stopSweeping: (() => void) | undefined;

async function shutdown(db: Database): Promise<void> {
	await worker?.stop();
	await reconciler?.stop();
	await pushSender?.stop();
	stopSweeping?.();
	await closeAllRouterConnections();
	await db.close();
	// The demo simulators' pipes would keep the process alive; nothing is left to finish.
	process.exit(0);
}

/** Start-up will not go on; the message is the one line the operator reads. */
export class StartRefused extends Error {}

/** The operator gets one line saying what to fix, not a stack, and a non-zero exit. */
function refuse(reason: string): never {
	console.error(`${REFUSAL_PREFIX} ${reason}`);
	process.exit(1);
}

export function startApp(): Promise<Database> {
	started ??= openAndSeed().catch((error: unknown) => {
		if (error instanceof StartRefused || error instanceof InvalidConfiguration)
			refuse(error.message);
		throw error;
	});
	return started;
}

async function openAndSeed(): Promise<Database> {
	const cfg = config();
	const refusal = environmentStartRefusal();
	if (refusal) throw new StartRefused(refusal);
	listenOnLoopbackInDemo();
	const db = await openConfiguredDatabase();
	console.log(
		`Database: ${db.kind === 'pglite' ? `PGlite in ${cfg.DATA_DIR}` : 'PostgreSQL'}; ${cfg.mode} mode`
	);
	for (const warning of [sourcesWarning(), secretKeyWarning(cfg.mode)])
		if (warning) console.warn(warning);
	if (cfg.mode === 'production') {
		const open = await accountsAcceptingDemoPassword();
		if (open.length > 0) {
			await db.close();
			// Only logins already public (the demo's) are named: the log is no place for staff phones.
			const named = open.filter((login) => PUBLIC_LOGINS.has(login)).slice(0, 3);
			throw new StartRefused(
				`${open.length} account(s) still accept the demo password${named.length ? ` (${named.join(', ')}${open.length > named.length ? ', …' : ''})` : ''}; ` +
					'give each a new one with npm run admin -- reset-password --email … (or --phone …)'
			);
		}
	}
	if (cfg.demo && cfg.SEED_DEMO !== 'no') await seedDemoIfEmpty();
	// Made (and kept) at the first start, so browsers subscribe to the same key ever after.
	await vapidKeys();
	if (cfg.PROVISIONING_WORKER === 'on') {
		worker = new ProvisioningWorker();
		worker.start();
		reconciler = new PaymentReconciler(15_000);
		reconciler.start();
		pushSender = new PushSender();
		pushSender.start();
		const sweeps = [sweepRateLimitsEvery(), sweepUnpaidPortalCustomersEvery()];
		stopSweeping = () => sweeps.forEach((stop) => stop());
	}
	if (cfg.demo && cfg.SEED_DEMO !== 'no') void registerDemoPaybills(publicUrl());
	// adapter-node emits this once it has stopped taking requests; then let go of everything.
	process.once('sveltekit:shutdown' as 'beforeExit', () => void shutdown(db));
	return db;
}
