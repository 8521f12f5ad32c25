/**
 * A payment as the page that started it shows it: the outcome, the M-Pesa receipt and the new
 * expiry, or why it failed. The payment id in the address is the only key, so nothing here names
 * the subscriber or the phone beyond its last digits, and the receipt and expiry go an hour after.
 */
import { and, eq } from 'drizzle-orm';
import { withTenant } from '../db';
import {
	packages,
	payments,
	subscribers,
	type Payment,
	type PaymentChannel,
	type Subscriber
} from '../db/schema';
import {
	problemForResultCode,
	type PublicPaymentState,
	type PublicStatus
} from '../../payments/problems';

export type { PublicPaymentState, PublicStatus } from '../../payments/problems';

export interface PublicPayment {
	state: PublicPaymentState;
	payment: Payment;
	subscriber: Subscriber | null;
}

/**
 * How long after it settled a payment's page still shows the receipt, the new expiry and (on the
 * portal) the hotspot login. The address lives on in the browser's history of a shared phone or a
 * cyber café's computer; by then the customer has what they needed.
 */
export const DETAILS_SHOWN_MS = 60 * 60_000;

/** Whether the page for this payment may still show what it bought (see DETAILS_SHOWN_MS). */
export function detailsShown(
	payment: Pick<Payment, 'settledAt' | 'createdAt'>,
	now = new Date()
): boolean {
	return now.getTime() - (payment.settledAt ?? payment.createdAt).getTime() <= DETAILS_SHOWN_MS;
}

export function publicState(
	payment: Payment,
	subscriber: Subscriber | null,
	packageName: string | null,
	now = new Date()
): PublicPaymentState {
	// flagged: paid, but not as asked (another amount); unmatched cannot come from a push. A person looks at both.
	const status: PublicStatus =
		payment.status === 'pending'
			? 'pending'
			: payment.status === 'succeeded'
				? 'succeeded'
				: payment.status === 'failed'
					? 'failed'
					: 'review';
	const shown = detailsShown(payment, now);
	return {
		status,
		reason: status === 'failed' ? problemForResultCode(payment.resultCode) : null,
		receipt: shown && (status === 'succeeded' || status === 'review') ? payment.receipt : null,
		expiresAt:
			shown && status === 'succeeded' && subscriber?.expiresAt
				? subscriber.expiresAt.toISOString()
				: null,
		detailsHidden: !shown,
		amountKes: payment.amountKes,
		packageName,
		phoneEnding: payment.phone.slice(-3)
	};
}

/** The payment if it belongs to this tenant (not a sub-tenant) and was started on this kind of page. */
export async function readPublicPayment(
	tenantId: string,
	paymentId: string,
	channel: Extract<PaymentChannel, 'pay' | 'portal'>
): Promise<PublicPayment | null> {
	return withTenant(tenantId, async (tx) => {
		const [payment] = await tx
			.select()
			.from(payments)
			.where(
				and(
					eq(payments.id, paymentId),
					eq(payments.tenantId, tenantId),
					eq(payments.channel, channel),
					eq(payments.source, 'stk')
				)
			);
		if (!payment) return null;
		const [subscriber] = payment.subscriberId
			? await tx.select().from(subscribers).where(eq(subscribers.id, payment.subscriberId))
			: [];
		const [pkg] = payment.packageId
			? await tx
					.select({ name: packages.name })
					.from(packages)
					.where(eq(packages.id, payment.packageId))
			: [];
		return {
			payment,
			subscriber: subscriber ?? null,
			state: publicState(payment, subscriber ?? null, pkg?.name ?? null)
		};
	});
}
