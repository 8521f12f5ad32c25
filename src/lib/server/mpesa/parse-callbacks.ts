/**
 * What Safaricom posts to us: the STK callback and the C2B validation/confirmation bodies.
 * Callbacks are unsigned and arrive at least once or never, so parsing only shapes the data;
 * the caller decides (idempotency on CheckoutRequestID / receipt / TransID, STK query if odd).
 */
import { z } from 'zod';
import { normalizeMsisdn } from '../../phone';
import { parseDarajaTimestamp } from './kenya-time';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: CallbackParseFailure };

/** The body as JSON, or why not (the error is also what Safaricom is answered). */
export function parseCallbackJson(
	body: string,
	contentType: string | null
): { ok: true; value: unknown } | { ok: false; error: string } {
	if (contentType && !/^application\/json\b/i.test(contentType.trim()))
		return { ok: false, error: 'Content-Type must be application/json' };
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch {
		return { ok: false, error: 'Body is not valid JSON' };
	}
}

/** A body we cannot use, with one message list per field path (e.g. `Body.stkCallback.ResultCode`). */
export class CallbackParseFailure extends Error {
	override readonly name = 'CallbackParseFailure';

	constructor(readonly fieldErrors: Record<string, string[]>) {
		super(
			`Malformed Daraja callback: ${Object.entries(fieldErrors)
				.map(([field, messages]) => `${field}: ${messages.join(', ')}`)
				.join('; ')}`
		);
	}
}

/**
 * The most one callback may carry: what a wallet takes in one credit (billing/wallet.ts). One M-Pesa
 * payment moves at most KES 250,000, so anything above is not a real payment but a bad body.
 */
export const MAX_CALLBACK_AMOUNT_KES = 1_000_000;

/** Safaricom's ids (ws_CO_191220191020363925, 29115-34620561-1): printable, no spaces or control characters. */
const darajaId = z
	.string()
	.regex(/^[\x21-\x7e]{1,100}$/, 'expected up to 100 printable characters');
/** Receipts and TransIDs: NLJ7RT61SV. */
const RECEIPT = /^[A-Za-z0-9]{1,20}$/;

// ---------- STK callback ----------

const metadataItem = z.object({
	Name: z.string(),
	// Balance sometimes comes as a bare {"Name":"Balance"}.
	Value: z.union([z.string(), z.number()]).optional()
});

const stkCallbackBody = z.object({
	Body: z.object({
		stkCallback: z.object({
			MerchantRequestID: darajaId,
			CheckoutRequestID: darajaId,
			ResultCode: z
				.union([z.number().int(), z.string().regex(/^\d{1,10}$/)])
				.transform(Number)
				.pipe(z.number().int().min(0).max(2_147_483_647)),
			ResultDesc: z.string(),
			CallbackMetadata: z.object({ Item: z.array(metadataItem) }).optional()
		})
	})
});

export interface StkCallback {
	merchantRequestId: string;
	checkoutRequestId: string;
	/** 0 paid; 1032 cancelled; 1037 unreachable; see PROTOCOLS.md for the rest. */
	resultCode: number;
	resultDesc: string;
	amount?: number;
	receipt?: string;
	phone?: string;
	transactionDate?: Date;
}

export function parseStkCallback(body: unknown): ParseResult<StkCallback> {
	const parsed = stkCallbackBody.safeParse(body);
	if (!parsed.success) return failure(parsed.error);
	const callback = parsed.data.Body.stkCallback;
	const items = new Map(
		callback.CallbackMetadata?.Item.map((item) => [item.Name, item.Value]) ?? []
	);
	const value: StkCallback = {
		merchantRequestId: callback.MerchantRequestID,
		checkoutRequestId: callback.CheckoutRequestID,
		resultCode: callback.ResultCode,
		resultDesc: callback.ResultDesc
	};
	const errors: Record<string, string[]> = {};

	const amount = items.get('Amount');
	if (amount !== undefined) {
		const shillings = Number(amount);
		if (!Number.isFinite(shillings) || shillings < 0)
			errors['CallbackMetadata.Amount'] = ['not a number'];
		else if (shillings > MAX_CALLBACK_AMOUNT_KES)
			errors['CallbackMetadata.Amount'] = [`more than KES ${MAX_CALLBACK_AMOUNT_KES}`];
		else value.amount = shillings;
	}
	const receipt = items.get('MpesaReceiptNumber');
	if (receipt !== undefined) {
		if (RECEIPT.test(String(receipt))) value.receipt = String(receipt);
		else errors['CallbackMetadata.MpesaReceiptNumber'] = ['expected up to 20 letters and digits'];
	}
	const phone = items.get('PhoneNumber');
	if (phone !== undefined) value.phone = normalizeMsisdn(String(phone)) ?? String(phone);
	const date = items.get('TransactionDate');
	if (date !== undefined) {
		const parsedDate = parseDarajaTimestamp(date);
		if (parsedDate) value.transactionDate = parsedDate;
		else errors['CallbackMetadata.TransactionDate'] = ['not a YYYYMMDDHHmmss timestamp'];
	}
	if (callback.ResultCode === 0 && value.receipt === undefined) {
		errors['CallbackMetadata.MpesaReceiptNumber'] = ['missing on a successful payment'];
	}
	return Object.keys(errors).length
		? { ok: false, error: new CallbackParseFailure(errors) }
		: { ok: true, value };
}

// ---------- C2B validation / confirmation ----------

const loose = z.union([z.string(), z.number()]).transform(String);
const optionalText = z
	.union([z.string(), z.number(), z.null()])
	.optional()
	.transform((v) => (v == null ? '' : String(v).trim()));

const c2bBody = z.object({
	TransactionType: z.string(),
	TransID: z.string().trim().regex(RECEIPT, 'expected up to 20 letters and digits'),
	TransTime: loose.pipe(z.string().regex(/^\d{14}$/, 'expected YYYYMMDDHHmmss')),
	// "10.00": Safaricom sends shillings as a decimal string; M-Pesa moves whole shillings only.
	TransAmount: loose.pipe(
		z
			.string()
			.trim()
			.regex(/^\d+(\.0+)?$/, 'expected whole shillings like "10.00"')
	),
	BusinessShortCode: loose.pipe(z.string().regex(/^\d{5,7}$/, 'expected a 5–7 digit shortcode')),
	BillRefNumber: optionalText,
	InvoiceNumber: optionalText,
	OrgAccountBalance: optionalText,
	ThirdPartyTransID: optionalText,
	MSISDN: loose,
	FirstName: optionalText,
	MiddleName: optionalText,
	LastName: optionalText
});

export interface C2bPayment {
	transactionType: string;
	transId: string;
	transTime: Date;
	/** Whole shillings. */
	amount: number;
	shortcode: string;
	/** As typed by the customer, trimmed. */
	billRefNumber: string;
	/** `normalizeAccountRef(billRefNumber)`, for matching against our account numbers. */
	accountKey: string;
	invoiceNumber: string;
	/** Empty at validation. */
	orgAccountBalance: string;
	thirdPartyTransId: string;
	/** As sent: plain, masked (`2547 ***** 149`) or hashed. */
	msisdn: string;
	/** The MSISDN when it arrived plain, else null. */
	phone: string | null;
	customerName: string;
}

export function parseC2bPayment(body: unknown): ParseResult<C2bPayment> {
	const parsed = c2bBody.safeParse(body);
	if (!parsed.success) return failure(parsed.error);
	const data = parsed.data;
	const transTime = parseDarajaTimestamp(data.TransTime);
	if (!transTime)
		return { ok: false, error: new CallbackParseFailure({ TransTime: ['not a valid date'] }) };
	const amount = Number.parseInt(data.TransAmount, 10);
	if (!Number.isSafeInteger(amount) || amount < 1) {
		return {
			ok: false,
			error: new CallbackParseFailure({ TransAmount: ['must be at least 1 shilling'] })
		};
	}
	if (amount > MAX_CALLBACK_AMOUNT_KES)
		return {
			ok: false,
			error: new CallbackParseFailure({ TransAmount: [`more than KES ${MAX_CALLBACK_AMOUNT_KES}`] })
		};
	return {
		ok: true,
		value: {
			transactionType: data.TransactionType,
			transId: data.TransID,
			transTime,
			amount,
			shortcode: data.BusinessShortCode,
			billRefNumber: data.BillRefNumber,
			accountKey: normalizeAccountRef(data.BillRefNumber),
			invoiceNumber: data.InvoiceNumber,
			orgAccountBalance: data.OrgAccountBalance,
			thirdPartyTransId: data.ThirdPartyTransID,
			msisdn: data.MSISDN,
			phone: normalizeMsisdn(data.MSISDN),
			customerName: [data.FirstName, data.MiddleName, data.LastName].filter(Boolean).join(' ')
		}
	};
}

/** Customers type account numbers on a phone keypad: "mt-00 12", "MT0012" mean the same. */
export function normalizeAccountRef(reference: string): string {
	return reference.replace(/[\s-]+/g, '').toUpperCase();
}

/** Answers for the C2B validation URL (Safaricom wants ResultCode as a string here). */
export const C2B_ACCEPT = { ResultCode: '0', ResultDesc: 'Accepted' } as const;
export const C2B_REJECT = {
	invalidMsisdn: { ResultCode: 'C2B00011', ResultDesc: 'Rejected' },
	invalidAccount: { ResultCode: 'C2B00012', ResultDesc: 'Rejected' },
	invalidAmount: { ResultCode: 'C2B00013', ResultDesc: 'Rejected' },
	other: { ResultCode: 'C2B00016', ResultDesc: 'Rejected' }
} as const;
/** Answer for the confirmation URL (a number here). */
export const C2B_CONFIRMED = { ResultCode: 0, ResultDesc: 'Success' } as const;

function failure(error: z.ZodError): { ok: false; error: CallbackParseFailure } {
	const fieldErrors: Record<string, string[]> = {};
	for (const issue of error.issues) {
		const field = issue.path.map(String).join('.') || '(body)';
		(fieldErrors[field] ??= []).push(issue.message);
	}
	return { ok: false, error: new CallbackParseFailure(fieldErrors) };
}
