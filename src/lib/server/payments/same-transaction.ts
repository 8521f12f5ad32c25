/**
 * One M-Pesa transaction, reported two ways. A push to a paybill is also confirmed to the
 * paybill's C2B confirmation URL (with its TransID, which is the receipt). When the push's own
 * callback is lost, the STK query settles the push, but its answer has no receipt and no amount:
 * nothing ties that settlement to the confirmation, and both would be credited.
 *
 * So a receipt-less settlement and a paybill confirmation are matched: same tenant, same subscriber,
 * same amount, same payer phone, within a window (MPESA_SAME_TRANSACTION_MINUTES) of the push.
 * One candidate: credited once, the push keeps the receipt. Several: nobody can tell which, so the
 * newcomer is flagged for a manager and credits nothing. Whichever report comes second waits for
 * the first on a per-subscriber lock, so two reports arriving together cannot both miss each other.
 * The ledger is never touched here except through the normal credit: entries are only added.
 */
import { createHash } from 'node:crypto';
import { and, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { payments, type Payment } from '../db/schema';
import { config } from '../config';

/** Paybill confirmations arrive seconds after the payment, and never before the push was made; some slack for clocks. */
const SLACK_MS = 60_000;

function windowMs(): number {
	return config().MPESA_SAME_TRANSACTION_MINUTES * 60_000;
}

/**
 * Held until the transaction ends by whoever settles a receipt-less push or records a paybill
 * payment for this subscriber: the second one then sees what the first committed.
 */
export async function lockPayerMatching(tx: Tx, subscriberId: string): Promise<void> {
	await tx.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`same-transaction:${subscriberId}`}, 0))`
	);
}

/**
 * Is the phone a push went to the phone a paybill confirmation reports? Safaricom may send the
 * MSISDN plainly, masked (`2547******149`) or as a SHA-256 hash of the number.
 */
export function samePayer(pushPhone: string, reported: string): boolean {
	if (pushPhone === reported) return true;
	if (/^[0-9a-f]{64}$/i.test(reported))
		return createHash('sha256').update(pushPhone).digest('hex') === reported.toLowerCase();
	const masked = reported.replace(/\s+/g, '');
	if (masked.length !== pushPhone.length || !/^[0-9*xX]+$/.test(masked) || !/[*xX]/.test(masked))
		return false;
	const shown = [...masked].filter((c) => /\d/.test(c)).length;
	// A mask that hides almost everything says nothing.
	return shown >= 6 && [...masked].every((c, i) => !/\d/.test(c) || c === pushPhone[i]);
}

export type SameTransaction<T> =
	{ kind: 'none' } | { kind: 'one'; payment: T } | { kind: 'several'; payments: T[] };

function verdict<T>(found: T[]): SameTransaction<T> {
	if (found.length === 0) return { kind: 'none' };
	if (found.length === 1) return { kind: 'one', payment: found[0]! };
	return { kind: 'several', payments: found };
}

/**
 * A paybill confirmation arrives: pushes of this subscriber settled by the STK query (succeeded,
 * no receipt) for the same amount, from the same phone, made within the window before it.
 * Call with lockPayerMatching held.
 */
export async function pushesSettledByQuery(
	tx: Tx,
	tenantId: string,
	subscriberId: string,
	paid: { amountKes: number; phone: string; at: Date }
): Promise<SameTransaction<Payment>> {
	const rows = await tx
		.select()
		.from(payments)
		.where(
			and(
				eq(payments.tenantId, tenantId),
				eq(payments.subscriberId, subscriberId),
				eq(payments.source, 'stk'),
				eq(payments.status, 'succeeded'),
				isNull(payments.receipt),
				eq(payments.amountKes, paid.amountKes),
				gte(payments.createdAt, new Date(paid.at.getTime() - windowMs())),
				lte(payments.createdAt, new Date(paid.at.getTime() + SLACK_MS))
			)
		)
		.for('update');
	return verdict(rows.filter((p) => samePayer(p.phone, paid.phone)));
}

/**
 * The STK query settles a push: paybill payments credited to its subscriber for the same amount,
 * from the same phone, within the window after the push, not already matched to another push.
 * Call with lockPayerMatching held.
 */
export async function paybillPaymentsForPush(
	tx: Tx,
	push: Payment
): Promise<SameTransaction<Payment>> {
	if (!push.subscriberId) return { kind: 'none' };
	const rows = await tx
		.select()
		.from(payments)
		.where(
			and(
				eq(payments.tenantId, push.tenantId),
				eq(payments.subscriberId, push.subscriberId),
				eq(payments.source, 'c2b'),
				eq(payments.status, 'succeeded'),
				eq(payments.amountKes, push.amountKes),
				gte(payments.createdAt, new Date(push.createdAt.getTime() - SLACK_MS)),
				lte(payments.createdAt, new Date(push.createdAt.getTime() + windowMs()))
			)
		)
		.for('update');
	return verdict(rows.filter((c) => samePayer(push.phone, c.phone)));
}

/**
 * The query says the push was paid and the paybill confirmation already credited that money: the
 * push is marked paid with the confirmation's receipt and credits nothing; the confirmation stays
 * as the record of the credit, marked a duplicate of the push (its ledger entry names the receipt).
 */
export async function settlePushCreditedByPaybill(
	tx: Tx,
	push: Payment,
	paybill: Payment,
	resultDesc: string
): Promise<Payment> {
	const receipt = paybill.receipt!;
	await tx
		.update(payments)
		.set({
			status: 'duplicate',
			receipt: null,
			duplicateOf: push.id,
			note: `Paybill confirmation ${receipt} of an M-Pesa prompt; credited once, through the prompt`
		})
		.where(eq(payments.id, paybill.id));
	const [updated] = await tx
		.update(payments)
		.set({
			status: 'succeeded',
			receipt,
			resultCode: 0,
			resultDesc,
			payerName: push.payerName ?? paybill.payerName,
			note: `Credited by the paybill confirmation ${receipt} (the same transaction)`,
			settledAt: new Date(),
			nextQueryAt: null
		})
		.where(eq(payments.id, push.id))
		.returning();
	return updated!;
}

/** The paybill confirmation of a push the query already settled and credited: the push gets its receipt. */
export async function attachPaybillReceipt(
	tx: Tx,
	push: Payment,
	paybill: { receipt: string; payerName: string | null }
): Promise<void> {
	await tx
		.update(payments)
		.set({ receipt: paybill.receipt, payerName: push.payerName ?? paybill.payerName })
		.where(eq(payments.id, push.id));
}

export function ambiguousNote(kind: 'pushes' | 'paybill', count: number): string {
	return kind === 'pushes'
		? `May be the same M-Pesa transaction as ${count} prompts already paid (same phone, amount and time); not credited, check before crediting`
		: `May be the same M-Pesa transaction as ${count} paybill payments already credited (same phone, amount and time); not credited, check before crediting`;
}

type Matched = { outcome: 'applied' | 'duplicate' | 'flagged'; payment: Payment; note: string };

/**
 * The STK query says a push was paid (no receipt): settles it here if a paybill confirmation of
 * the same transaction already credited the money, or flags it if several could be; null if none
 * did, and the caller credits it as usual (with the lock still held, so a confirmation arriving
 * meanwhile waits and then finds this push).
 */
export async function settleIfPaybillCredited(
	tx: Tx,
	push: Payment,
	resultDesc: string
): Promise<Matched | null> {
	if (!push.subscriberId) return null;
	await lockPayerMatching(tx, push.subscriberId);
	const same = await paybillPaymentsForPush(tx, push);
	if (same.kind === 'none') return null;
	if (same.kind === 'one') {
		const settled = await settlePushCreditedByPaybill(tx, push, same.payment, resultDesc);
		return { outcome: 'applied', payment: settled, note: settled.note! };
	}
	const note = ambiguousNote('paybill', same.payments.length);
	const [flagged] = await tx
		.update(payments)
		.set({
			status: 'flagged',
			resultCode: 0,
			resultDesc,
			note,
			settledAt: new Date(),
			nextQueryAt: null
		})
		.where(eq(payments.id, push.id))
		.returning();
	return { outcome: 'flagged', payment: flagged!, note };
}

/**
 * A paybill confirmation for a known subscriber: if it is the confirmation of a push the STK query
 * already settled and credited, the push gets its receipt and nothing is credited (no second row:
 * the receipt on the push makes a repeat of this confirmation a duplicate); if several pushes could
 * be it, it is kept flagged, uncredited. Null if none, and the caller credits it as usual.
 */
export async function recordIfPushCredited(
	tx: Tx,
	subscriberId: string,
	paid: Omit<typeof payments.$inferInsert, 'status'> & { receipt: string; createdAt: Date }
): Promise<Matched | null> {
	await lockPayerMatching(tx, subscriberId);
	const same = await pushesSettledByQuery(tx, paid.tenantId, subscriberId, {
		amountKes: paid.amountKes,
		phone: paid.phone,
		at: paid.createdAt
	});
	if (same.kind === 'none') return null;
	if (same.kind === 'one') {
		await attachPaybillReceipt(tx, same.payment, {
			receipt: paid.receipt,
			payerName: paid.payerName ?? null
		});
		return {
			outcome: 'duplicate',
			payment: same.payment,
			note: `The paybill confirmation of a prompt already credited; receipt ${paid.receipt} attached to it`
		};
	}
	const note = ambiguousNote('pushes', same.payments.length);
	const [flagged] = await tx
		.insert(payments)
		.values({ ...paid, subscriberId, status: 'flagged', note, settledAt: new Date() })
		.returning();
	return { outcome: 'flagged', payment: flagged!, note };
}

/**
 * A push's own callback carries a receipt that a paybill confirmation already credited (the usual
 * order for a push to a paybill: the confirmation often comes first). Same receipt, same
 * transaction: if that confirmation credited this push's subscriber with this push's amount, the push
 * is marked paid with the receipt, credits nothing, and the confirmation becomes its duplicate.
 * Null otherwise (another subscriber's or an unassigned payment): the caller flags the push.
 */
export async function settleWithPaybillReceipt(
	tx: Tx,
	push: Payment,
	receipt: string,
	resultDesc: string
): Promise<Matched | null> {
	if (!push.subscriberId) return null;
	await lockPayerMatching(tx, push.subscriberId);
	const [paybill] = await tx
		.select()
		.from(payments)
		.where(and(eq(payments.tenantId, push.tenantId), eq(payments.receipt, receipt)))
		.for('update');
	if (
		!paybill ||
		paybill.source !== 'c2b' ||
		paybill.status !== 'succeeded' ||
		paybill.subscriberId !== push.subscriberId ||
		paybill.amountKes !== push.amountKes
	)
		return null;
	const settled = await settlePushCreditedByPaybill(tx, push, paybill, resultDesc);
	return { outcome: 'duplicate', payment: settled, note: settled.note! };
}
