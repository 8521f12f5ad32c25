/** What a page may know about a payment: no device details, no Safaricom request ids. */
import type { Payment } from '$lib/server/db/schema';
import type { PaymentRow } from '$lib/server/payments/manage';
import type { PaymentView } from '$lib/components/payments/labels';
import { isUuid } from '$lib/uuid';

export function paymentView(row: PaymentRow | (Payment & { subscriberName?: string | null; subscriberAccount?: string | null })): PaymentView {
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
		createdAt: row.createdAt
	};
}

/** `?before=<iso time>_<id>`: the last row of the previous page. A mangled cursor means the first page. */
export function readCursor(value: string | null): { createdAt: Date; id: string } | null {
	if (!value) return null;
	const split = value.lastIndexOf('_');
	const createdAt = new Date(value.slice(0, split));
	const id = value.slice(split + 1);
	return split > 0 && !Number.isNaN(createdAt.getTime()) && isUuid(id) ? { createdAt, id } : null;
}

export function writeCursor(row: { createdAt: Date; id: string }): string {
	return `${row.createdAt.toISOString()}_${row.id}`;
}
