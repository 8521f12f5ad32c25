/**
 * The gateway's field checks. Each parser reads a raw JSON body in the order Daraja's messages
 * suggest and throws the 400.002.02 that names the first bad field. Checks that need merchant
 * data (is the shortcode known, does the Password match) happen later, in the services, and
 * answer with M-Pesa's 500.001.1001 instead.
 */
import { invalidField } from './errors';
import { parseKenyanTimestamp } from './kenya-time';

export interface FieldRules {
	allowHttpCallbacks: boolean;
	/** How far the Timestamp may be from Nairobi time now; Infinity turns the check off. */
	timestampToleranceMs: number;
	now: () => Date;
}

export const STK_TRANSACTION_TYPES = ['CustomerPayBillOnline', 'CustomerBuyGoodsOnline'] as const;
export type StkTransactionType = (typeof STK_TRANSACTION_TYPES)[number];

/** C2B uses the same two command names for paybill and till payments. */
export type C2bCommandId = StkTransactionType;

export const C2B_RESPONSE_TYPES = ['Completed', 'Cancelled'] as const;
export type C2bResponseType = (typeof C2B_RESPONSE_TYPES)[number];

/**
 * Safaricom's filter is a plain substring match over the whole URL, host included, so even
 * https://execute.example.com is refused. Merchants must keep these words out of callback paths.
 */
const FORBIDDEN_URL_WORDS = ['mpesa', 'm-pesa', 'safaricom', 'exec', 'cmd', 'sql', 'query'];

type Body = Record<string, unknown>;

/** Digits given as a JSON string or number (client samples send both for shortcodes and phones). */
function digitsOf(value: unknown): string | null {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
	if (typeof value === 'string' && /^\d+$/.test(value)) return value;
	return null;
}

export function shortcodeField(value: unknown, field: string): string {
	const digits = digitsOf(value);
	if (digits === null || digits.length < 5 || digits.length > 7) throw invalidField(field);
	return digits;
}

/** Customer MSISDN in the only form M-Pesa takes: 2547XXXXXXXX or 2541XXXXXXXX. */
export function msisdnField(value: unknown, field: string): string {
	const digits = digitsOf(value);
	if (digits === null || !/^254[17]\d{8}$/.test(digits)) throw invalidField(field);
	return digits;
}

/** Whole shillings ≥ 1, as a number or a string of digits; "1.5", 0 and -1 are refused. */
export function amountField(value: unknown): number {
	const digits = digitsOf(value);
	const amount = digits === null ? NaN : Number(digits);
	if (!Number.isSafeInteger(amount) || amount < 1) throw invalidField('Amount');
	return amount;
}

export function callbackUrlField(value: unknown, field: string, rules: FieldRules): string {
	if (typeof value !== 'string' || value.trim() !== value || value === '')
		throw invalidField(field);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalidField(field);
	}
	const schemeAllowed =
		url.protocol === 'https:' || (url.protocol === 'http:' && rules.allowHttpCallbacks);
	const lowered = value.toLowerCase();
	if (!schemeAllowed || FORBIDDEN_URL_WORDS.some((word) => lowered.includes(word))) {
		throw invalidField(field);
	}
	return value;
}

function textField(
	value: unknown,
	field: string,
	{ max, required }: { max: number; required: boolean }
): string {
	if (value === undefined || value === null || value === '') {
		if (required) throw invalidField(field);
		return '';
	}
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.length > max) throw invalidField(field);
	return text;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw invalidField(field);
	}
	return value as T;
}

/** Timestamp: 14 digits of Nairobi time, close to now (a UTC clock is three hours off). */
function timestampField(value: unknown, rules: FieldRules): string {
	const at = typeof value === 'string' ? parseKenyanTimestamp(value) : null;
	if (!at) throw invalidField('Timestamp');
	if (Math.abs(rules.now().getTime() - at.getTime()) > rules.timestampToleranceMs) {
		throw invalidField('Timestamp');
	}
	return value as string;
}

function passwordField(value: unknown): string {
	if (typeof value !== 'string' || value === '') throw invalidField('Password');
	return value;
}

export interface StkPushRequest {
	shortcode: string;
	password: string;
	timestamp: string;
	transactionType: StkTransactionType;
	amount: number;
	partyA: string;
	partyB: string;
	phoneNumber: string;
	callbackUrl: string;
	accountReference: string;
	transactionDesc: string;
}

export function parseStkPush(body: Body, rules: FieldRules): StkPushRequest {
	return {
		shortcode: shortcodeField(body.BusinessShortCode, 'BusinessShortCode'),
		password: passwordField(body.Password),
		timestamp: timestampField(body.Timestamp, rules),
		transactionType: oneOf(body.TransactionType, STK_TRANSACTION_TYPES, 'TransactionType'),
		amount: amountField(body.Amount),
		partyA: msisdnField(body.PartyA, 'PartyA'),
		partyB: shortcodeField(body.PartyB, 'PartyB'),
		phoneNumber: msisdnField(body.PhoneNumber, 'PhoneNumber'),
		callbackUrl: callbackUrlField(body.CallBackURL, 'CallBackURL', rules),
		accountReference: textField(body.AccountReference, 'AccountReference', {
			max: 12,
			required: true
		}),
		transactionDesc: textField(body.TransactionDesc, 'TransactionDesc', {
			max: 13,
			required: false
		})
	};
}

export interface StkQueryRequest {
	shortcode: string;
	password: string;
	timestamp: string;
	checkoutRequestId: string;
}

export function parseStkQuery(body: Body, rules: FieldRules): StkQueryRequest {
	return {
		shortcode: shortcodeField(body.BusinessShortCode, 'BusinessShortCode'),
		password: passwordField(body.Password),
		timestamp: timestampField(body.Timestamp, rules),
		checkoutRequestId: textField(body.CheckoutRequestID, 'CheckoutRequestID', {
			max: 64,
			required: true
		})
	};
}

export interface C2bRegisterRequest {
	shortcode: string;
	responseType: C2bResponseType;
	confirmationUrl: string;
	/** Absent when the merchant has no validation step (the simulator then skips it). */
	validationUrl: string | null;
}

export function parseC2bRegister(body: Body, rules: FieldRules): C2bRegisterRequest {
	const validation = body.ValidationURL;
	return {
		shortcode: shortcodeField(body.ShortCode, 'ShortCode'),
		responseType: oneOf(body.ResponseType, C2B_RESPONSE_TYPES, 'ResponseType'),
		confirmationUrl: callbackUrlField(body.ConfirmationURL, 'ConfirmationURL', rules),
		validationUrl:
			validation === undefined || validation === null || validation === ''
				? null
				: callbackUrlField(validation, 'ValidationURL', rules)
	};
}

export interface C2bPaymentRequest {
	shortcode: string;
	commandId: C2bCommandId;
	amount: number;
	msisdn: string;
	/** As the customer typed it: wrong case, spaces and typos are expected downstream. */
	billRefNumber: string;
}

/** Body of the sandbox's /mpesa/c2b/v1/simulate; CommandID defaults to a paybill payment. */
export function parseC2bPayment(body: Body): C2bPaymentRequest {
	const commandId =
		body.CommandID === undefined
			? 'CustomerPayBillOnline'
			: oneOf(body.CommandID, STK_TRANSACTION_TYPES, 'CommandID');
	return {
		shortcode: shortcodeField(body.ShortCode, 'ShortCode'),
		commandId,
		amount: amountField(body.Amount),
		msisdn: msisdnField(body.Msisdn, 'Msisdn'),
		billRefNumber: textField(body.BillRefNumber, 'BillRefNumber', {
			max: 20,
			required: commandId === 'CustomerPayBillOnline'
		})
	};
}
