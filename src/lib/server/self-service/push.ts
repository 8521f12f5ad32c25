/**
 * Starting an M-Pesa prompt from a public page: the limits first (prompt-limits.ts: per phone, per
 * address, per foreign payer, per tenant), then the push, with every way it can fail turned into
 * something the page can say. A refused prompt never reaches Daraja.
 */
import type { PaymentChannel } from '../db/schema';
import { startStkPush, StkStartFailed } from '../payments/stk';
import { takePromptAllowance, type PromptLimit } from './prompt-limits';
import type { PaymentProblem } from '../../payments/problems';

export interface SelfServicePush {
	tenantId: string;
	subscriberId: string;
	packageId: string;
	/** The MSISDN that gets the prompt. */
	phone: string;
	/** The subscriber's own phone: a prompt to any other is held to the tighter foreign-payer limit. */
	ownPhone: string | null;
	channel: Extract<PaymentChannel, 'pay' | 'portal'>;
	device?: Record<string, string> | null;
	clientAddress: string | null;
	callbackBase: string;
}

export type PushRefusal =
	| { kind: 'too-many'; status: 429; limit: PromptLimit; retryAfterSeconds: number }
	/** Something the customer typed or chose: shown beside that field. */
	| { kind: 'field'; status: 400; field: 'phone' | 'packageId' }
	| { kind: 'problem'; status: number; problem: PaymentProblem };

export type PushOutcome = { ok: true; paymentId: string } | { ok: false; refusal: PushRefusal };

const STATUS_FOR: Record<string, number> = {
	'not-configured': 503,
	unavailable: 503,
	merchant: 502,
	rejected: 502,
	'prompt-open': 409,
	subscriber: 404
};

/**
 * Counts a prompt against the limits; the refusal when over. The portal takes it before it creates
 * the customer's hotspot user, then sends with `sendSelfServicePush`.
 */
export async function pushAllowance(
	input: Pick<SelfServicePush, 'tenantId' | 'phone' | 'clientAddress'> &
		Partial<Pick<SelfServicePush, 'subscriberId' | 'ownPhone'>>,
	now = new Date()
): Promise<PushRefusal | null> {
	const verdict = await takePromptAllowance(input, now);
	return verdict.allowed
		? null
		: {
				kind: 'too-many',
				status: 429,
				limit: verdict.limit,
				retryAfterSeconds: verdict.retryAfterSeconds
			};
}

/** The limits, then the prompt. */
export async function startSelfServicePush(
	input: SelfServicePush,
	now = new Date()
): Promise<PushOutcome> {
	const refusal = await pushAllowance(input, now);
	return refusal ? { ok: false, refusal } : sendSelfServicePush(input);
}

/** The prompt alone, for a caller that has taken `pushAllowance` already. */
export async function sendSelfServicePush(input: SelfServicePush): Promise<PushOutcome> {
	try {
		const payment = await startStkPush({
			tenantId: input.tenantId,
			subscriberId: input.subscriberId,
			packageId: input.packageId,
			phone: input.phone,
			channel: input.channel,
			device: input.device ?? null,
			callbackBase: input.callbackBase
		});
		return { ok: true, paymentId: payment.id };
	} catch (error) {
		if (!(error instanceof StkStartFailed)) throw error;
		if (error.problem === 'phone')
			return { ok: false, refusal: { kind: 'field', status: 400, field: 'phone' } };
		if (error.problem === 'package')
			return { ok: false, refusal: { kind: 'field', status: 400, field: 'packageId' } };
		const problem: PaymentProblem = error.problem === 'subscriber' ? 'failed' : error.problem;
		return {
			ok: false,
			refusal: { kind: 'problem', status: STATUS_FOR[error.problem] ?? 502, problem }
		};
	}
}
