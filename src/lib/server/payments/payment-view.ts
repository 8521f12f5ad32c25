/** What a page may know about a payment: no device details, no Safaricom request ids. */
import type { Payment } from '../db/schema';
import type { PaymentRow } from './manage';
import type { PaymentView } from '$lib/components/payments/labels';

type Named = {
	subscriberName?: string | null;
	subscriberAccount?: string | null;
	boughtPackageName?: string | null;
	planName?: string | null;
	planPriceKes?: number | null;
};

export function paymentView(row: PaymentRow | (Payment & Named)): PaymentView {
	return {
		id: row.id,
		status: row.status,
		source: row.source,
		amountKes: row.amountKes,
		phone: row.phone,
		accountReference: row.accountReference,
		receipt: row.receipt,
		resultCode: row.resultCode,
		resultDesc: row.resultDesc,
		note: row.note,
		payerName: row.payerName,
		subscriberId: row.subscriberId,
		subscriberName: row.subscriberName ?? null,
		subscriberAccount: row.subscriberAccount ?? null,
		boughtPackageName: row.boughtPackageName ?? null,
		boughtPriceKes: row.boughtPriceKes,
		walletAfterKes: row.walletAfterKes,
		planName: row.planName ?? null,
		planPriceKes: row.planPriceKes ?? null,
		createdAt: row.createdAt
	};
}
