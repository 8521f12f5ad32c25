/**
 * Kenyan mobile numbers as people type them (0712 345 678, +254 712…, 254712…, 0110…) to the
 * MSISDN form Safaricom uses: 2547XXXXXXXX or 2541XXXXXXXX. Anything else is not a phone.
 */
export function normalizeMsisdn(input: string): string | null {
	const digits = input.replace(/[\s\-().]/g, '');
	const match = /^(?:\+?254|0)?([17]\d{8})$/.exec(digits);
	return match ? `254${match[1]}` : null;
}

/** 254712345678 → 0712 345 678, the way Kenyans write it. */
export function formatMsisdn(msisdn: string): string {
	const local = `0${msisdn.slice(3)}`;
	return `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;
}

/** A staff login as people read it: a phone number spaced like one, an e-mail address as it is. */
export function displayLogin(login: string | null | undefined): string {
	return login && /^\d+$/.test(login) ? formatMsisdn(login) : (login ?? '');
}
