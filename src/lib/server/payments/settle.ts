/**
 * Turning a payment's outcome into money: one place that marks a payment paid, credits the wallet
 * and buys the chosen (or current) package when the balance covers it. Callers hold the payment row
 * lock (`lockPayment*`) and run inside the transaction that also records the callback, so a payment
 * is credited once however many times, and in whatever order, Safaricom tells us about it.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { payments, type Payment } from '../db/schema';
import { WalletError, buyPackage, creditWallet, walletBalance } from '../billing/wallet';
import { notifyPayments } from '../push/notify';

/** Serialises everything that concerns one CheckoutRequestID or TransID, even before a row exists. */
export async function lockReference(tx: Tx, kind: 'stk' | 'c2b', reference: string): Promise<void> {
	await tx.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`${kind}:${reference}`}, 0))`
	);
}

/**
 * The tenant's own payment with this CheckoutRequestID. Named explicitly: a scope also sees its
 * sub-tenants' rows, and a callback to a reseller's URL must not settle its sub-tenant's push.
 */
export async function lockPaymentByCheckout(
	tx: Tx,
	tenantId: string,
	checkoutRequestId: string
): Promise<Payment | undefined> {
	const [row] = await tx
		.select()
		.from(payments)
		.where(and(eq(payments.checkoutRequestId, checkoutRequestId), eq(payments.tenantId, tenantId)))
		.for('update');
	return row;
}

/** A payment the scope sees; with `tenantId`, only that tenant's own (see lockPaymentByCheckout). */
export async function lockPayment(
	tx: Tx,
	id: string,
	tenantId?: string
): Promise<Payment | undefined> {
	const [row] = await tx
		.select()
		.from(payments)
		.where(and(eq(payments.id, id), tenantId ? eq(payments.tenantId, tenantId) : undefined))
		.for('update');
	return row;
}

export async function paymentByReceipt(
	tx: Tx,
	tenantId: string,
	receipt: string
): Promise<Payment | undefined> {
	const [row] = await tx
		.select()
		.from(payments)
		.where(and(eq(payments.tenantId, tenantId), eq(payments.receipt, receipt)));
	return row;
}

export interface Settled {
	payment: Payment;
	/** The package bought from the wallet, if the balance covered it. */
	renewedPackageId: string | null;
	/** The subscriber's new expiry, if renewed. */
	expiresAt: Date | null;
}

/**
 * Marks a payment succeeded and credits it: the wallet gets the amount, then buys the chosen package
 * (or the current one) if the balance covers it, which renews and queues the router job.
 * A payment without a subscriber (a paybill payment nobody claims yet) becomes `unmatched` instead.
 */
export async function settleSucceeded(
	tx: Tx,
	payment: Payment,
	paid: {
		receipt: string | null;
		amountKes: number;
		resultDesc?: string;
		payerName?: string | null;
		subscriberId?: string | null;
		note?: string | null;
	}
): Promise<Settled> {
	const subscriberId = paid.subscriberId ?? payment.subscriberId;
	const [updated] = await tx
		.update(payments)
		.set({
			status: subscriberId ? 'succeeded' : 'unmatched',
			subscriberId,
			receipt: paid.receipt ?? payment.receipt,
			amountKes: paid.amountKes,
			resultCode: 0,
			resultDesc: paid.resultDesc ?? payment.resultDesc,
			payerName: paid.payerName ?? payment.payerName,
			note: paid.note ?? null,
			settledAt: new Date(),
			nextQueryAt: null
		})
		.where(eq(payments.id, payment.id))
		.returning();
	// Told after the commit, queued now: a settlement that rolls back tells nobody.
	await notifyPayments(tx, updated!.tenantId, [
		{
			paymentId: updated!.id,
			subscriberId,
			amountKes: updated!.amountKes,
			receipt: updated!.receipt,
			via: 'mpesa',
			account: updated!.accountReference
		}
	]);
	if (!subscriberId) return { payment: updated!, renewedPackageId: null, expiresAt: null };
	return { payment: updated!, ...(await creditAndBuy(tx, updated!, subscriberId)) };
}

/**
 * The ledger half of a settlement: credit, then buy the package the payment chose (or the plan) if
 * the balance covers it. What it bought and the balance left are kept on the payment, so the pages
 * can say what became of an amount that matched no price (see paymentWalletNote).
 */
export async function creditAndBuy(
	tx: Tx,
	payment: Payment,
	subscriberId: string,
	recordedBy: string | null = null
): Promise<{ renewedPackageId: string | null; expiresAt: Date | null }> {
	await creditWallet(tx, {
		subscriberId,
		kind: 'payment',
		amountKes: payment.amountKes,
		reference: payment.receipt ?? payment.checkoutRequestId ?? `payment:${payment.id}`,
		recordedBy
	});
	let outcome: {
		renewedPackageId: string | null;
		expiresAt: Date | null;
		priceKes: number | null;
	} = { renewedPackageId: null, expiresAt: null, priceKes: null };
	try {
		const { entry, subscriber } = await buyPackage(
			tx,
			subscriberId,
			payment.packageId ?? undefined,
			recordedBy
		);
		outcome = {
			renewedPackageId: entry.packageId,
			expiresAt: subscriber.expiresAt,
			priceKes: -entry.amountKes
		};
	} catch (error) {
		// Not enough for the package (a part payment), or no package yet: the money waits in the wallet.
		if (!(
			error instanceof WalletError &&
			(error.reason === 'insufficient' || error.reason === 'package-unavailable')
		))
			throw error;
	}
	await tx
		.update(payments)
		.set({
			boughtPackageId: outcome.renewedPackageId,
			boughtPriceKes: outcome.priceKes,
			walletAfterKes: await walletBalance(tx, subscriberId)
		})
		.where(eq(payments.id, payment.id));
	return { renewedPackageId: outcome.renewedPackageId, expiresAt: outcome.expiresAt };
}

export async function settleFailed(
	tx: Tx,
	payment: Payment,
	resultCode: number,
	resultDesc: string
): Promise<Payment> {
	const [updated] = await tx
		.update(payments)
		.set({ status: 'failed', resultCode, resultDesc, settledAt: new Date(), nextQueryAt: null })
		.where(eq(payments.id, payment.id))
		.returning();
	return updated!;
}
