/**
 * Identifiers shaped like the ones Safaricom hands out, so that clients which store or parse them
 * (column widths, regexes, log greps) meet realistic values in tests.
 */
import { randomInt } from 'node:crypto';
import { checkoutIdStamp, kenyanDate } from './kenya-time';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Day of month as one character: 1–9 then A=10 … V=31. */
const DAY_CHARS = '123456789ABCDEFGHIJKLMNOPQRSTUV';

function randomFrom(alphabet: string, length: number): string {
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
	return out;
}

/**
 * A 10-character M-Pesa receipt (MpesaReceiptNumber, C2B TransID). Real receipts start with the
 * date: a year letter (N = 2019, S = 2024, T = 2025), a month letter (A = January) and a day
 * character, as in NLJ7RT61SV for 19 December 2019. Seven random characters follow.
 */
export function mpesaReceipt(at: Date): string {
	const { year, month, day } = kenyanDate(at);
	const yearLetter = LETTERS[(((year - 2006) % 26) + 26) % 26];
	return `${yearLetter}${LETTERS[month - 1]}${DAY_CHARS[day - 1]}${randomFrom(UPPER_ALNUM, 7)}`;
}

/** MerchantRequestID in the classic `29115-34620561-1` shape. */
export function merchantRequestId(): string {
	return `${randomInt(10_000, 100_000)}-${randomInt(10_000_000, 100_000_000)}-1`;
}

/**
 * CheckoutRequestID: `ws_CO_` + ddmmyyyyHHmmssSSS (Nairobi) + the customer's number without 254,
 * which is how production ids look (ws_CO_03072023054410314768168060).
 */
export function checkoutRequestId(at: Date, msisdn: string): string {
	return `ws_CO_${checkoutIdStamp(at)}${msisdn.slice(3)}`;
}

/** requestId of error bodies, e.g. `11559-988723-1`. */
export function errorRequestId(): string {
	return `${randomInt(1000, 100_000)}-${randomInt(100_000, 100_000_000)}-1`;
}

/** OriginatorCoversationID of C2B answers (same family of ids as MerchantRequestID). */
export function originatorConversationId(): string {
	return `${randomInt(1000, 100_000)}-${randomInt(10_000_000, 100_000_000)}-1`;
}

/** 28 base62 characters, the length of the real OAuth access tokens. */
export function accessToken(): string {
	return randomFrom(BASE62, 28);
}

/** Draws from `generate` until the value is new to `used`, then records it. */
export function uniqueId(used: Set<string>, generate: () => string): string {
	for (;;) {
		const id = generate();
		if (!used.has(id)) {
			used.add(id);
			return id;
		}
	}
}
