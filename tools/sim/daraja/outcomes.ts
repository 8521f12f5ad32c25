/**
 * What the customer does with an STK prompt, and how Safaricom then reports it. Tests choose
 * per phone number, per CheckoutRequestID, for the next push only, or for every push.
 */

/** ResultDesc texts as they arrive in callbacks and STK query answers. */
const RESULT_DESCRIPTIONS: Record<number, string> = {
	0: 'The service request is processed successfully.',
	1: 'The balance is insufficient for the transaction.',
	2: 'Declined due to limit rule: less than the minimum transaction amount.',
	3: 'Declined due to limit rule: greater than the maximum transaction amount.',
	4: 'Declined due to limit rule: would exceed daily transfer limit.',
	8: 'Declined due to limit rule: would exceed the maximum balance.',
	17: 'Rule limited.',
	1001: 'Unable to lock subscriber, a transaction is already in process for the current subscriber',
	1019: 'Transaction has expired',
	1025: 'An error occurred while sending a push request',
	1032: 'Request cancelled by user',
	1037: 'DS timeout user cannot be reached',
	2001: 'The initiator information is invalid.',
	2028: 'The request is not permitted according to product assignment',
	8006: 'The security credential is locked',
	9999: 'An error occurred while sending a push request'
};

export function resultDescription(code: number): string {
	return RESULT_DESCRIPTIONS[code] ?? 'The transaction could not be completed.';
}

/** Named outcomes for readable tests: `setOutcome(phone, outcomes.cancelled)`. */
export const OUTCOME_CODES = {
	success: 0,
	insufficientFunds: 1,
	cancelled: 1032,
	timeout: 1037,
	wrongPin: 2001
} as const;

/**
 * How the callback travels: `once` (normal), `twice` or a count (duplicates, back to back),
 * `never` (lost; the STK query still knows the outcome), `hold` (kept until `releaseHeld`,
 * to deliver several in a chosen order).
 */
export type DeliveryMode = 'once' | 'twice' | 'never' | 'hold' | number;

export interface OutcomeSpec {
	resultCode?: number;
	/** Defaults to Safaricom's text for the code. */
	resultDesc?: string;
	/** Time the customer takes to answer the prompt, i.e. until the outcome is decided. */
	delayMs?: number;
	deliver?: DeliveryMode;
}

export interface OutcomePlan {
	resultCode: number;
	resultDesc: string;
	delayMs: number;
	deliver: DeliveryMode;
}

export function planOutcome(
	base: { delayMs: number },
	...layers: Array<OutcomeSpec | undefined>
): OutcomePlan {
	let plan: Omit<OutcomePlan, 'resultDesc'> & { resultDesc?: string } = {
		resultCode: 0,
		delayMs: base.delayMs,
		deliver: 'once'
	};
	for (const layer of layers) {
		if (!layer) continue;
		const { resultCode, resultDesc, delayMs, deliver } = layer;
		plan = {
			resultCode: resultCode ?? plan.resultCode,
			// A new code without its own text must not inherit the text of the previous code.
			resultDesc: resultDesc ?? (resultCode === undefined ? plan.resultDesc : undefined),
			delayMs: delayMs ?? plan.delayMs,
			deliver: deliver ?? plan.deliver
		};
	}
	return { ...plan, resultDesc: plan.resultDesc ?? resultDescription(plan.resultCode) };
}

/** Number of callbacks to send now, or 'hold'. */
export function deliveryCount(mode: DeliveryMode): number | 'hold' {
	if (mode === 'hold') return 'hold';
	if (mode === 'once') return 1;
	if (mode === 'twice') return 2;
	if (mode === 'never') return 0;
	return Math.max(0, Math.floor(mode));
}

/** Rules chosen by tests. A 'next' rule is used by one push; phone rules last until cleared. */
export class OutcomeRules {
	private fallback: OutcomeSpec | undefined;
	private readonly byPhone = new Map<string, OutcomeSpec>();
	private readonly nextQueue: OutcomeSpec[] = [];

	setDefault(spec: OutcomeSpec): void {
		this.fallback = spec;
	}

	setForPhone(msisdn: string, spec: OutcomeSpec): void {
		this.byPhone.set(msisdn, spec);
	}

	/** Queued: two calls apply to the next two pushes, in order. */
	setForNext(spec: OutcomeSpec): void {
		this.nextQueue.push(spec);
	}

	/** The layers for a new push to `msisdn`, consuming a 'next' rule if one waits. */
	takeFor(msisdn: string): Array<OutcomeSpec | undefined> {
		const next = this.nextQueue.shift();
		return [this.fallback, next ?? this.byPhone.get(msisdn)];
	}

	clear(): void {
		this.fallback = undefined;
		this.byPhone.clear();
		this.nextQueue.length = 0;
	}
}
