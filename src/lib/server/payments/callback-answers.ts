/**
 * What a callback asks of us and what Safaricom is answered: the shapes every part of applying a
 * callback shares.
 */
import type { CallbackKind, CallbackOutcome, Payment } from '../db/schema';

export interface CallbackRequest {
	tenantId: string;
	token: string;
	kind: CallbackKind;
	/** The body as received (at most the request guard's limit). */
	body: string;
	contentType: string | null;
	remoteAddress: string | null;
	/** `?payment=<id>` on our STK CallBackURL: binds a result that beats the push's own answer. */
	paymentHint?: string | null;
}

export interface CallbackAnswer {
	status: number;
	body: Record<string, unknown>;
	outcome?: CallbackOutcome;
	paymentId?: string | null;
	/** A router job was queued (the outbox wakes the worker itself). */
	provisioned?: boolean;
}

export const NOT_FOUND: CallbackAnswer = {
	status: 404,
	body: { ResultCode: 1, ResultDesc: 'Not found' }
};

export const STK_ACK = { ResultCode: 0, ResultDesc: 'Accepted' };

/** What applying one callback did: the answer, and what is recorded beside the stored body. */
export interface Applied {
	answer: CallbackAnswer;
	outcome: CallbackOutcome;
	paymentId?: string | null;
	note?: string | null;
	reference?: string | null;
}

export function malformedAnswer(fieldErrors: Record<string, string[]>): {
	body: Record<string, unknown>;
	note: string;
} {
	return {
		body: { ResultCode: 1, ResultDesc: 'Malformed callback', errors: fieldErrors },
		note: Object.entries(fieldErrors)
			.map(([field, messages]) => `${field}: ${messages.join(', ')}`)
			.join('; ')
	};
}

export function malformed(fieldErrors: Record<string, string[]>): Applied {
	const { body, note } = malformedAnswer(fieldErrors);
	return { answer: { status: 400, body, outcome: 'malformed' }, outcome: 'malformed', note };
}

export function ack(
	outcome: CallbackOutcome,
	payment: Pick<Payment, 'id'> | null,
	note: string | null,
	reference: string,
	provisioned = false,
	body: Record<string, unknown> = STK_ACK
): Applied {
	return {
		answer: { status: 200, body, outcome, paymentId: payment?.id ?? null, provisioned },
		outcome,
		paymentId: payment?.id ?? null,
		note,
		reference
	};
}
