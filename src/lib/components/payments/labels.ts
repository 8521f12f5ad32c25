/**
 * How payments read on a page, in the reader's language: statuses, why one failed, ledger lines.
 * Safe for the browser: the prompt status poller uses the same words as the page.
 */
import { m } from '$lib/paraglide/messages';
import { formatMsisdn } from '$lib/phone';
import { problemForResultCode, type PaymentProblem } from '$lib/payments/problems';
import { formatKes } from '$lib/components/network/labels';

import type { LedgerKind, PaymentSource, PaymentStatus } from '$lib/vocabulary';

export type { LedgerKind, PaymentStatus };

export const PAYMENT_FILTERS: PaymentStatus[] = ['pending', 'failed', 'unmatched', 'flagged'];

/** A payment as the pages receive it: no device details, no request ids. */
export interface PaymentView {
	id: string;
	status: PaymentStatus;
	source: PaymentSource;
	amountKes: number;
	phone: string;
	accountReference: string | null;
	receipt: string | null;
	resultCode: number | null;
	resultDesc: string | null;
	note: string | null;
	payerName: string | null;
	subscriberId: string | null;
	subscriberName: string | null;
	subscriberAccount: string | null;
	/** What settling bought (null: nothing) and the wallet balance it left. */
	boughtPackageName: string | null;
	boughtPriceKes: number | null;
	walletAfterKes: number | null;
	/** The subscriber's plan now: what the wallet is saving up for. */
	planName: string | null;
	planPriceKes: number | null;
	createdAt: Date;
}

export function paymentStatusLabel(status: PaymentStatus): string {
	return {
		pending: m.payments_status_pending,
		succeeded: m.payments_status_succeeded,
		failed: m.payments_status_failed,
		unmatched: m.payments_status_unmatched,
		flagged: m.payments_status_flagged,
		duplicate: m.payments_status_duplicate
	}[status]();
}

/**
 * Why a payment did not simply go through, in plain words. The common STK result codes get our
 * own sentence; anything else shows what Safaricom said (ResultDesc), which is at least specific.
 */
export function paymentReason(
	p: Pick<PaymentView, 'status' | 'resultCode' | 'resultDesc' | 'note' | 'accountReference'>
): string | null {
	if (p.status === 'failed') {
		// The same reading of result codes as the customer's pages, in words for the manager.
		const words: Partial<Record<PaymentProblem, () => string>> = {
			cancelled: m.payments_reason_cancelled,
			'wrong-pin': m.payments_reason_wrong_pin,
			'insufficient-funds': m.payments_reason_no_money,
			unreachable: m.payments_reason_unreachable
		};
		return (
			words[problemForResultCode(p.resultCode)]?.() ?? (p.resultDesc || m.payments_reason_unknown())
		);
	}
	if (p.status === 'unmatched')
		return m.payments_reason_unmatched({ account: p.accountReference ?? '' });
	if (p.status === 'flagged') return m.payments_reason_flagged({ note: p.note ?? '' });
	if (p.status === 'duplicate') return m.payments_reason_duplicate();
	return null;
}

/**
 * What became of a paid amount that was not exactly a package's price, in plain words: credited to
 * the wallet (and how much more buys the plan), or a package bought with something left over or
 * with help from the wallet. Null when the amount simply bought its package.
 */
export function paymentWalletNote(
	p: Pick<
		PaymentView,
		| 'status'
		| 'subscriberId'
		| 'amountKes'
		| 'boughtPackageName'
		| 'boughtPriceKes'
		| 'walletAfterKes'
		| 'planName'
		| 'planPriceKes'
	>
): string | null {
	if (p.status !== 'succeeded' || !p.subscriberId || p.walletAfterKes === null) return null;
	const balance = formatKes(p.walletAfterKes);
	const amount = formatKes(p.amountKes);
	if (p.boughtPriceKes === null) {
		if (!p.planName || p.planPriceKes === null)
			return m.wallet_note_no_package({ amount, balance });
		const short = formatKes(Math.max(0, p.planPriceKes - p.walletAfterKes));
		return m.wallet_note_short({
			amount,
			package: p.planName,
			price: formatKes(p.planPriceKes),
			balance,
			short
		});
	}
	const pkg = { package: p.boughtPackageName ?? '', price: formatKes(p.boughtPriceKes), balance };
	if (p.amountKes > p.boughtPriceKes)
		return m.wallet_note_over({ ...pkg, extra: formatKes(p.amountKes - p.boughtPriceKes) });
	if (p.amountKes < p.boughtPriceKes)
		return m.wallet_note_topped({
			...pkg,
			amount,
			fromWallet: formatKes(p.boughtPriceKes - p.amountKes)
		});
	return null;
}

export function ledgerKindLabel(kind: LedgerKind): string {
	return {
		payment: m.wallet_kind_payment,
		cash: m.wallet_kind_cash,
		correction: m.wallet_kind_correction,
		purchase: m.wallet_kind_purchase,
		reversal: m.wallet_kind_reversal
	}[kind]();
}

/** C2B payments may carry a masked or hashed number: show a real MSISDN the Kenyan way, else a short form. */
export function displayPhone(phone: string): string {
	if (/^254[17]\d{8}$/.test(phone)) return formatMsisdn(phone);
	return phone.length > 14 ? `${phone.slice(0, 10)}…` : phone;
}
