/**
 * Lipa na M-Pesa Online (STK push): accepting pushes, the customer's answer after a delay,
 * the callback to CallBackURL, and the STK query that reports the same outcome.
 */
import type { CallbackDispatcher, Delivery } from './callbacks';
import { invalidField, subscriberLocked, transactionBeingProcessed } from './errors';
import { checkoutRequestId, merchantRequestId, mpesaReceipt, uniqueId } from './ids';
import { kenyanTimestamp } from './kenya-time';
import type { MerchantDirectory, ShortcodeConfig } from './merchants';
import { deliveryCount, planOutcome, type OutcomeRules, type OutcomeSpec } from './outcomes';
import {
	pushAcceptedAnswer,
	stkCallbackBody,
	stkQueryAnswer,
	type StkPushRecord,
	type StkResult
} from './stk-messages';
import { parseStkPush, parseStkQuery, type FieldRules, type StkPushRequest } from './validation';
import { StateSignal, TimerSet } from './wait';

export interface StkServiceOptions {
	fieldRules: FieldRules;
	/** Default time until the customer answers. */
	callbackDelayMs: number;
	callbackTimeoutMs: number;
	/** Pause between the copies of a duplicated callback. */
	duplicateGapMs: number;
	includeBalance: boolean;
	now: () => Date;
}

/** Order for `releaseHeld`: as held, reversed, or an explicit list of CheckoutRequestIDs. */
export type ReleaseOrder = 'fifo' | 'reverse' | string[];

interface HeldCallback {
	push: StkPushRecord;
	body: unknown;
}

export class StkService {
	readonly pushes: StkPushRecord[] = [];
	private readonly byCheckoutId = new Map<string, StkPushRecord>();
	/** MSISDN → CheckoutRequestID of the prompt the customer has not answered yet. */
	private readonly busyPhones = new Map<string, string>();
	private readonly cancelTimers = new Map<string, () => void>();
	private readonly held: HeldCallback[] = [];
	private readonly timers = new TimerSet();
	private readonly settled = new StateSignal();

	constructor(
		private readonly options: StkServiceOptions,
		private readonly merchants: MerchantDirectory,
		private readonly rules: OutcomeRules,
		private readonly dispatcher: CallbackDispatcher,
		/** Receipt numbers in use, shared with C2B TransIDs (one M-Pesa namespace). */
		private readonly receipts: Set<string>
	) {}

	push(body: Record<string, unknown>): Record<string, string> {
		const request = parseStkPush(body, this.options.fieldRules);
		const merchant = this.merchants.authenticate(
			request.shortcode,
			request.password,
			request.timestamp
		);
		checkPartyB(request, merchant);
		// One prompt per phone at a time: M-Pesa cannot lock the subscriber for a second one.
		if (this.busyPhones.has(request.phoneNumber)) throw subscriberLocked();

		const requestedAt = this.options.now();
		const productRefusal = isOutsideProduct(request, merchant) ? { resultCode: 2028 } : undefined;
		const push: StkPushRecord = {
			merchantRequestId: merchantRequestId(),
			checkoutRequestId: this.newCheckoutId(requestedAt, request.phoneNumber),
			shortcode: request.shortcode,
			transactionType: request.transactionType,
			amount: request.amount,
			partyA: request.partyA,
			partyB: request.partyB,
			phoneNumber: request.phoneNumber,
			callbackUrl: request.callbackUrl,
			accountReference: request.accountReference,
			transactionDesc: request.transactionDesc,
			requestedAt,
			// A shortcode not enabled for this transaction type fails whatever the test chose.
			plan: planOutcome(
				{ delayMs: this.options.callbackDelayMs },
				...this.rules.takeFor(request.phoneNumber),
				productRefusal
			),
			status: 'pending'
		};
		this.pushes.push(push);
		this.byCheckoutId.set(push.checkoutRequestId, push);
		this.busyPhones.set(push.phoneNumber, push.checkoutRequestId);
		this.schedule(push, push.plan.delayMs);
		return pushAcceptedAnswer(push);
	}

	query(body: Record<string, unknown>): Record<string, string> {
		const request = parseStkQuery(body, this.options.fieldRules);
		this.merchants.authenticate(request.shortcode, request.password, request.timestamp);
		const push = this.byCheckoutId.get(request.checkoutRequestId);
		if (!push || push.shortcode !== request.shortcode) throw invalidField('CheckoutRequestID');
		if (push.status === 'pending' || !push.result) throw transactionBeingProcessed();
		return stkQueryAnswer(push, push.result);
	}

	/** Changes the plan of a push whose customer has not answered yet. */
	replan(checkoutId: string, spec: OutcomeSpec): void {
		const push = this.find(checkoutId);
		if (push.status !== 'pending')
			throw new Error(`Daraja simulator: ${checkoutId} is already settled`);
		push.plan = planOutcome({ delayMs: push.plan.delayMs }, push.plan, spec);
		const elapsed = this.options.now().getTime() - push.requestedAt.getTime();
		this.schedule(push, Math.max(0, push.plan.delayMs - elapsed));
	}

	/**
	 * The customer answers now: the outcome is fixed (so an STK query reports it even if no
	 * callback is ever delivered), then the callback goes out as planned. Resolves when the
	 * planned deliveries are done. Settling twice does nothing.
	 */
	async settle(checkoutId: string): Promise<Delivery[]> {
		const push = this.find(checkoutId);
		if (push.status === 'settled') return [];
		this.cancelTimers.get(checkoutId)?.();
		this.cancelTimers.delete(checkoutId);
		const result = this.decide(push);
		return this.deliver(push, stkCallbackBody(push, result, this.options.includeBalance));
	}

	heldCallbacks(): string[] {
		return this.held.map((h) => h.push.checkoutRequestId);
	}

	/** Sends held callbacks one after the other in `order`; ids not listed stay held. */
	async releaseHeld(order: ReleaseOrder = 'fifo'): Promise<Delivery[]> {
		let chosen: HeldCallback[];
		if (order === 'fifo') chosen = [...this.held];
		else if (order === 'reverse') chosen = [...this.held].reverse();
		else {
			chosen = order.map((id) => {
				const entry = this.held.find((h) => h.push.checkoutRequestId === id);
				if (!entry) throw new Error(`Daraja simulator: no held callback for ${id}`);
				return entry;
			});
		}
		for (const entry of chosen) this.held.splice(this.held.indexOf(entry), 1);
		const sent: Delivery[] = [];
		for (const entry of chosen) sent.push(await this.send(entry.push, entry.body));
		return sent;
	}

	waitForSettled(checkoutId: string, timeoutMs: number): Promise<StkPushRecord> {
		return this.settled.until(
			() => {
				const push = this.byCheckoutId.get(checkoutId);
				return push?.status === 'settled' ? push : undefined;
			},
			timeoutMs,
			`${checkoutId} to settle`
		);
	}

	find(checkoutId: string): StkPushRecord {
		const push = this.byCheckoutId.get(checkoutId);
		if (!push) throw new Error(`Daraja simulator: unknown CheckoutRequestID ${checkoutId}`);
		return push;
	}

	/** Stops every pending answer and duplicate (the simulator is closing); keeps the records. */
	stop(): void {
		this.timers.clear();
		this.cancelTimers.clear();
	}

	/** Forgets every push and stops every pending answer and held callback. */
	reset(): void {
		this.timers.clear();
		this.cancelTimers.clear();
		this.pushes.length = 0;
		this.byCheckoutId.clear();
		this.busyPhones.clear();
		this.held.length = 0;
	}

	private schedule(push: StkPushRecord, delayMs: number): void {
		this.cancelTimers.get(push.checkoutRequestId)?.();
		const cancel = this.timers.after(delayMs, () => {
			this.cancelTimers.delete(push.checkoutRequestId);
			void this.settle(push.checkoutRequestId);
		});
		this.cancelTimers.set(push.checkoutRequestId, cancel);
	}

	private decide(push: StkPushRecord): StkResult {
		const settledAt = this.options.now();
		const paid = push.plan.resultCode === 0;
		const result: StkResult = {
			resultCode: push.plan.resultCode,
			resultDesc: push.plan.resultDesc,
			settledAt,
			...(paid
				? {
						receipt: uniqueId(this.receipts, () => mpesaReceipt(settledAt)),
						transactionDate: kenyanTimestamp(settledAt)
					}
				: {})
		};
		push.status = 'settled';
		push.result = result;
		if (this.busyPhones.get(push.phoneNumber) === push.checkoutRequestId) {
			this.busyPhones.delete(push.phoneNumber);
		}
		this.settled.notify();
		return result;
	}

	private async deliver(push: StkPushRecord, body: unknown): Promise<Delivery[]> {
		const count = deliveryCount(push.plan.deliver);
		if (count === 'hold') {
			this.held.push({ push, body });
			return [];
		}
		const sent: Delivery[] = [];
		for (let copy = 0; copy < count; copy++) {
			if (copy > 0) await this.timers.sleep(this.options.duplicateGapMs);
			sent.push(await this.send(push, body));
		}
		return sent;
	}

	private send(push: StkPushRecord, body: unknown): Promise<Delivery> {
		return this.dispatcher.send(
			'stk',
			push.checkoutRequestId,
			push.callbackUrl,
			body,
			this.options.callbackTimeoutMs
		);
	}

	/** Ids embed the time to the millisecond and the phone; nudge the time on a clash. */
	private newCheckoutId(at: Date, msisdn: string): string {
		let stamp = at.getTime();
		let id = checkoutRequestId(at, msisdn);
		while (this.byCheckoutId.has(id)) id = checkoutRequestId(new Date(++stamp), msisdn);
		return id;
	}
}

/** PartyB is where the money goes: the paybill itself, or the till number for buy goods. */
function checkPartyB(request: StkPushRequest, merchant: ShortcodeConfig): void {
	const till = merchant.tillNumber ?? merchant.shortcode;
	const allowed =
		merchant.type === 'paybill'
			? [merchant.shortcode]
			: merchant.type === 'till'
				? [till]
				: [merchant.shortcode, till];
	if (!allowed.includes(request.partyB)) throw invalidField('PartyB');
}

function isOutsideProduct(request: StkPushRequest, merchant: ShortcodeConfig): boolean {
	if (merchant.type === 'paybill') return request.transactionType !== 'CustomerPayBillOnline';
	if (merchant.type === 'till') return request.transactionType !== 'CustomerBuyGoodsOnline';
	return false;
}
