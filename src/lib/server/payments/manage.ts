/**
 * What a manager does with money by hand: assign an unmatched paybill payment to its subscriber,
 * record a cash payment, reverse a credit. Each is audited and each is a ledger entry.
 */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db';
import { alias } from 'drizzle-orm/pg-core';
import { packages, payments, subscribers, type Payment, type PaymentStatus } from '../db/schema';
import { writeAudit, type AuditActor } from '../audit';
import { WalletError, buyPackage, creditWallet, reverseCredit } from '../billing/wallet';
import { creditAndBuy, lockPayment } from './settle';
import { notifyPayments } from '../push/notify';
import { cursorTime, olderThan, type PageCursor } from '../db/keyset';

export class PaymentActionFailed extends Error {
	constructor(
		readonly field: string,
		message: string
	) {
		super(message);
	}
}

/** Gives an unmatched payment to a subscriber: it is credited (and buys their package if it covers it). */
export async function assignUnmatched(
	tx: Tx,
	paymentId: string,
	subscriberId: string,
	actor: AuditActor
): Promise<Payment> {
	const payment = await lockPayment(tx, paymentId);
	if (!payment) throw new PaymentActionFailed('paymentId', 'No such payment');
	if (payment.status !== 'unmatched')
		throw new PaymentActionFailed('paymentId', 'This payment is not waiting to be assigned');
	const [subscriber] = await tx
		.select({
			id: subscribers.id,
			accountNumber: subscribers.accountNumber,
			name: subscribers.name
		})
		.from(subscribers)
		.where(and(eq(subscribers.id, subscriberId), eq(subscribers.tenantId, payment.tenantId)));
	if (!subscriber)
		throw new PaymentActionFailed('subscriberId', 'No such subscriber in this network');
	const [updated] = await tx
		.update(payments)
		.set({ status: 'succeeded', subscriberId: subscriber.id, note: `Assigned by ${actor.name}` })
		.where(eq(payments.id, payment.id))
		.returning();
	await creditAndBuy(tx, updated!, subscriber.id, actor.userId);
	await notifyPayments(tx, payment.tenantId, [
		{
			paymentId: payment.id,
			subscriberId: subscriber.id,
			amountKes: payment.amountKes,
			receipt: payment.receipt,
			via: 'mpesa'
		}
	]);
	await writeAudit(tx, {
		tenantId: payment.tenantId,
		actor,
		action: 'payment.assign',
		target: payment.id,
		detail: {
			receipt: payment.receipt,
			amountKes: payment.amountKes,
			subscriberId: subscriber.id,
			accountNumber: subscriber.accountNumber,
			billRef: payment.accountReference
		}
	});
	return updated!;
}

/**
 * Cash at the counter: a ledger credit, then the package if the balance covers it and one is asked
 * for. `receipt` is the number the customer was given (an agent's, agent-sync/cash.ts): the cash
 * entry's reference, unique in the tenant.
 */
export async function recordCashPayment(
	tx: Tx,
	input: {
		tenantId: string;
		subscriberId: string;
		amountKes: number;
		note: string;
		buyPackageId?: string | null;
		receipt?: string;
	},
	actor: AuditActor
): Promise<{ entryId: number; renewed: boolean }> {
	const entry = await creditWallet(tx, {
		subscriberId: input.subscriberId,
		kind: 'cash',
		amountKes: input.amountKes,
		reference: input.receipt,
		recordedBy: actor.userId,
		note: input.note || undefined
	});
	let renewed = false;
	if (input.buyPackageId !== undefined && input.buyPackageId !== null) {
		try {
			await buyPackage(tx, input.subscriberId, input.buyPackageId || undefined, actor.userId);
			renewed = true;
		} catch (error) {
			if (!(error instanceof WalletError && error.reason === 'insufficient')) throw error;
		}
	}
	await notifyPayments(tx, input.tenantId, [
		{
			paymentId: null,
			subscriberId: input.subscriberId,
			amountKes: input.amountKes,
			receipt: null,
			via: 'cash'
		}
	]);
	await writeAudit(tx, {
		tenantId: input.tenantId,
		actor,
		action: 'payment.cash',
		target: input.subscriberId,
		detail: {
			amountKes: input.amountKes,
			entryId: entry.id,
			note: input.note,
			renewed,
			...(input.receipt ? { receipt: input.receipt } : {})
		}
	});
	return { entryId: entry.id, renewed };
}

export async function reverseLedgerCredit(
	tx: Tx,
	input: { tenantId: string; entryId: number; note: string },
	actor: AuditActor
): Promise<number> {
	const entry = await reverseCredit(tx, input.entryId, actor.userId, input.note);
	await writeAudit(tx, {
		tenantId: input.tenantId,
		actor,
		action: 'payment.reverse',
		target: entry.subscriberId,
		detail: { reversedEntryId: input.entryId, amountKes: -entry.amountKes, note: input.note }
	});
	return entry.id;
}

export interface PaymentListFilter {
	status?: PaymentStatus | null;
	subscriberId?: string | null;
	/** Keyset: the last row of the previous page. */
	before?: PageCursor | null;
	limit?: number;
}

export interface PaymentRow extends Payment {
	subscriberName: string | null;
	subscriberAccount: string | null;
	/** The package the payment bought, and the subscriber's plan now: to say what became of the money. */
	boughtPackageName: string | null;
	planName: string | null;
	planPriceKes: number | null;
	/** The row's place in the list, for the next page's cursor (see page-cursor). */
	cursorAt: string;
}

const bought = alias(packages, 'bought');
const plan = alias(packages, 'plan');

/** Newest first, with the subscriber's name; one page. */
export async function listPayments(
	tx: Tx,
	tenantId: string,
	filter: PaymentListFilter = {}
): Promise<PaymentRow[]> {
	const conditions: SQL[] = [eq(payments.tenantId, tenantId)];
	if (filter.status) conditions.push(eq(payments.status, filter.status));
	if (filter.subscriberId) conditions.push(eq(payments.subscriberId, filter.subscriberId));
	if (filter.before) conditions.push(olderThan(payments.createdAt, payments.id, filter.before));
	const rows = await tx
		.select({
			payment: payments,
			subscriberName: subscribers.name,
			subscriberAccount: subscribers.accountNumber,
			boughtPackageName: bought.name,
			planName: plan.name,
			planPriceKes: plan.priceKes,
			cursorAt: cursorTime(payments.createdAt)
		})
		.from(payments)
		.leftJoin(subscribers, eq(subscribers.id, payments.subscriberId))
		.leftJoin(bought, eq(bought.id, payments.boughtPackageId))
		.leftJoin(
			plan,
			eq(plan.id, sql`coalesce(${subscribers.planPackageId}, ${subscribers.packageId})`)
		)
		.where(and(...conditions))
		.orderBy(desc(payments.createdAt), desc(payments.id))
		.limit(filter.limit ?? 30);
	return rows.map(({ payment, ...named }) => ({ ...payment, ...named }));
}

/** How many payments wait for a manager: pending pushes, failed today, unmatched and flagged. */
export async function paymentCounts(
	tx: Tx,
	tenantId: string
): Promise<Record<PaymentStatus, number>> {
	const rows = await tx
		.select({ status: payments.status, n: sql<number>`count(*)::int` })
		.from(payments)
		.where(
			and(
				eq(payments.tenantId, tenantId),
				inArray(payments.status, ['pending', 'unmatched', 'flagged', 'failed'])
			)
		)
		.groupBy(payments.status);
	const counts = {
		pending: 0,
		succeeded: 0,
		failed: 0,
		unmatched: 0,
		flagged: 0,
		duplicate: 0
	} as Record<PaymentStatus, number>;
	for (const row of rows) counts[row.status] = row.n;
	return counts;
}
