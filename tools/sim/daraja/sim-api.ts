/** The simulator's options and the handle tests and the demo get back from startDarajaSim. */
import type { C2bRegistration, MsisdnFormat, PayBillInput, PayBillResult } from './c2b';
import type { Delivery, DeliveryFilter } from './callbacks';
import type { ShortcodeConfig } from './merchants';
import type { OutcomeSpec } from './outcomes';
import type { ReleaseOrder } from './stk';
import type { StkPushRecord } from './stk-messages';

export interface DarajaSimOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	/** Only this key/secret pair gets tokens; by default any non-empty pair does. */
	consumerKey?: string;
	consumerSecret?: string;
	/** Token lifetime, default 3 599 000 ms (expires_in "3599"). */
	tokenTtlMs?: number;
	/** A new token voids the key's previous one. Default true. */
	rotateTokens?: boolean;
	/** HTTP status sent with errorCode 404.001.03. Default 401. */
	invalidTokenStatus?: number;
	/** Extra shortcodes; the sandbox's 174379 is always known unless `sandboxShortcode` is false. */
	shortcodes?: ShortcodeConfig[];
	sandboxShortcode?: boolean;
	/** Any 5–7 digit shortcode is known, signed with the sandbox passkey. Default false. */
	acceptAnyShortcode?: boolean;
	/** Daraja wants https callbacks; local tests need http. Default true. */
	allowHttpCallbacks?: boolean;
	/** Allowed drift between Timestamp and Nairobi time. Default 5 minutes. */
	timestampToleranceMs?: number;
	/** Time the customer takes to answer an STK prompt. Default 2000 ms. */
	callbackDelayMs?: number;
	/** How long the simulator waits for the merchant to answer a callback. Default 10 s. */
	callbackTimeoutMs?: number;
	/** Gap between the copies of a duplicated STK callback. Default 10 ms. */
	duplicateGapMs?: number;
	/** Whether the success callback carries the bare `{"Name":"Balance"}` item. Default true. */
	includeBalance?: boolean;
	/** How long a C2B validation URL has to answer. Default 8000 ms. */
	c2bValidationTimeoutMs?: number;
	/** How MSISDN reaches C2B URLs. Default 'plain'. */
	c2bMsisdnFormat?: MsisdnFormat;
	/** Refuse a second C2B registration for a shortcode, as production does. Default false. */
	c2bRegisterOnce?: boolean;
	/** Clock for timestamps and token expiry (timers still run in real time). */
	now?: () => Date;
	/** Receives one line per request and callback. Default: silent. */
	log?: (line: string) => void;
}

/** A refusal the gateway gives before anything else: spike arrest, quota, outage. */
export interface InjectedFault {
	/** Only requests to this path; every Daraja path when left out. */
	path?: string;
	status: number;
	errorCode: string;
	errorMessage: string;
	/** How many requests get it. Default 1. */
	times?: number;
}

export interface StkCredentials {
	BusinessShortCode: string;
	Password: string;
	Timestamp: string;
}

export interface DarajaSim {
	/** Base URL, e.g. http://127.0.0.1:53211, to use in place of https://sandbox.safaricom.co.ke. */
	url: string;
	port: number;
	close(): Promise<void>;

	/**
	 * Chooses what the customer does. `target`: an MSISDN (every push to it until cleared),
	 * a CheckoutRequestID (a push still pending), 'next' (the next push only; queued) or
	 * 'default' (every push without a more specific rule).
	 */
	setOutcome(target: string, spec: OutcomeSpec): void;
	clearOutcomes(): void;
	/** Customer answers now instead of after the delay; resolves when its callbacks are sent. */
	settle(checkoutRequestId: string): Promise<Delivery[]>;
	/** Sends callbacks kept by `deliver: 'hold'`, in order: 'fifo', 'reverse' or a list of ids. */
	releaseHeld(order?: ReleaseOrder): Promise<Delivery[]>;
	readonly heldCallbacks: string[];
	readonly pushes: readonly StkPushRecord[];
	/** Every callback attempt (STK, C2B validation and confirmation) with the merchant's answer. */
	readonly deliveries: readonly Delivery[];
	waitForDeliveries(
		count: number,
		filter?: DeliveryFilter & { timeoutMs?: number }
	): Promise<Delivery[]>;
	waitForSettled(checkoutRequestId: string, timeoutMs?: number): Promise<StkPushRecord>;

	readonly registrations: C2bRegistration[];
	/** A customer pays from the phone menu: validation, then confirmation. */
	payBill(input: PayBillInput | Record<string, unknown>): Promise<PayBillResult>;

	injectFault(fault: InjectedFault): void;
	/** Every token issued so far stops working. */
	expireTokens(): void;
	/** Forgets pushes, callbacks (sent, pending, held), outcome rules, registrations and faults. Tokens stay valid. */
	reset(): void;

	readonly shortcodes: ShortcodeConfig[];
	/** BusinessShortCode, Password and Timestamp for a known shortcode (default 174379), now. */
	credentials(shortcode?: string): StkCredentials;
}
