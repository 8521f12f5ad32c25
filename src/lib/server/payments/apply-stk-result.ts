/**
 * Applying an STK result (from a callback or an STK query) to the push it answers. A result may
 * come twice, late, or before the push's own answer told us its CheckoutRequestID; the money is
 * credited once, and a result that fits no push of ours is kept visible, never credited.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { payments, type MpesaSettings, type Payment } from '../db/schema';
import { parseStkCallback, type StkCallback } from '../mpesa/parse-callbacks';
import { isUuid } from '../../uuid';
import { ack, malformed, type Applied } from './callback-answers';
import {
	lockPayment,
	lockPaymentByCheckout,
	lockReference,
	paymentByReceipt,
	settleFailed,
	settleSucceeded
} from './settle';
import { settleIfPaybillCredited, settleWithPaybillReceipt } from './same-transaction';

export async function applyStk(
	tx: Tx,
	settings: MpesaSettings,
	body: unknown,
	hint: string | null
): Promise<Applied> {
	const parsed = parseStkCallback(body);
	if (!parsed.ok) return malformed(parsed.error.fieldErrors);
	const callback = parsed.value;
	const ref = callback.checkoutRequestId;
	await lockReference(tx, 'stk', ref);
	let payment = await lockPaymentByCheckout(tx, settings.tenantId, ref);
	if (!payment && hint && isUuid(hint)) {
		// The result beat the push's own answer to us: bind it to the payment the URL names.
		const candidate = await lockPayment(tx, hint, settings.tenantId);
		if (candidate && candidate.source === 'stk' && candidate.checkoutRequestId === null) {
			[payment] = await tx
				.update(payments)
				.set({ checkoutRequestId: ref, merchantRequestId: callback.merchantRequestId })
				.where(eq(payments.id, candidate.id))
				.returning();
		}
	}
	if (!payment) return flagUnknownStk(tx, settings, callback);
	return settleStk(tx, payment, callback);
}

/** Applies an STK result (from a callback or an STK query) to a locked payment. */
export async function settleStk(
	tx: Tx,
	payment: Payment,
	callback: Pick<StkCallback, 'resultCode' | 'resultDesc' | 'receipt' | 'amount' | 'phone'>
): Promise<Applied> {
	const ref = payment.checkoutRequestId ?? payment.id;
	if (callback.resultCode !== 0) {
		if (payment.status !== 'pending')
			return ack('duplicate', payment, `already ${payment.status}`, ref);
		await settleFailed(tx, payment, callback.resultCode, callback.resultDesc);
		return ack('applied', payment, null, ref);
	}
	if (
		payment.status === 'succeeded' ||
		payment.status === 'flagged' ||
		payment.status === 'unmatched'
	) {
		// Already paid (perhaps settled by an STK query, which carries no receipt): keep the receipt, credit nothing.
		if (
			!payment.receipt &&
			callback.receipt &&
			!(await paymentByReceipt(tx, payment.tenantId, callback.receipt))
		) {
			await tx
				.update(payments)
				.set({ receipt: callback.receipt })
				.where(eq(payments.id, payment.id));
		}
		return ack('duplicate', payment, `already ${payment.status}`, ref);
	}
	// Pending, or failed by the 10-minute rule and paid after all: the money moved, so it counts.
	if (callback.receipt) {
		const other = await paymentByReceipt(tx, payment.tenantId, callback.receipt);
		// Its paybill confirmation came first and credited this push's subscriber: credited once.
		const same =
			other && (callback.amount === undefined || callback.amount === payment.amountKes)
				? await settleWithPaybillReceipt(tx, payment, callback.receipt, callback.resultDesc)
				: null;
		if (same) return ack(same.outcome, same.payment, same.note, ref);
		if (other) {
			// The money is already in, on a payment that is not simply this push's (unassigned, another
			// subscriber's, another amount). This push is closed for the manager to look at: left pending,
			// the STK query would later settle it a second time, and its answer carries no receipt to tell.
			const note = `Receipt ${callback.receipt} is already recorded on another payment`;
			await tx
				.update(payments)
				.set({
					status: 'flagged',
					resultCode: 0,
					resultDesc: callback.resultDesc,
					note,
					settledAt: new Date(),
					nextQueryAt: null
				})
				.where(eq(payments.id, payment.id));
			return ack('duplicate', other, note, ref);
		}
	}
	if (callback.amount !== undefined && callback.amount !== payment.amountKes) {
		const note = `Paid KES ${callback.amount}, expected KES ${payment.amountKes}`;
		await tx
			.update(payments)
			.set({
				status: 'flagged',
				receipt: callback.receipt ?? null,
				resultCode: 0,
				resultDesc: callback.resultDesc,
				note,
				settledAt: new Date(),
				nextQueryAt: null
			})
			.where(eq(payments.id, payment.id));
		return ack('flagged', payment, note, ref);
	}
	if (!callback.receipt) {
		// Settled by the STK query: its paybill confirmation may have credited the money already.
		const same = await settleIfPaybillCredited(tx, payment, callback.resultDesc);
		if (same) return ack(same.outcome, same.payment, same.note, ref);
	}
	const settled = await settleSucceeded(tx, payment, {
		receipt: callback.receipt ?? null,
		amountKes: payment.amountKes,
		resultDesc: callback.resultDesc
	});
	return ack('applied', payment, null, ref, settled.renewedPackageId !== null);
}

async function flagUnknownStk(
	tx: Tx,
	settings: MpesaSettings,
	callback: StkCallback
): Promise<Applied> {
	const ref = callback.checkoutRequestId;
	const note = 'No STK push of ours has this CheckoutRequestID';
	if (callback.resultCode !== 0 || !callback.receipt) return ack('flagged', null, note, ref);
	// Money may have moved: keep it visible to the manager, once per receipt.
	const existing = await paymentByReceipt(tx, settings.tenantId, callback.receipt);
	if (existing)
		return ack('duplicate', existing, `receipt ${callback.receipt} already recorded`, ref);
	const [flagged] = await tx
		.insert(payments)
		.values({
			tenantId: settings.tenantId,
			source: 'stk',
			channel: 'pay',
			status: 'flagged',
			phone: callback.phone ?? 'unknown',
			amountKes: Math.max(1, Math.trunc(callback.amount ?? 1)),
			receipt: callback.receipt,
			merchantRequestId: callback.merchantRequestId,
			resultCode: 0,
			resultDesc: callback.resultDesc,
			note: `${note} (${ref})`,
			settledAt: new Date()
		})
		.returning();
	return ack('flagged', flagged!, note, ref);
}
