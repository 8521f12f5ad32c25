/**
 * Paybill and till payments: C2B validation (may Safaricom take this payment?) and confirmation
 * (it did: record it, credit the subscriber it names, or keep it for the manager when none).
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { payments, subscribers, type MpesaSettings } from '../db/schema';
import { C2B_ACCEPT, C2B_CONFIRMED, C2B_REJECT, parseC2bPayment } from '../mpesa/parse-callbacks';
import { matchSubscriber } from '../network/subscribers';
import { ack, malformed, type Applied } from './callback-answers';
import { lockReference, paymentByReceipt, settleSucceeded } from './settle';
import { recordIfPushCredited } from './same-transaction';

function shortcodeMatches(settings: MpesaSettings, shortcode: string): boolean {
	return (
		shortcode === settings.shortcode ||
		(settings.tillNumber !== null && shortcode === settings.tillNumber)
	);
}

export async function validateC2b(
	tx: Tx,
	settings: MpesaSettings,
	body: unknown
): Promise<Applied> {
	const parsed = parseC2bPayment(body);
	const reject = (
		answer: Record<string, unknown>,
		note: string,
		reference: string | null
	): Applied => ({
		answer: { status: 200, body: answer, outcome: 'rejected' },
		outcome: 'rejected',
		note,
		reference
	});
	if (!parsed.ok) {
		const amountWrong = 'TransAmount' in parsed.error.fieldErrors;
		return reject(
			amountWrong ? C2B_REJECT.invalidAmount : C2B_REJECT.other,
			parsed.error.message,
			null
		);
	}
	const payment = parsed.value;
	if (!shortcodeMatches(settings, payment.shortcode))
		return reject(
			C2B_REJECT.other,
			`Shortcode ${payment.shortcode} is not this tenant's`,
			payment.transId
		);
	if (settings.strictValidation) {
		const [byAccount] = payment.accountKey
			? await tx
					.select({ id: subscribers.id })
					.from(subscribers)
					.where(
						and(
							eq(subscribers.tenantId, settings.tenantId),
							eq(subscribers.accountNumber, payment.accountKey)
						)
					)
			: [];
		if (!byAccount)
			return reject(
				C2B_REJECT.invalidAccount,
				`No subscriber has account ${payment.billRefNumber || '(blank)'}`,
				payment.transId
			);
	}
	return {
		answer: { status: 200, body: C2B_ACCEPT, outcome: 'accepted' },
		outcome: 'accepted',
		reference: payment.transId
	};
}

export async function confirmC2b(tx: Tx, settings: MpesaSettings, body: unknown): Promise<Applied> {
	const parsed = parseC2bPayment(body);
	if (!parsed.ok) return malformed(parsed.error.fieldErrors);
	const c2b = parsed.value;
	await lockReference(tx, 'c2b', c2b.transId);
	const existing = await paymentByReceipt(tx, settings.tenantId, c2b.transId);
	if (existing)
		return ack(
			'duplicate',
			existing,
			`TransID ${c2b.transId} already recorded`,
			c2b.transId,
			false,
			C2B_CONFIRMED
		);
	const base = {
		tenantId: settings.tenantId,
		source: 'c2b' as const,
		channel: 'paybill' as const,
		phone: c2b.phone ?? c2b.msisdn,
		amountKes: c2b.amount,
		accountReference: c2b.billRefNumber,
		shortcode: c2b.shortcode,
		receipt: c2b.transId,
		payerName: c2b.customerName || null,
		resultCode: 0,
		resultDesc: c2b.transactionType,
		createdAt: new Date()
	};
	if (!shortcodeMatches(settings, c2b.shortcode)) {
		const note = `Paid to shortcode ${c2b.shortcode}, which is not this tenant's`;
		const [flagged] = await tx
			.insert(payments)
			.values({ ...base, status: 'flagged', note, settledAt: new Date() })
			.returning();
		return ack('flagged', flagged!, note, c2b.transId, false, C2B_CONFIRMED);
	}
	const payer = await matchSubscriber(tx, settings.tenantId, {
		account: c2b.accountKey || null,
		phone: c2b.phone
	});
	if (payer.found) {
		// The confirmation of a push the STK query already settled and credited?
		const same = await recordIfPushCredited(tx, payer.found.id, base);
		if (same) return ack(same.outcome, same.payment, same.note, c2b.transId, false, C2B_CONFIRMED);
	}
	const [row] = await tx
		.insert(payments)
		.values({ ...base, status: 'pending' })
		.returning();
	const note = payer.found
		? null
		: `Account "${c2b.billRefNumber}" matches no subscriber${c2b.phone ? ', and the phone matches none or several' : ''}`;
	const settled = await settleSucceeded(tx, row!, {
		receipt: c2b.transId,
		amountKes: c2b.amount,
		subscriberId: payer.found?.id ?? null,
		note
	});
	return ack('applied', row!, note, c2b.transId, settled.renewedPackageId !== null, C2B_CONFIRMED);
}
