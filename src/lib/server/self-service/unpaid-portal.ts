/**
 * The captive portal makes a hotspot subscriber for a phone before its first payment (the prompt
 * needs an account to pay for), with no router user until that payment succeeds. Anyone can type
 * any phone, so the ones never paid for are removed: half an hour after they were made, on a sweep
 * every five minutes, well within the hour.
 *
 * Removed: a pending hotspot subscriber no staff member registered, with no expiry, no wallet
 * entry, and payments that are all failed portal prompts. A prompt still pending, a payment that
 * succeeded or is being checked, or any other channel keeps the subscriber. The failed payments
 * stay on record, no longer tied to the removed account.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { payments, subscribers } from '../db/schema';
import { deleteSubscriber } from '../network/subscribers';
import { PLATFORM_TENANT_ID } from '../tenants/root';

export const UNPAID_PORTAL_GRACE_MS = 30 * 60_000;
export const UNPAID_PORTAL_SWEEP_EVERY_MS = 5 * 60_000;

function neverPaidPortalCustomer(cutoff: Date) {
	return and(
		eq(subscribers.status, 'pending'),
		eq(subscribers.kind, 'hotspot'),
		isNull(subscribers.registeredBy),
		isNull(subscribers.expiresAt),
		lt(subscribers.createdAt, cutoff),
		sql`exists (select 1 from payments p where p.subscriber_id = ${subscribers.id} and p.channel = 'portal')`,
		sql`not exists (select 1 from payments p where p.subscriber_id = ${subscribers.id} and not (p.channel = 'portal' and p.status = 'failed'))`,
		sql`not exists (select 1 from ledger_entries l where l.subscriber_id = ${subscribers.id})`
	);
}

/** Removes one if it still qualifies, in its tenant's scope; true when removed. */
async function removeIfUnpaid(
	tx: Tx,
	candidate: { tenantId: string; id: string; phone: string },
	cutoff: Date
): Promise<boolean> {
	// The lock portalCustomer takes for this phone: a purchase starting now finds it or makes a new one.
	await tx.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`portal:${candidate.tenantId}:${candidate.phone}`}, 0))`
	);
	const [still] = await tx
		.select({ id: subscribers.id })
		.from(subscribers)
		.where(and(eq(subscribers.id, candidate.id), neverPaidPortalCustomer(cutoff)))
		.for('update');
	if (!still) return false;
	await tx
		.update(payments)
		.set({ subscriberId: null })
		.where(eq(payments.subscriberId, candidate.id));
	// Queues the router's removal too, for a user an older version put there before payment.
	return Boolean(await deleteSubscriber(tx, candidate.id));
}

/** One sweep over every tenant; how many were removed. */
export async function removeUnpaidPortalCustomers(now = new Date(), limit = 500): Promise<number> {
	const cutoff = new Date(now.getTime() - UNPAID_PORTAL_GRACE_MS);
	const candidates = await withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx
			.select({ tenantId: subscribers.tenantId, id: subscribers.id, phone: subscribers.phone })
			.from(subscribers)
			.where(neverPaidPortalCustomer(cutoff))
			.limit(limit)
	);
	let removed = 0;
	for (const candidate of candidates) {
		if (await withTenant(candidate.tenantId, (tx) => removeIfUnpaid(tx, candidate, cutoff)))
			removed++;
	}
	return removed;
}

/** The background sweep (startup.ts, beside the worker); returns the function that stops it. */
export function sweepUnpaidPortalCustomersEvery(
	everyMs = UNPAID_PORTAL_SWEEP_EVERY_MS,
	log: (line: string) => void = console.warn
): () => void {
	let running = false;
	const timer = setInterval(() => {
		if (running) return;
		running = true;
		removeUnpaidPortalCustomers()
			.then((removed) => {
				if (removed > 0) log(`[portal] removed ${removed} hotspot account(s) never paid for`);
			})
			.catch((error: { code?: string; name?: string }) =>
				log(`[portal] removing unpaid accounts failed (${error?.code ?? error?.name ?? 'error'})`)
			) // no message: it may carry a query's phone numbers
			.finally(() => (running = false));
	}, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
