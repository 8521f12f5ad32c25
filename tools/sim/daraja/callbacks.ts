/** Calls merchant URLs back and keeps a log of every attempt for tests to assert on. */
import { postJson } from './http-io';
import { StateSignal } from './wait';

export type DeliveryKind = 'stk' | 'c2b-validation' | 'c2b-confirmation';

export interface Delivery {
	kind: DeliveryKind;
	/** CheckoutRequestID for STK callbacks, TransID for C2B. */
	ref: string;
	url: string;
	body: unknown;
	/** The merchant's HTTP status; null when it never answered (refused, timed out). */
	status: number | null;
	responseBody: string;
	error?: string;
	timedOut: boolean;
	sentAt: Date;
	answeredAt: Date;
}

export interface DeliveryFilter {
	kind?: DeliveryKind;
	ref?: string;
}

export class CallbackDispatcher {
	readonly deliveries: Delivery[] = [];
	private readonly changed = new StateSignal();
	/** Bumped by clear(): a callback still in flight from before a reset is not logged after it. */
	private epoch = 0;

	constructor(
		private readonly now: () => Date,
		private readonly log: (line: string) => void
	) {}

	/** One POST, no retry: Safaricom documents none, so merchants must not count on one. */
	async send(
		kind: DeliveryKind,
		ref: string,
		url: string,
		body: unknown,
		timeoutMs: number
	): Promise<Delivery> {
		const sentAt = this.now();
		const epoch = this.epoch;
		const result = await postJson(url, body, timeoutMs);
		const delivery: Delivery = { kind, ref, url, body, ...result, sentAt, answeredAt: this.now() };
		if (epoch !== this.epoch) return delivery;
		this.deliveries.push(delivery);
		this.log(`callback ${kind} ${ref} -> ${url} : ${result.status ?? result.error}`);
		this.changed.notify();
		return delivery;
	}

	matching(filter: DeliveryFilter = {}): Delivery[] {
		return this.deliveries.filter(
			(d) => (!filter.kind || d.kind === filter.kind) && (!filter.ref || d.ref === filter.ref)
		);
	}

	waitFor(count: number, filter: DeliveryFilter, timeoutMs: number): Promise<Delivery[]> {
		return this.changed.until(
			() => {
				const found = this.matching(filter);
				return found.length >= count ? found : undefined;
			},
			timeoutMs,
			`${count} ${filter.kind ?? 'any'} callback(s)${filter.ref ? ` for ${filter.ref}` : ''}`
		);
	}

	clear(): void {
		this.epoch++;
		this.deliveries.length = 0;
	}
}
