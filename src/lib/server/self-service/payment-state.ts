/**
 * A payment as the page that started it shows it: the outcome, the M-Pesa receipt and the new
 * expiry, or why it failed. The payment id in the address is the only key, so nothing here names
 * the subscriber or the phone beyond its last digits.
 */
import { and, eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { packages, payments, subscribers, type Payment, type PaymentChannel, type Subscriber } from '../db/schema';
import { problemForResultCode, type PublicPaymentState, type PublicStatus } from '../../payments/problems';

export type { PublicPaymentState, PublicStatus } from '../../payments/problems';

export interface PublicPayment {
	state: PublicPaymentState;
	payment: Payment;
	subscriber: Subscriber | null;
}

export function publicState(payment: Payment, subscriber: Subscriber | null, packageName: string | null): PublicPaymentState {
	// flagged: paid, but not as asked (another amount); unmatched cannot come from a push. A person looks at both.
	const status: PublicStatus =
		payment.status === 'pending' ? 'pending' : payment.status === 'succeeded' ? 'succeeded' : payment.status === 'failed' ? 'failed' : 'review';
	return {
		status,
		reason: status === 'failed' ? problemForResultCode(payment.resultCode) : null,
		receipt: status === 'succeeded' || status === 'review' ? payment.receipt : null,
		expiresAt: status === 'succeeded' && subscriber?.expiresAt ? subscriber.expiresAt.toISOString() : null,
		amountKes: payment.amountKes,
		packageName,
		phoneEnding: payment.phone.slice(-3)
	};
}

/** The payment if it belongs to this tenant (not a sub-tenant) and was started on this kind of page. */
export async function readPublicPayment(tenantId: string, paymentId: string, channel: Extract<PaymentChannel, 'pay' | 'portal'>): Promise<PublicPayment | null> {
	return withTenant(tenantId, async (tx) => {
		const [payment] = await tx
			.select()
			.from(payments)
			.where(and(eq(payments.id, paymentId), eq(payments.tenantId, tenantId), eq(payments.channel, channel), eq(payments.source, 'stk')));
		if (!payment) return null;
		const [subscriber] = payment.subscriberId ? await tx.select().from(subscribers).where(eq(subscribers.id, payment.subscriberId)) : [];
		const [pkg] = payment.packageId ? await tx.select({ name: packages.name }).from(packages).where(eq(packages.id, payment.packageId)) : [];
		return { payment, subscriber: subscriber ?? null, state: publicState(payment, subscriber ?? null, pkg?.name ?? null) };
	});
}
