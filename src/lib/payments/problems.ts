/**
 * Why a payment did not go through, as a code the server sends and the page turns into words in
 * the reader's language (problem-messages.ts). Shared by the top-up page and the captive portal,
 * the server and the browser.
 */
export const PAYMENT_PROBLEMS = [
	'cancelled',
	'wrong-pin',
	'insufficient-funds',
	'unreachable',
	'timed-out',
	'prompt-open',
	'not-sent',
	'limit',
	'not-permitted',
	'not-configured',
	'unavailable',
	'merchant',
	'rejected',
	'suspended',
	'not-started',
	'failed'
] as const;
export type PaymentProblem = (typeof PAYMENT_PROBLEMS)[number];

/** Daraja's STK ResultCode (callback or query) as a problem; see PROTOCOLS.md part A. */
export function problemForResultCode(code: number | null): PaymentProblem {
	switch (code) {
		case null:
			return 'not-started';
		case 1:
			return 'insufficient-funds';
		case 1032:
			return 'cancelled';
		case 2001:
			return 'wrong-pin';
		// Also what we record when the phone never answered within ten minutes.
		case 1037:
			return 'unreachable';
		case 1019:
			return 'timed-out';
		case 1001:
			return 'prompt-open';
		case 1025:
		case 9999:
			return 'not-sent';
		case 2:
		case 3:
		case 4:
		case 8:
		case 17:
			return 'limit';
		case 2028:
		case 8006:
			return 'not-permitted';
		default:
			return 'failed';
	}
}

/** How a public page (top-up, captive portal) shows a payment; the server fills it, the page polls it. */
export type PublicStatus = 'pending' | 'succeeded' | 'failed' | 'review';

export interface PublicPaymentState {
	status: PublicStatus;
	reason: PaymentProblem | null;
	receipt: string | null;
	/** The subscriber's expiry (ISO), once paid. */
	expiresAt: string | null;
	/** Settled over an hour ago: the receipt, the expiry and the hotspot login are no longer shown. */
	detailsHidden: boolean;
	amountKes: number;
	packageName: string | null;
	phoneEnding: string;
}
