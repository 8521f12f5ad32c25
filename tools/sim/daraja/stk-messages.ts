/** The JSON Safaricom sends and answers around an STK push, built from the push's record. */
import type { OutcomePlan } from './outcomes';
import type { StkTransactionType } from './validation';

export interface StkResult {
	resultCode: number;
	resultDesc: string;
	/** MpesaReceiptNumber, only when the customer paid. */
	receipt?: string;
	/** YYYYMMDDHHmmss, Nairobi time, only when the customer paid. */
	transactionDate?: string;
	settledAt: Date;
}

export interface StkPushRecord {
	merchantRequestId: string;
	checkoutRequestId: string;
	shortcode: string;
	transactionType: StkTransactionType;
	amount: number;
	partyA: string;
	partyB: string;
	phoneNumber: string;
	callbackUrl: string;
	accountReference: string;
	transactionDesc: string;
	requestedAt: Date;
	plan: OutcomePlan;
	/** pending until the customer answers (or the prompt times out); the outcome is then fixed. */
	status: 'pending' | 'settled';
	result?: StkResult;
}

export const PUSH_ACCEPTED = 'Success. Request accepted for processing';

export function pushAcceptedAnswer(push: StkPushRecord): Record<string, string> {
	return {
		MerchantRequestID: push.merchantRequestId,
		CheckoutRequestID: push.checkoutRequestId,
		ResponseCode: '0',
		ResponseDescription: PUSH_ACCEPTED,
		CustomerMessage: PUSH_ACCEPTED
	};
}

/**
 * The callback body. Unlike the STK query, numbers are JSON numbers here (ResultCode,
 * Amount, TransactionDate, PhoneNumber), CallbackMetadata exists only on success, and Balance
 * comes as a bare name with no Value.
 */
export function stkCallbackBody(
	push: StkPushRecord,
	result: StkResult,
	includeBalance: boolean
): unknown {
	const stkCallback: Record<string, unknown> = {
		MerchantRequestID: push.merchantRequestId,
		CheckoutRequestID: push.checkoutRequestId,
		ResultCode: result.resultCode,
		ResultDesc: result.resultDesc
	};
	if (result.resultCode === 0) {
		stkCallback.CallbackMetadata = {
			Item: [
				{ Name: 'Amount', Value: push.amount },
				{ Name: 'MpesaReceiptNumber', Value: result.receipt },
				...(includeBalance ? [{ Name: 'Balance' }] : []),
				{ Name: 'TransactionDate', Value: Number(result.transactionDate) },
				{ Name: 'PhoneNumber', Value: Number(push.phoneNumber) }
			]
		};
	}
	return { Body: { stkCallback } };
}

/** STK query after the outcome: every value a string, ResultCode included. */
export function stkQueryAnswer(push: StkPushRecord, result: StkResult): Record<string, string> {
	return {
		ResponseCode: '0',
		// Safaricom's own spelling.
		ResponseDescription: 'The service request has been accepted successsfully',
		MerchantRequestID: push.merchantRequestId,
		CheckoutRequestID: push.checkoutRequestId,
		ResultCode: String(result.resultCode),
		ResultDesc: result.resultDesc
	};
}
