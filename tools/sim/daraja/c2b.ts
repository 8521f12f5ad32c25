/**
 * C2B: the customer pays the paybill or till from the M-Pesa menu on the phone. The merchant
 * registers a ConfirmationURL (and optionally a ValidationURL); each payment is offered for
 * validation, then confirmed once the money has moved.
 */
import { createHash } from 'node:crypto';
import type { CallbackDispatcher, Delivery } from './callbacks';
import { urlsAlreadyRegistered } from './errors';
import { mpesaReceipt, originatorConversationId, uniqueId } from './ids';
import { kenyanTimestamp } from './kenya-time';
import {
	parseC2bPayment,
	parseC2bRegister,
	type C2bPaymentRequest,
	type C2bResponseType,
	type FieldRules
} from './validation';

export interface C2bRegistration {
	shortcode: string;
	responseType: C2bResponseType;
	confirmationUrl: string;
	validationUrl: string | null;
	registeredAt: Date;
}

/**
 * How MSISDN reaches the merchant. Safaricom has sent it plain, masked (`2547 ***** 149`) and,
 * lately, as a SHA-256 hash, so merchants must not rely on it to find the customer.
 */
export type MsisdnFormat = 'plain' | 'masked' | 'hashed';

/** A payment from the phone menu; Daraja's own field names, as in the sandbox's simulate call. */
export interface PayBillInput {
	ShortCode: string | number;
	Amount: string | number;
	Msisdn: string | number;
	BillRefNumber?: string;
	CommandID?: 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';
	FirstName?: string;
	MiddleName?: string;
	LastName?: string;
	/** Simulator extension: overrides the simulator's `c2bMsisdnFormat` for this payment. */
	msisdnFormat?: MsisdnFormat;
}

/** The body POSTed to ValidationURL and ConfirmationURL. */
export interface C2bPaymentBody {
	TransactionType: 'Pay Bill' | 'Buy Goods';
	TransID: string;
	TransTime: string;
	TransAmount: string;
	BusinessShortCode: string;
	BillRefNumber: string;
	InvoiceNumber: string;
	OrgAccountBalance: string;
	ThirdPartyTransID: string;
	MSISDN: string;
	FirstName: string;
	MiddleName: string;
	LastName: string;
}

export interface PayBillResult {
	transId: string;
	/**
	 * completed: confirmation sent (money moved). rejected: the validation URL refused it.
	 * cancelled: validation did not answer and the registration says Cancelled.
	 * unregistered: no URLs for the shortcode; the money moves and nobody is told.
	 */
	outcome: 'completed' | 'rejected' | 'cancelled' | 'unregistered';
	validation: {
		/** no-answer covers a timeout, an HTTP error and an answer without a ResultCode. */
		outcome: 'skipped' | 'accepted' | 'rejected' | 'no-answer';
		resultCode?: string;
		resultDesc?: string;
		delivery?: Delivery;
	};
	confirmation: Delivery | null;
	/** What was (or would have been) sent to the ConfirmationURL. */
	payment: C2bPaymentBody;
}

export interface C2bServiceOptions {
	fieldRules: FieldRules;
	/** Safaricom waits about 8 s for the validation answer, then applies ResponseType. */
	validationTimeoutMs: number;
	callbackTimeoutMs: number;
	msisdnFormat: MsisdnFormat;
	/** Production refuses a second registration for a shortcode; the sandbox does not. */
	registerOnce: boolean;
	now: () => Date;
}

export class C2bService {
	private readonly registered = new Map<string, C2bRegistration>();
	/** OrgAccountBalance per shortcode, grown by each completed payment. */
	private readonly balances = new Map<string, number>();

	constructor(
		private readonly options: C2bServiceOptions,
		private readonly dispatcher: CallbackDispatcher,
		private readonly receipts: Set<string>
	) {}

	get registrations(): C2bRegistration[] {
		return [...this.registered.values()];
	}

	register(body: Record<string, unknown>): Record<string, string> {
		const request = parseC2bRegister(body, this.options.fieldRules);
		if (this.options.registerOnce && this.registered.has(request.shortcode))
			throw urlsAlreadyRegistered();
		this.registered.set(request.shortcode, { ...request, registeredAt: this.options.now() });
		// "OriginatorCoversationID" (sic) is how Safaricom spells it.
		return {
			OriginatorCoversationID: originatorConversationId(),
			ResponseCode: '0',
			ResponseDescription: 'success'
		};
	}

	/**
	 * The sandbox's /mpesa/c2b/v1/simulate: answers at once and runs the payment behind it,
	 * the way the real one fires the callbacks after its answer.
	 */
	simulate(body: Record<string, unknown>): Record<string, string> {
		const request = parseC2bPayment(body);
		void this.run(request, body);
		return {
			OriginatorCoversationID: originatorConversationId(),
			ResponseCode: '0',
			ResponseDescription: 'Accept the service request successfully.'
		};
	}

	/** A customer pays from the phone menu; resolves once validation and confirmation are done. */
	payBill(input: PayBillInput | Record<string, unknown>): Promise<PayBillResult> {
		const body = input as Record<string, unknown>;
		return this.run(parseC2bPayment(body), body);
	}

	reset(): void {
		this.registered.clear();
		this.balances.clear();
	}

	private async run(
		request: C2bPaymentRequest,
		extras: Record<string, unknown>
	): Promise<PayBillResult> {
		const at = this.options.now();
		const payment: C2bPaymentBody = {
			TransactionType: request.commandId === 'CustomerBuyGoodsOnline' ? 'Buy Goods' : 'Pay Bill',
			TransID: uniqueId(this.receipts, () => mpesaReceipt(at)),
			TransTime: kenyanTimestamp(at),
			TransAmount: request.amount.toFixed(2),
			BusinessShortCode: request.shortcode,
			BillRefNumber: request.billRefNumber,
			InvoiceNumber: '',
			// Empty at validation: the money has not moved yet.
			OrgAccountBalance: '',
			ThirdPartyTransID: '',
			MSISDN: formatMsisdn(request.msisdn, msisdnFormatOf(extras) ?? this.options.msisdnFormat),
			FirstName: textOr(extras.FirstName, 'John'),
			MiddleName: textOr(extras.MiddleName, ''),
			LastName: textOr(extras.LastName, 'Doe')
		};
		const registration = this.registered.get(request.shortcode);
		const base = { transId: payment.TransID, payment };
		if (!registration) {
			return {
				...base,
				outcome: 'unregistered',
				validation: { outcome: 'skipped' },
				confirmation: null
			};
		}

		const validation = await this.validate(registration, payment);
		if (validation.outcome === 'rejected')
			return { ...base, outcome: 'rejected', validation, confirmation: null };
		if (validation.outcome === 'no-answer' && registration.responseType === 'Cancelled') {
			return { ...base, outcome: 'cancelled', validation, confirmation: null };
		}

		const balance = (this.balances.get(request.shortcode) ?? 0) + request.amount;
		this.balances.set(request.shortcode, balance);
		const confirmed: C2bPaymentBody = { ...payment, OrgAccountBalance: balance.toFixed(2) };
		const confirmation = await this.dispatcher.send(
			'c2b-confirmation',
			payment.TransID,
			registration.confirmationUrl,
			confirmed,
			this.options.callbackTimeoutMs
		);
		return { ...base, payment: confirmed, outcome: 'completed', validation, confirmation };
	}

	private async validate(
		registration: C2bRegistration,
		payment: C2bPaymentBody
	): Promise<PayBillResult['validation']> {
		if (!registration.validationUrl) return { outcome: 'skipped' };
		const delivery = await this.dispatcher.send(
			'c2b-validation',
			payment.TransID,
			registration.validationUrl,
			payment,
			this.options.validationTimeoutMs
		);
		const answer = readValidationAnswer(delivery);
		if (!answer) return { outcome: 'no-answer', delivery };
		return {
			outcome: answer.resultCode === '0' ? 'accepted' : 'rejected',
			resultCode: answer.resultCode,
			resultDesc: answer.resultDesc,
			delivery
		};
	}
}

/** `{"ResultCode":"0"|0, ...}` accepts; any other ResultCode (C2B00011…C2B00016) rejects. */
function readValidationAnswer(
	delivery: Delivery
): { resultCode: string; resultDesc: string } | null {
	if (delivery.status === null || delivery.status < 200 || delivery.status >= 300) return null;
	let parsed: unknown;
	try {
		parsed = JSON.parse(delivery.responseBody);
	} catch {
		return null;
	}
	if (typeof parsed !== 'object' || parsed === null) return null;
	const { ResultCode, ResultDesc } = parsed as Record<string, unknown>;
	if (typeof ResultCode !== 'string' && typeof ResultCode !== 'number') return null;
	return {
		resultCode: String(ResultCode),
		resultDesc: typeof ResultDesc === 'string' ? ResultDesc : ''
	};
}

export function formatMsisdn(msisdn: string, format: MsisdnFormat): string {
	if (format === 'masked') return `${msisdn.slice(0, 4)} ***** ${msisdn.slice(-3)}`;
	if (format === 'hashed') return createHash('sha256').update(msisdn).digest('hex');
	return msisdn;
}

function msisdnFormatOf(extras: Record<string, unknown>): MsisdnFormat | undefined {
	const value = extras.msisdnFormat;
	return value === 'plain' || value === 'masked' || value === 'hashed' ? value : undefined;
}

function textOr(value: unknown, fallback: string): string {
	return typeof value === 'string' ? value : fallback;
}
